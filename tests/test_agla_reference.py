"""Accelerated Griffin-Lim (griffin_lim with beta != 0 or gamma != 1) against a float64 numpy
transcription of its update (Nenov, Peer, Balazs et al. 2023), projections by librosa."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from specimg.core.spectrum import StftConfig
from specimg.phase.gla import griffin_lim

N_FFT, HOP, LENGTH = 64, 16, 400
CONFIG = StftConfig(sr=8000, n_fft=N_FFT, hop_length=HOP, window="hann", center=True)
#: Agreement relative to the reference's peak. griffin_lim runs in float32, the reference in
#: float64: the differences measured are 4e-7 (1 iteration) to 2.2e-6 (5 iterations, defaults),
#: the same as a complex64 run of the reference itself (the extrapolation with beta, gamma > 1
#: amplifies float32 rounding, about 1.4 times an iteration); any change to the update is O(1).
RTOL_PEAK = 1e-5


def _magnitude_and_phase() -> tuple[np.ndarray, np.ndarray]:
    """|STFT| (float32) of a chirp in seeded noise, and a seeded random starting phase."""
    rng = np.random.default_rng(1)
    t = np.arange(LENGTH) / CONFIG.sr
    y = 0.5 * np.sin(2 * np.pi * (300 * t + 4000 * t**2)) + 0.05 * rng.standard_normal(LENGTH)
    S = np.abs(librosa.stft(y.astype(np.float32), n_fft=N_FFT, hop_length=HOP, window="hann",
                            center=True)).astype(np.float32)
    return S, rng.uniform(0.0, 2 * np.pi, S.shape)


def _istft(coefficients: np.ndarray) -> np.ndarray:
    return librosa.istft(coefficients, hop_length=HOP, n_fft=N_FFT, window="hann", center=True,
                         length=LENGTH)


def _reference_agla(S, init_phase, n_iter, alpha, beta, gamma) -> np.ndarray:
    """The update of griffin_lim's docstring, in float64, started as _iterate starts it:
    c_0 = t_0 = d_0 = S exp(i phase). Each iteration:

        t_n = (1 - gamma) d_{n-1} + gamma P_C(c_{n-1})
        c_n = P_A(t_n + alpha (t_n - t_{n-1}))
        d_n = t_n + beta (t_n - t_{n-1})

    with P_C = stft(istft(.)) and P_A setting the magnitude to S (so P(c) of the docstring is
    P_C(P_A(c))). Returns the signal of the last c_n.
    """
    magnitude = S.astype(np.float64)
    c = magnitude * np.exp(1j * init_phase)
    t_prev, d_prev = c.copy(), c.copy()
    for _ in range(n_iter):
        projected = librosa.stft(_istft(c), n_fft=N_FFT, hop_length=HOP, window="hann",
                                 center=True)
        t = (1.0 - gamma) * d_prev + gamma * projected
        extrapolated = t + alpha * (t - t_prev)
        d_prev = t + beta * (t - t_prev)
        t_prev = t
        c = magnitude * extrapolated / np.maximum(np.abs(extrapolated), np.finfo(float).tiny)
    return _istft(c)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("n_iter", [1, 2, 5])
@pytest.mark.parametrize(("alpha", "beta", "gamma"), [(0.99, 1.1, 1.2), (0.5, 0.3, 0.8)])
def test_agla_matches_numpy_transcription(alpha, beta, gamma, n_iter, workers):
    """Guards the fused AGLA kernel (_agla_update) and its start: t, d and c updated as in the
    paper, from c_0 = t_0 = d_0, the output being the last c's signal; one thread and two (the
    frame ranges split between threads must not change a value)."""
    S, phase = _magnitude_and_phase()
    assert S.shape == (CONFIG.n_bins, CONFIG.n_frames(LENGTH))
    got = griffin_lim(S, CONFIG, length=LENGTH, n_iter=n_iter, alpha=alpha, beta=beta,
                      gamma=gamma, init_phase=phase, workers=workers)
    want = _reference_agla(S, phase, n_iter, alpha, beta, gamma)
    assert got.dtype == np.float32 and got.shape == (LENGTH,)
    peak = np.abs(want).max()
    assert peak > 0.1
    np.testing.assert_allclose(got, want, rtol=0, atol=RTOL_PEAK * peak)


def test_reference_is_sensitive_to_each_parameter():
    """Guards the test itself: after 2 iterations, changing alpha, beta or gamma alone moves the
    reference's signal far beyond the tolerance, so a kernel that ignores one is caught."""
    S, phase = _magnitude_and_phase()
    base = _reference_agla(S, phase, 2, 0.99, 1.1, 1.2)
    for changed in [(0.0, 1.1, 1.2), (0.99, 0.0, 1.2), (0.99, 1.1, 1.0)]:
        other = _reference_agla(S, phase, 2, *changed)
        assert np.abs(other - base).max() > 100 * RTOL_PEAK * np.abs(base).max(), changed
