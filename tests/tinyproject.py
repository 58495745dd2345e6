"""A copy of the project with a tiny parameter set, for end-to-end tests of the pipeline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

TINY = {
    "on_error": "fail",
    "parallel": {"n_jobs": 2, "executor": "local", "scheduler_address": None},
    "segment": {"sr": 8000, "clip_seconds": 2.0, "step_seconds": 60.0, "tail": "pad",
                "mixdown": "mean"},
    "stft": {"n_fft": 256, "hop_length": 64, "window": "hann", "center": True, "top_db": 80.0},
    "encode": {"encodings": ["png16", "jpeg75", "specshow"],
               "specshow": {"specshow": {"width_per_second": 150, "height": 300, "quality": 75,
                                         "cmap": "gray"}}},
    "invert": {"methods": ["oracle", "fgla", "pghi_agla"], "n_iter": 8, "momentum": 0.99,
               "agla_beta": 1.1, "agla_gamma": 1.2, "pghi_tol_db": 70.0, "seed": 0,
               "floor_silence": True, "record_every": 2},
    "evaluate": {"lsd_top_db": 80.0, "convergence_encoding": "png16"},
    "report": {"encoding": "specshow", "method": "pghi_agla"},
    "model": {"sizes": [64], "recordings_per_kind": 1,
              "codecs": {"linear": ["png8", "png16"], "linear_n2048": ["png8"], "mel": ["png8"],
                         "audio_diffusion": ["png8"], "riffusion": ["png8"]},
              "riffusion_sizes": [64], "riffusion_kinds": ["speech"], "sweep": False,
              "n_iter": 8, "naive_n_iter": 4, "user_encoding": None},
}


def run(args: list[str], cwd: Path) -> str:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "DVC_NO_ANALYTICS": "1"}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


#: The recordings of the tiny project: one of each kind, and a man's and a woman's voice.
TINY_FILES = ("music_introzik.ogg", "speech_vm-options.wav", "speech_it-demo-echotest.wav",
              "environmental_wesnoth-ambience.ogg", "SOURCES.csv")


def make_project(root: Path, params: dict = TINY, raw: Path = REPO / "data/raw",
                 files: tuple[str, ...] | None = TINY_FILES) -> Path:
    """Copy the pipeline's code and ``files`` of the ``raw`` recordings (None: all) into
    ``root`` with ``params``; git and dvc init. Also used by the benchmarks."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("dvc.yaml", "specimg", "stages"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    # numba's compiled kernels, where this checkout has them: an index is valid for a source
    # file of the same time stamp and size (copy2 keeps both), and numba recompiles otherwise.
    # It saves each project's stages compiling them again (15 s of a tiny study's 100 here).
    for index in (REPO / "specimg").rglob("__pycache__/*.nb[ic]"):
        target = root / index.relative_to(REPO)
        target.parent.mkdir(exist_ok=True)
        shutil.copy2(index, target)
    shutil.copytree(raw, root / "data/raw", ignore=None if files is None else (
        lambda folder, names: [n for n in names if n not in files]))
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["git", "init", "-q"], root)
    run([str(BIN / "dvc"), "init", "-q"], root)
    run([str(BIN / "dvc"), "config", "core.analytics", "false"], root)
    shutil.copytree(REPO / ".dvc/plots", root / ".dvc/plots", dirs_exist_ok=True)
    return root


def dvc(project: Path, *args: str) -> str:
    return run([str(BIN / "dvc"), *args], project)
