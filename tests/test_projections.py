"""ADMM and RAAR against plain numpy transcriptions of the papers' updates."""

import numpy as np
import pytest

from specimg.core.spectrum import stft
from specimg.phase import reconstruct
from specimg.phase.pghi import pghi
from specimg.phase.projections import admm_gla, raar_gla
from specimg.phase.transform import Stft


def magnitude_projection(c, S):
    return S * c / np.maximum(np.abs(c), np.finfo(np.float32).tiny)


@pytest.fixture
def problem(harmonic_signal, small_config):
    S = np.abs(stft(harmonic_signal, small_config))
    start = pghi(S, small_config, 70.0, 0)
    transform = Stft(small_config, len(harmonic_signal), workers=1)
    magnitude = S.T.astype(np.float64)
    first = (magnitude * np.exp(1j * start.T)).astype(np.complex64)
    return S, start, transform, magnitude, first, len(harmonic_signal)


@pytest.mark.parametrize("workers", [1, 2])
def test_admm_follows_the_paper(problem, small_config, workers):
    S, start, transform, magnitude, z, length = problem
    rho, n_iter = 0.1, 6
    u = np.zeros_like(z)
    for _ in range(n_iter):  # Masuyama et al. 2019, with the consistency penalty's prox
        x = magnitude_projection(z - u, magnitude)
        v = (x + u).astype(np.complex64)
        z = (rho * v + transform.project(v)) / (1 + rho)
        u = u + x - z
    x = magnitude_projection(z - u, magnitude).astype(np.complex64)
    expected = transform.signal(transform.inverse(x))
    ours = admm_gla(S, small_config, length=length, n_iter=n_iter, rho=rho, init_phase=start,
                    workers=workers)
    np.testing.assert_allclose(ours, expected, atol=1e-5 * np.abs(expected).max())


@pytest.mark.parametrize("workers", [1, 2])
def test_raar_follows_the_paper(problem, small_config, workers):
    S, start, transform, magnitude, c, length = problem
    relaxation, n_iter = 0.9, 6
    for _ in range(n_iter):  # Peer et al. 2022: beta/2 (R_C R_M + I) c + (1 - beta) P_M c
        m = magnitude_projection(c, magnitude)
        reflected = (2 * m - c).astype(np.complex64)
        twice = 2 * transform.project(reflected) - reflected
        c = relaxation / 2 * (twice + c) + (1 - relaxation) * m
    final = magnitude_projection(c, magnitude).astype(np.complex64)
    expected = transform.signal(transform.inverse(final))
    ours = raar_gla(S, small_config, length=length, raar_iter=n_iter, n_iter=0,
                    relaxation=relaxation, init_phase=start, workers=workers)
    np.testing.assert_allclose(ours, expected, atol=1e-4 * np.abs(expected).max())


@pytest.mark.parametrize("method", ["admm", "pghi_admm", "raar", "pghi_raar"])
def test_new_methods_through_reconstruct(harmonic_signal, small_config, method):
    S = np.abs(stft(harmonic_signal, small_config))
    runs = [reconstruct(S, small_config, method, length=len(harmonic_signal), n_iter=8,
                        workers=workers) for workers in (1, 2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert runs[0].shape == harmonic_signal.shape and np.all(np.isfinite(runs[0]))


def test_raar_with_auto_stops_its_gla_by_the_rule(harmonic_signal, small_config):
    S = np.abs(stft(harmonic_signal, small_config))
    noisy = S * np.exp(np.random.default_rng(1).normal(0.0, 0.5, S.shape)).astype(np.float32)
    last = []
    y = reconstruct(noisy, small_config, "pghi_raar", length=len(harmonic_signal),
                    n_iter="auto", callback=lambda i, rebuilt: last.append(i))
    assert np.all(np.isfinite(y))
    assert 30 < last[-1] < 100  # 30 of RAAR, then GLA until it stops improving
