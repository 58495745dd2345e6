"""End to end: `dvc repro` on the embedded recordings with a tiny parameter set, in a copy."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from tinyproject import REPO, TINY_FILES, dvc, run

METHODS = ("oracle", "fgla", "pghi_agla")


def test_repro_is_complete_reproducible_and_incremental(project):
    summary = json.loads((project / "metrics/summary.json").read_text())
    assert sorted(summary) == ["jpeg75", "png16", "specshow"]
    for encoding, scores in summary.items():
        assert scores["bytes_per_second"] > 0
        assert scores["image_sc_db"] < 0
        for method in METHODS:
            assert set(scores[method]) == {"sc_db", "consistency_sc_db", "lsd_db", "snr_db",
                                           "loudness_error_db", "pesq_wb", "stoi"}
            assert all(math.isfinite(v) for v in scores[method].values()), (encoding, method)
    png16 = summary["png16"]
    assert png16["oracle"]["sc_db"] < -45
    assert png16["oracle"]["sc_db"] < summary["jpeg75"]["oracle"]["sc_db"]
    assert png16["image_sc_db"] < summary["jpeg75"]["image_sc_db"]
    assert png16["fgla"]["sc_db"] > png16["oracle"]["sc_db"]
    assert png16["pghi_agla"]["sc_db"] < png16["fgla"]["sc_db"]
    assert png16["oracle"]["snr_db"] > 40 > png16["fgla"]["snr_db"]
    assert png16["oracle"]["pesq_wb"] > png16["fgla"]["pesq_wb"]
    assert png16["oracle"]["loudness_error_db"] < 0.1
    # Lossless image: almost all of the loss is the phase's.
    assert abs(png16["fgla"]["consistency_sc_db"] - png16["fgla"]["sc_db"]) < 1.0

    results = pd.read_csv(project / "metrics/results.csv")
    speech = results["kind"] == "speech"
    assert results.loc[speech, "pesq_wb"].notna().all()
    assert results.loc[~speech, "pesq_wb"].isna().all()
    clips = (project / "data/clips/manifest.csv").read_text().splitlines()
    assert len(clips) == 1 + 4  # header + one clip per recording (step 60 s)
    assert len(list((project / "metrics/per_clip").glob("*.csv"))) == 4
    rate = pd.read_csv(project / "metrics/rate.csv")
    assert len(rate) == 3 * 3 and set(rate["method"]) == set(METHODS)
    # Only the iterative methods have convergence curves, recorded every 2 of 8 iterations.
    curves = pd.read_csv(project / "metrics/convergence.csv")
    assert set(curves["method"]) == {"fgla", "pghi_agla"}
    fgla = curves[curves["method"] == "fgla"]
    assert list(fgla["iteration"]) == [1, 2, 4, 6, 8]
    assert fgla["sc_db"].iloc[-1] < fgla["sc_db"].iloc[0]
    assert (project / "metrics/report.html").stat().st_size > 0
    raw = REPO / "data/raw"
    assert {p.name: p.read_bytes() for p in (project / "data/raw").iterdir()} == {
        name: (raw / name).read_bytes() for name in TINY_FILES}

    first_lock = (project / "dvc.lock").read_bytes()
    assert "Running stage" not in dvc(project, "repro")
    dvc(project, "status", "-q")  # exits 1 if anything is stale
    dvc(project, "repro", "-f")
    assert (project / "dvc.lock").read_bytes() == first_lock
    dvc(project, "status", "-q")


def test_model_pictures_table(project):
    """The picture-size study of the tiny project: 64 x 64 px, one recording of each kind."""
    table = json.loads((project / "metrics/model_pictures.json").read_text())
    variants = table["all"]["64"]
    assert sorted(variants) == ["audio_diffusion", "linear", "linear_n2048", "mel", "riffusion"]
    assert sorted(variants["linear"]) == ["png16", "png8"]
    assert table["recordings"] == 3 and sorted(table["by_kind"]) == [
        "environmental", "music", "speech"]
    for codecs in variants.values():
        for entry in codecs.values():
            assert entry["true_phase"]["sc_db"] < entry["best"]["sc_db"] < 0, entry
            assert entry["bytes"] > 0 and entry["seconds_per_picture"] > 0
    assert variants["riffusion"]["png8"]["pictures"] == 1  # speech only (riffusion_kinds)
    assert "pesq_wb" in variants["mel"]["png8"]["best"]  # the speech recording's
    rows = pd.read_csv(project / "metrics/model_pictures.csv")
    assert set(rows["method"]) == {"true_phase", "best", "naive"}
    assert rows.loc[rows["kind"] != "speech", "pesq_wb"].isna().all()


def test_plots_render(project):
    out = dvc(project, "plots", "show", "--json")
    shown = json.loads(out[out.index("{"):])
    plots = shown["data"]
    for target in ("metrics/rate.csv", "metrics/convergence.csv"):
        (plot,) = plots[target]
        series = {point["method"] for point in plot["content"]["data"]["values"]}
        assert len(series) >= 2, (target, series)  # one series per method, in one plot
        assert plot["content"]["encoding"]["color"]["field"] == "method"
    assert any(key.startswith("metrics/per_clip/") for key in plots)


def test_exp_run_reruns_only_what_a_parameter_touches(project):
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-qm", "baseline"], project)
    output = dvc(project, "exp", "run", "-S", "invert.n_iter=3")
    ran = {line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")}
    # model_summary reads the evaluate stage's means; the model pictures do not rerun
    assert ran and all(s.startswith("invert@") or s in ("evaluate", "report", "model_summary")
                       for s in ran), ran
    diff = dvc(project, "metrics", "diff", "--md")
    assert "fgla.sc_db" in diff
    assert "fgla.consistency_sc_db" in diff


@pytest.mark.skipif(not Path("/proc/cpuinfo").exists()
                    or " avx2" not in Path("/proc/cpuinfo").read_text(), reason="no AVX2")
def test_stages_run_openblas_haswell_kernels_whatever_the_cpu():
    """A stage process sets OpenBLAS's kernels before numpy loads: Haswell's, whatever the CPU
    or the environment would pick (their float32 products round differently), and leaves
    numpy's AVX-512 kernels out, keeping what the environment disabled."""
    probe = ("import specimg.pipeline, numpy, threadpoolctl, os; "
             "print([i['architecture'] for i in threadpoolctl.threadpool_info() "
             "if i['internal_api'] == 'openblas']); "
             "print(os.environ['NPY_DISABLE_CPU_FEATURES'])")
    env = {**os.environ, "OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": "X86_V3"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, env=env)
    architecture, disabled = done.stdout.splitlines()
    assert architecture == "['Haswell']"
    assert disabled.split() == ["X86_V3", "X86_V4", "AVX512_ICL", "AVX512_SPR"]  # kept, added
