"""The picture-size study's core: one clip's variant scored, the plan, the means."""

from __future__ import annotations

import math

import numpy as np
import pytest

from specimg.core.spectrum import StftConfig, stft
from specimg.study import model_pictures
from specimg.study.metrics import spectral_convergence_db
from specimg.study.model_pictures import (
    REFERENCE_HOP,
    REFERENCE_N_FFT,
    Variant,
    make_picture,
    score_variant,
)
from specimg.study.model_tables import (
    ModelPlan,
    plan_variants,
    summarise_model_rows,
    user_picture_entry,
)
from specimg.study.report import model_table

SR = 8000


def clip(signal: np.ndarray, variant: Variant) -> np.ndarray:
    """The harmonic signal repeated to the length one picture of ``variant`` holds."""
    return np.resize(signal, variant.clip_length(SR)).astype(np.float32)


def noise_sc(y: np.ndarray) -> float:
    """SC on the reference STFT of white noise at the clip's level: what no picture gives."""
    noise = np.random.default_rng(1).standard_normal(len(y)) * np.std(y)
    config = StftConfig(SR, REFERENCE_N_FFT, REFERENCE_HOP)
    return spectral_convergence_db(np.abs(stft(y, config)), np.abs(stft(noise, config)))


@pytest.mark.parametrize(("size", "representation", "codec"),
                         [(64, "linear", "png16"), (32, "mel", "png8")])
def test_true_phase_beats_best_beats_noise(harmonic_signal, size, representation, codec):
    variant = Variant(size, representation, codec)
    y = clip(harmonic_signal, variant)
    rows = {row["method"]: row for row in score_variant(y, SR, variant, n_iter=30,
                                                        naive_n_iter=8)}
    assert set(rows) == {"true_phase", "best", "naive"}
    floor, best = rows["true_phase"]["sc_db"], rows["best"]["sc_db"]
    assert floor < best - 3 < noise_sc(y) - 6, rows
    assert rows["best"]["own_sc_db"] < noise_sc(y)
    assert math.isnan(rows["best"]["pesq_wb"]) and math.isnan(rows["best"]["stoi"])
    assert rows["best"]["bytes"] > 0
    assert rows["best"]["seconds_per_picture"] == pytest.approx(len(y) / SR, abs=1e-3)


def test_one_reference_stft_whatever_the_representation(harmonic_signal, monkeypatch):
    """Given the same output signal, two representations of a clip of one length score the same
    SC on the reference STFT (over every bin), and the true signal scores at the floor; a
    picture that keeps no loudness is scored after the best gain, which can only help."""
    variants = [Variant(32, "mel"), Variant(32, "linear_n2048"), Variant(32, "audio_diffusion")]
    y = clip(harmonic_signal, variants[0])
    assert {v.clip_length(SR) for v in variants} == {len(y)}
    degraded = y + 0.01 * np.random.default_rng(2).standard_normal(len(y)).astype(np.float32)
    for output in (y, degraded):
        monkeypatch.setattr(model_pictures, "reconstruct_picture",
                            lambda picture, method, output=output, **_: output)
        scores = [score_variant(y, SR, v, methods=("best",))[0] for v in variants]
        full = [row["full_band_sc_db"] for row in scores]
        assert abs(full[0] - full[1]) < 1e-6, full
        assert full[0] - 0.1 < full[2] <= full[0] + 1e-6, full
        assert scores[2]["gain_fitted"] and not scores[0]["gain_fitted"]
        if output is y:
            assert max(full) < -100
        else:
            assert -45 < full[0] < -20
        # the lowest 32 bins of 2048 are a narrower band, scored on the same STFT's bins
        assert scores[1]["top_hz"] == pytest.approx(31 * SR / 2048, abs=0.05)


def test_riffusion_picture_is_scored_back_at_the_clip_rate(harmonic_signal, monkeypatch):
    variant = Variant(32, "riffusion")
    y = clip(harmonic_signal, variant)
    picture = make_picture(y, SR, variant)
    assert picture.meta.sr == 44100 and picture.meta.n_frames == 32
    monkeypatch.setattr(model_pictures, "reconstruct_picture",
                        lambda picture, method, **_: picture.y[: picture.meta.length])
    (row,) = score_variant(y, SR, variant, methods=("true_phase",))
    assert row["gain_fitted"] and row["sc_db"] < -30  # soxr up and down again


def test_variant_problems():
    assert Variant(256, "riffusion", "png16").problems()
    assert Variant(256, "spiral").problems()
    assert Variant(4, "linear").problems()
    assert not Variant(512, "linear", "jpeg95").problems()
    with pytest.raises(ValueError, match="own 8-bit PNG"):
        make_picture(np.zeros(1000, np.float32), SR, Variant(32, "audio_diffusion", "png16"))


def test_plan_default_and_sweep():
    section = {"sizes": [256, 512], "recordings_per_kind": 1,
               "codecs": {"linear": ["png8", "png16"], "mel": ["png8"], "riffusion": ["png8"]},
               "riffusion_sizes": [512], "riffusion_kinds": ["music"], "sweep": False}
    plan = ModelPlan.from_params(section)
    kinds = ["environmental", "environmental", "music", "music", "speech"]
    assert plan.recordings(kinds) == [0, 2, 4]
    assert plan_variants(plan, "speech") == [(256, "linear", ("png8", "png16")),
                                             (256, "mel", ("png8",)),
                                             (512, "linear", ("png8", "png16")),
                                             (512, "mel", ("png8",))]
    assert (512, "riffusion", ("png8",)) in plan_variants(plan, "music")
    assert (256, "riffusion", ("png8",)) not in plan_variants(plan, "music")
    sweep = ModelPlan.from_params({**section, "sweep": True})
    assert sweep.recordings(kinds) == list(range(5))
    assert (256, "riffusion", ("png8",)) in plan_variants(sweep, "speech")
    assert (256, "mel", ("png8", "png16", "jpeg95")) in plan_variants(sweep, "speech")
    with pytest.raises(ValueError, match=r"model\.codecs: .*riffusion"):
        ModelPlan.from_params({**section, "codecs": {"riffusion": ["jpeg95"]}})


def test_summary_means_per_variant_and_kind():
    def row(recording, kind, method, sc, pesq=float("nan")):
        return {"recording": recording, "kind": kind, "size": 64, "representation": "linear",
                "codec": "png8", "method": method, "seconds_per_picture": 1.0, "bytes": 100,
                "top_hz": 4000.0, "sc_db": sc, "full_band_sc_db": sc, "own_sc_db": sc,
                "pesq_wb": pesq, "stoi": float("nan")}

    rows = [row("a", "music", "best", -10.0), row("b", "speech", "best", -20.0, 3.0)]
    table = summarise_model_rows(rows)
    entry = table["all"]["64"]["linear"]["png8"]
    assert entry["best"]["sc_db"] == -15.0 and entry["best"]["pesq_wb"] == 3.0
    assert "stoi" not in entry["best"] and entry["pictures"] == 2
    assert table["by_kind"]["music"]["64"]["linear"]["png8"]["best"] == {
        "sc_db": -10.0, "full_band_sc_db": -10.0, "own_sc_db": -10.0}
    assert table["recordings"] == 2


def test_user_picture_and_report_table():
    summary = {"bytes_per_second": 882.7, "oracle": {"sc_db": -6.657, "pesq_wb": 1.7},
               "pghi_raar": {"sc_db": -5.186}, "pghi_agla": {"sc_db": -5.1}}
    entry = user_picture_entry(summary, {"bytes_per_second": 882.7}, size=512, seconds=60.0)
    assert entry == {"size": 512, "seconds_per_picture": 60.0, "bytes": 52962.0,
                     "true_phase": {"sc_db": -6.66, "pesq_wb": 1.7}, "best": {"sc_db": -5.19}}

    def row(size, representation):
        return {"recording": "a", "kind": "music", "size": size, "codec": "png8",
                "representation": representation, "seconds_per_picture": 1.0, "bytes": 10,
                "top_hz": 4000.0, "sc_db": -10.0, "full_band_sc_db": -10.0, "own_sc_db": -10.0,
                "pesq_wb": float("nan"), "stoi": float("nan"), "method": "best"}

    rows = [row(512, "mel"), row(64, "riffusion"), row(64, "linear")]
    table = {**summarise_model_rows(rows), "user_picture": {"specshow_gan": entry}}
    html = model_table(table)
    order = [html.index(text) for text in ("<td>64 x 64</td><td>linear",
                                           "<td>64 x 64</td><td>riffusion",
                                           "<td>512 x 512</td><td>mel",
                                           "<td>512 x 512</td><td>specshow_gan")]
    assert order == sorted(order)
    assert "<td>-5.19</td><td>-6.66</td><td></td>" in html  # no naive figure given
