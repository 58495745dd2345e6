import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import librosa
import numpy as np
import pytest

from specimg import phase
from specimg.core.spectrum import StftConfig, stft
from specimg.phase import METHODS, fft, gla, reconstruct, transform
from specimg.phase.gla import griffin_lim, random_phase
from specimg.phase.options import PhaseOptions
from specimg.phase.pghi import pghi
from specimg.phase.transform import Stft
from specimg.study.metrics import snr_db, spectral_convergence_db


def sc_of(y, S, config):
    return spectral_convergence_db(S, np.abs(stft(y, config)))


@pytest.fixture
def S(harmonic_signal, small_config):
    return np.abs(stft(harmonic_signal, small_config))


@pytest.mark.parametrize("center", [True, False])
def test_stft_pair_matches_librosa(harmonic_signal, center):
    config = StftConfig(sr=8000, n_fft=256, hop_length=64, center=center)
    length = len(harmonic_signal)
    D = stft(harmonic_signal, config)
    transform = Stft(config, length, workers=1)
    coefficients = np.ascontiguousarray(D.T)
    back = transform.signal(transform.inverse(coefficients))
    expected = librosa.istft(D, hop_length=64, n_fft=256, center=center, length=length)
    # Where the summed squared window is near zero (the ends without centring), dividing by it
    # amplifies the FFT's float32 rounding: ducc0 measured 5e-5 at 2 samples, 1.5e-7 elsewhere.
    weight = transform.signal(transform.norm) <= 1e3 * transform.norm[transform.norm > 0].min()
    np.testing.assert_allclose(back[weight], expected[weight], atol=1e-5)
    np.testing.assert_allclose(back, expected, atol=1e-3)
    scrambled = np.ascontiguousarray((np.abs(D) * np.exp(1j * random_phase(D.shape, 0))).T)
    projected = transform.project(scrambled.astype(np.complex64))
    expected = stft(librosa.istft(scrambled.T, hop_length=64, n_fft=256, center=center,
                                  length=length), config)
    np.testing.assert_allclose(projected.T, expected, atol=1e-4)
    np.testing.assert_allclose(transform.forward(harmonic_signal).T, D, atol=1e-4)
    with pytest.raises(ValueError, match="samples"):
        transform.forward(harmonic_signal[:-1])


def test_pghi_start_on_a_single_frame(small_config):
    S = np.abs(np.random.default_rng(0).standard_normal((small_config.n_bins, 1)))
    y = reconstruct(S, small_config, "pghi_agla", length=50, n_iter=3)
    assert y.shape == (50,) and np.all(np.isfinite(y))


def test_fgla_equals_librosa_from_the_same_start(harmonic_signal, small_config, S):
    for momentum in (0.0, 0.99):
        ours = griffin_lim(S, small_config, length=len(harmonic_signal), n_iter=5,
                           alpha=momentum, random_state=3, workers=1)
        theirs = librosa.griffinlim(S, n_iter=5, hop_length=64, n_fft=256,
                                    length=len(harmonic_signal), momentum=momentum,
                                    random_state=3)
        np.testing.assert_allclose(ours, theirs, atol=1e-5)  # measured: 2e-6
    zero_start = griffin_lim(S, small_config, length=len(harmonic_signal), n_iter=5,
                             init_phase=np.zeros_like(S), workers=1)
    theirs = librosa.griffinlim(S, n_iter=5, hop_length=64, n_fft=256, init=None,
                                length=len(harmonic_signal))
    # A zero-phase start is degenerate (near-cancelling bins amplify rounding): measured 1.4e-4.
    # A wrong momentum or normalisation differs by more than 0.1.
    np.testing.assert_allclose(zero_start, theirs, atol=1e-3)


def test_agla_reduces_to_fgla(harmonic_signal, small_config, S):
    kwargs = {"length": len(harmonic_signal), "n_iter": 10, "alpha": 0.99, "workers": 1}
    fgla = griffin_lim(S, small_config, **kwargs)
    # beta = 0 with gamma = 1 is fgla's update written the AGLA way (c_n = t_n + a(t_n - t_n-1)).
    agla_as_fgla = griffin_lim(S, small_config, beta=0.0, gamma=1.0 + 1e-12, **kwargs)
    assert sc_of(agla_as_fgla, S, small_config) == pytest.approx(sc_of(fgla, S, small_config),
                                                                  abs=0.5)


def test_pghi_recovers_the_phase_derivatives_of_a_chirp():
    sr = 8000
    t = np.arange(2 * sr) / sr
    y = (0.5 * np.sin(2 * np.pi * np.cumsum(500 + 500 * t) / sr)).astype(np.float32)
    config = StftConfig(sr=sr, n_fft=256, hop_length=64)
    D = stft(y, config)
    S = np.abs(D)
    phase = pghi(S, config)

    def wrapped(x):
        return np.abs(np.angle(np.exp(1j * x)))

    loud = S > 0.1 * S.max()
    along_time = loud[:, 1:] & loud[:, :-1]
    error_t = wrapped(np.diff(phase, axis=1) - np.diff(np.angle(D), axis=1))[along_time]
    along_freq = loud[1:] & loud[:-1]
    error_f = wrapped(np.diff(phase, axis=0) - np.diff(np.angle(D), axis=0))[along_freq]
    # Measured: medians 0.013 and 0.033 rad; without librosa's (-1)^m convention, pi.
    assert along_time.sum() > 300 and along_freq.sum() > 300
    assert np.median(error_t) < 0.05 and np.percentile(error_t, 95) < 0.1
    assert np.median(error_f) < 0.06 and np.percentile(error_f, 95) < 0.15


def test_oracle_with_the_true_magnitude_gives_back_the_signal(harmonic_signal, small_config):
    D = stft(harmonic_signal, small_config)
    y = reconstruct(np.abs(D), small_config, "oracle", length=len(harmonic_signal),
                    true_phase=np.angle(D))
    assert snr_db(harmonic_signal, y) > 80


def test_every_method_runs_and_is_deterministic(harmonic_signal, small_config, S):
    D = stft(harmonic_signal, small_config)
    scores = {}
    for method in METHODS:
        kwargs = {"length": len(harmonic_signal), "n_iter": 30, "true_phase": np.angle(D)}
        magnitude = S
        if method == "mel_gla":  # one band per bin: the bands are the power spectrum
            magnitude, kwargs["filters"] = S**2, np.eye(len(S), dtype=np.float32)
        y = reconstruct(magnitude, small_config, method, **kwargs)
        assert y.shape == harmonic_signal.shape and y.dtype == np.float32
        np.testing.assert_array_equal(y, reconstruct(magnitude, small_config, method, **kwargs))
        scores[method] = sc_of(y, S, small_config)
    assert scores["oracle"] < -60
    assert scores["fgla"] == pytest.approx(scores["librosa_fgla"], abs=0.1)
    assert scores["fgla"] < scores["gla"] - 3
    assert scores["pghi"] < -10
    for method in ("pghi_fgla", "pghi_agla", "agla"):
        assert scores[method] < scores["gla"] - 3, method
    assert scores["mel_gla"] == pytest.approx(scores["pghi_fgla"], abs=0.1)


def test_iterations_converge_and_seeds_matter(harmonic_signal, small_config, S):
    trace = []
    griffin_lim(S, small_config, length=len(harmonic_signal), n_iter=40, workers=1,
                callback=lambda i, rebuilt: trace.append(
                    spectral_convergence_db(S, np.abs(rebuilt.T))))
    assert len(trace) == 40 and trace[-1] < trace[0] - 10
    kwargs = {"length": len(harmonic_signal), "n_iter": 3}
    assert not np.array_equal(reconstruct(S, small_config, "fgla", random_state=0, **kwargs),
                              reconstruct(S, small_config, "fgla", random_state=1, **kwargs))
    assert random_phase((3, 4), 0).shape == (3, 4)


def test_bad_calls(small_config, S):
    with pytest.raises(ValueError, match="unknown phase method"):
        reconstruct(S, small_config, "magic", length=16000)
    with pytest.raises(ValueError, match="oracle method needs"):
        reconstruct(S, small_config, "oracle", length=16000)
    with pytest.raises(ValueError, match="shape"):
        griffin_lim(S, small_config, length=8000)


class IterationCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, iteration, rebuilt):
        self.count = iteration


def test_auto_stops_early_on_an_inconsistent_picture_and_later_on_a_clean_one(
        harmonic_signal, small_config, S):
    noisy = S * np.exp(np.random.default_rng(1).normal(0.0, 0.5, S.shape)).astype(np.float32)
    counts = {}
    for name, target in (("clean", S), ("noisy", noisy)):
        counter = IterationCounter()
        y = reconstruct(target, small_config, "pghi_fgla", length=len(harmonic_signal),
                        n_iter="auto", callback=counter)
        again = reconstruct(target, small_config, "pghi_fgla", length=len(harmonic_signal),
                            n_iter="auto")
        np.testing.assert_array_equal(y, again)  # counts, not clocks
        counts[name] = counter.count
    assert counts["noisy"] < counts["clean"] <= gla.AUTO_MAX_ITER
    assert counts["noisy"] % gla.AUTO_WINDOW == 0 and counts["noisy"] < 100


def test_auto_stops_when_the_improvement_falls_under_the_tolerance(harmonic_signal,
                                                                   small_config, S):
    scores = []

    def record(iteration, rebuilt):
        if iteration % 10 == 0:
            scores.append(gla.consistency_db(rebuilt, np.ascontiguousarray(S.T)))

    griffin_lim(S, small_config, length=len(harmonic_signal), n_iter=300, alpha=0.99,
                tol_db=0.2, window=10, callback=record)
    gains = -np.diff(scores)
    assert np.all(gains[:-1] >= 0.2) and gains[-1] < 0.2


@pytest.mark.parametrize("value", [0, -3, "many", 2.5, None, True])
def test_n_iter_is_a_positive_count_or_auto(value):
    with pytest.raises(ValueError, match="positive integer or 'auto'"):
        phase.parse_n_iter(value)
    assert phase.parse_n_iter("auto") == "auto" and phase.parse_n_iter("12") == 12


@pytest.mark.parametrize("method", ["fgla", "pghi_agla", "pghi_raar", "admm"])
def test_output_does_not_depend_on_the_thread_count(harmonic_signal, small_config, S, method):
    # 251 frames: every thread count splits them differently, none at a multiple of 4 by itself
    outputs = [reconstruct(S, small_config, method, length=len(harmonic_signal), n_iter=12,
                           workers=workers) for workers in (1, 2, 3, 4)]
    for other in outputs[1:]:
        np.testing.assert_array_equal(other, outputs[0])


@pytest.mark.parametrize("workers", [1, 2])
def test_fused_passes_give_the_bits_of_the_separate_ones(harmonic_signal, small_config, S,
                                                         workers):
    """A callback makes Stft.iterate run the FFTs and the step as separate passes over all
    frames; tol_db does so every ``window`` iterations. Neither may change the result."""
    kwargs = {"length": len(harmonic_signal), "n_iter": 9, "workers": workers}
    for extra in ({}, {"beta": 1.1, "gamma": 1.2}):
        fused = griffin_lim(S, small_config, **kwargs, **extra)
        separate = griffin_lim(S, small_config, **kwargs, **extra, callback=lambda i, r: None)
        checked = griffin_lim(S, small_config, **kwargs, **extra, tol_db=-np.inf, window=4)
        np.testing.assert_array_equal(separate, fused)
        np.testing.assert_array_equal(checked, fused)


def test_fft_blocks_give_the_bits_of_one_call():
    """ducc0 transforms rows in SIMD groups and the last few alone, with other bits: rows split
    at multiples of ROW_BLOCK get the arithmetic of one call over all rows."""
    rng = np.random.default_rng(5)
    frames = rng.standard_normal((75, 128)).astype(np.float32)
    whole, back = np.empty((75, 65), np.complex64), np.empty_like(frames)
    fft.rfft_rows(frames, whole, 0, 75)
    fft.irfft_rows(whole, back, 0, 75)
    np.testing.assert_allclose(back, frames, atol=1e-5)
    for bounds in ([0, 16, 75], [0, 32, 48, 64, 75]):
        pieces, pieces_back = np.empty_like(whole), np.empty_like(frames)
        for first, last in itertools.pairwise(bounds):
            fft.rfft_rows(frames, pieces, first, last)
            fft.irfft_rows(whole, pieces_back, first, last)
        np.testing.assert_array_equal(pieces, whole)
        np.testing.assert_array_equal(pieces_back, back)
    for parts in (2, 3, 4, 7):
        bounds = transform._in_parallel(None, 1, lambda first, last: None, 75)  # one range
        assert bounds == [0, 75]
        with transform.ThreadPoolExecutor(parts) as pool:
            bounds = transform._in_parallel(pool, parts, lambda first, last: None, 75,
                                            align=fft.ROW_BLOCK)
        assert all(b % fft.ROW_BLOCK == 0 for b in bounds[:-1]) and bounds[-1] == 75


def test_ducc0_runs_its_baseline_build_on_every_x86_64_cpu():
    """specimg caps ducc0 at its x86-64 build before importing it (the -v3 build's bits differ)
    unless the cap is already set."""
    code = ("import specimg.phase, ducc0; from specimg.phase.fft import simd_profile; "
            "print(simd_profile(), ducc0.misc.cpu_info()['architecture'])")
    env = {k: v for k, v in os.environ.items() if k != "DUCC0_MAX_PSABI_LEVEL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=True, cwd=Path(__file__).parents[1])
    profile, architecture = done.stdout.split()
    assert profile == "x86-64" or architecture != "x86-64"


def test_threaded_overlap_add_equals_the_frame_by_frame_one(small_config):
    """The segment kernel on any split of the segments (plus the frames that straddle a split,
    framed afterwards, as Stft does) gives the frame-by-frame kernel's bits, for the signal and
    for the reframed frames."""
    rng = np.random.default_rng(3)
    for n_fft, hop in ((256, 64), (256, 100), (250, 250)):
        frames = rng.standard_normal((37, n_fft)).astype(np.float32)
        window = rng.random(n_fft).astype(np.float32)
        norm = rng.random(hop * 36 + n_fft + 5).astype(np.float32)
        serial, serial_frames = np.zeros_like(norm), frames.copy()
        transform._overlap_add_frames(serial_frames, window, norm, hop, True, serial)
        count = -(-len(norm) // hop)
        span = -(-n_fft // hop)
        for split in (1, 3, 20):
            segments, split_frames = np.full_like(norm, np.nan), frames.copy()
            for first, last in ((0, split), (split, count)):
                transform._overlap_add(split_frames, window, norm, hop, True, segments, first, last)
            transform._frame(segments, window, hop, split_frames, max(0, split - span + 1), split)
            np.testing.assert_array_equal(segments, serial)
            np.testing.assert_array_equal(split_frames, serial_frames)
        expected = np.zeros_like(norm)
        for n, frame in enumerate(frames):
            expected[n * hop : n * hop + n_fft] += frame * window
        np.testing.assert_allclose(serial, expected * norm, rtol=1e-5, atol=1e-5)
        for n in range(len(frames)):
            np.testing.assert_array_equal(serial_frames[n], serial[n * hop : n * hop + n_fft]
                                          * window)


def test_phase_options_from_params_name_the_bad_key():
    options = PhaseOptions.from_params({"n_iter": "auto", "momentum": 0.5, "agla_beta": 1.0,
                                        "agla_gamma": 1.1, "pghi_tol_db": 60, "seed": 3},
                                       "pghi_agla")
    assert options == PhaseOptions("pghi_agla", "auto", 0.5, 1.0, 1.1, 60.0, 3)
    assert options.keywords()["random_state"] == 3
    assert PhaseOptions.from_params({}, "fgla") == PhaseOptions("fgla")
    for section, key in (({"agla_beta": "fast"}, "invert.agla_beta"),
                         ({"seed": None}, "invert.seed"), ({"momentum": True}, "invert.momentum"),
                         ({"n_iter": -2}, "invert.n_iter")):
        with pytest.raises(ValueError, match=re.escape(key)):
            PhaseOptions.from_params(section, "fgla")
    with pytest.raises(ValueError, match=r"invert\.method 'magic' is unknown"):
        PhaseOptions.from_params({}, "magic")
