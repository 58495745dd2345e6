"""End to end: `dvc repro` on the embedded recordings with a tiny parameter set, in a copy."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

TINY = {
    "segment": {"sr": 8000, "clip_seconds": 2.0, "step_seconds": 30.0, "tail": "pad",
                "mixdown": "mean"},
    "stft": {"n_fft": 256, "hop_length": 64, "window": "hann", "center": True, "top_db": 80.0},
    "encode": {"encodings": ["png16", "jpeg75", "specshow"],
               "specshow": {"figsize": [3, 3], "dpi": 100, "quality": 75, "cmap": "gray"}},
    "invert": {"methods": ["oracle", "fgla", "pghi_agla"], "n_iter": 8, "momentum": 0.99,
               "agla_beta": 1.1, "agla_gamma": 1.2, "pghi_tol_db": 70.0, "seed": 0,
               "floor_silence": True},
    "evaluate": {"lsd_top_db": 80.0},
}


def run(args: list[str], cwd: Path) -> str:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "DVC_NO_ANALYTICS": "1"}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("project")
    for name in ("dvc.yaml", "specimg", "stages", "data/raw"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    (root / "params.yaml").write_text(yaml.safe_dump(TINY, sort_keys=False))
    run(["git", "init", "-q"], root)
    run([str(BIN / "dvc"), "init", "-q"], root)
    run([str(BIN / "dvc"), "config", "core.analytics", "false"], root)
    return root


def dvc(project: Path, *args: str) -> str:
    return run([str(BIN / "dvc"), *args], project)


def test_repro_is_complete_reproducible_and_incremental(project):
    raw_before = {p.name: p.read_bytes() for p in (project / "data/raw").iterdir()}
    dvc(project, "repro")
    first_lock = (project / "dvc.lock").read_bytes()

    summary = json.loads((project / "metrics/summary.json").read_text())
    assert sorted(summary) == ["jpeg75", "png16", "specshow"]
    for encoding, methods in summary.items():
        assert methods["bytes_per_second"] > 0
        for method in ("oracle", "fgla", "pghi_agla"):
            assert all(math.isfinite(v) for v in methods[method].values()), (encoding, method)
    assert summary["png16"]["oracle"]["sc_db"] < -45
    assert summary["png16"]["oracle"]["sc_db"] < summary["jpeg75"]["oracle"]["sc_db"]
    assert summary["png16"]["fgla"]["sc_db"] > summary["png16"]["oracle"]["sc_db"]
    assert summary["png16"]["pghi_agla"]["sc_db"] < summary["png16"]["fgla"]["sc_db"]
    clips = (project / "data/clips/manifest.csv").read_text().splitlines()
    assert len(clips) == 1 + 4  # header + one clip per recording (step 30 s)
    assert len(list((project / "metrics/per_clip").glob("*.csv"))) == 4
    assert {p.name: p.read_bytes() for p in (project / "data/raw").iterdir()} == raw_before

    assert "Running stage" not in dvc(project, "repro")
    dvc(project, "status", "-q")  # exits 1 if anything is stale

    dvc(project, "repro", "-f")
    assert (project / "dvc.lock").read_bytes() == first_lock


def test_exp_run_reruns_only_what_a_parameter_touches(project):
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-qm", "baseline"], project)
    output = dvc(project, "exp", "run", "-S", "invert.n_iter=3")
    ran = {line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")}
    assert ran and all(s.startswith("invert@") or s == "evaluate" for s in ran), ran
    diff = dvc(project, "metrics", "diff", "--md")
    assert "fgla.sc_db" in diff
