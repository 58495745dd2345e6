"""Griffin-Lim, fast Griffin-Lim and accelerated Griffin-Lim on :class:`.transform.Stft`.

The element-wise updates are fused numba loops on ranges of frames, run on the transform's
threads; ``fgla`` from a given start equals ``librosa.griffinlim`` from the same start to float
tolerance.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.portable import log10, polar
from ..core.spectrum import StftConfig
from .transform import Stft, _kernel, threads_of

__all__ = ["AUTO_MAX_ITER", "AUTO_TOL_DB", "AUTO_WINDOW", "consistency_db", "griffin_lim",
           "initial_coefficients", "random_phase"]

#: ``n_iter="auto"``: stop once the consistency SC (the reconstruction's magnitude against the
#: target) improves by less than :data:`AUTO_TOL_DB` over :data:`AUTO_WINDOW` iterations, or at
#: :data:`AUTO_MAX_ITER` (benchmarks/stopping.py measured these against a fixed 100).
AUTO_TOL_DB = 0.05
AUTO_WINDOW = 10
AUTO_MAX_ITER = 400
_EPS = np.float32(np.finfo(np.float32).tiny)


# The element-wise steps see complex64 arrays as interleaved float32 (re, im) pairs: complex
# arithmetic in numba promotes to complex128 and takes hypot, several times slower. The steps
# are memory-bound; one pass over each array per iteration is the aim.
@_kernel
def _fgla_update(rebuilt, previous, S, mu, out, first, last):
    """``out = S * phase(rebuilt - mu * previous)`` (librosa's fast GLA step), float32 views."""
    mu = np.float32(mu)
    cols = S.shape[1]
    for i in range(first, last):
        for j in range(cols):
            re = rebuilt[i, 2 * j] - mu * previous[i, 2 * j]
            im = rebuilt[i, 2 * j + 1] - mu * previous[i, 2 * j + 1]
            gain = S[i, j] / (np.sqrt(re * re + im * im) + _EPS)
            out[i, 2 * j] = re * gain
            out[i, 2 * j + 1] = im * gain


@_kernel
def _agla_update(projected, t_prev, d_prev, S, alpha, beta, gamma, out, first, last):
    """One accelerated-GLA step on float32 views, in place on ``t_prev``, ``d_prev``;
    ``out = S * phase(c)``."""
    alpha, beta, gamma = np.float32(alpha), np.float32(beta), np.float32(gamma)
    keep = np.float32(1.0) - gamma
    cols = S.shape[1]
    for i in range(first, last):
        for j in range(cols):
            re, im = 2 * j, 2 * j + 1
            t_re = keep * d_prev[i, re] + gamma * projected[i, re]
            t_im = keep * d_prev[i, im] + gamma * projected[i, im]
            step_re, step_im = t_re - t_prev[i, re], t_im - t_prev[i, im]
            d_prev[i, re], d_prev[i, im] = t_re + beta * step_re, t_im + beta * step_im
            t_prev[i, re], t_prev[i, im] = t_re, t_im
            c_re, c_im = t_re + alpha * step_re, t_im + alpha * step_im
            gain = S[i, j] / (np.sqrt(c_re * c_re + c_im * c_im) + _EPS)
            out[i, re] = c_re * gain
            out[i, im] = c_im * gain


@_kernel
def _magnitude_error(rebuilt, S):
    """``(sum((|rebuilt| - S)**2), sum(S**2))`` on float32 views, accumulated in float64."""
    rows, cols = S.shape
    error, total = 0.0, 0.0
    for i in range(rows):
        for j in range(cols):
            re, im = np.float64(rebuilt[i, 2 * j]), np.float64(rebuilt[i, 2 * j + 1])
            target = np.float64(S[i, j])
            difference = np.sqrt(re * re + im * im) - target
            error += difference * difference
            total += target * target
    return error, total


def consistency_db(rebuilt: np.ndarray, magnitude: np.ndarray) -> float:
    """Spectral convergence (dB) of a consistent STFT's magnitude against the target.

    Both frame-major, ``(n_frames, n_bins)``: ``rebuilt`` complex64, ``magnitude`` float32.
    """
    error, total = _magnitude_error(_floats(rebuilt), magnitude)
    return float(10.0 * log10((error + 1e-30) / (total + 1e-30)))


def _floats(array: np.ndarray) -> np.ndarray:
    return array.view(np.float32)


def random_phase(shape: tuple[int, int], random_state: int) -> np.ndarray:
    """Uniform random phase (radians), drawn exactly as ``librosa.griffinlim`` draws it."""
    return 2 * np.pi * np.random.RandomState(seed=random_state).random(size=shape)


def griffin_lim(
    S: np.ndarray,
    config: StftConfig,
    *,
    length: int,
    n_iter: int = 100,
    alpha: float = 0.99,
    beta: float = 0.0,
    gamma: float = 1.0,
    init_phase: np.ndarray | None = None,
    random_state: int = 0,
    workers: int = -1,
    callback: Callable[[int, np.ndarray], None] | None = None,
    tol_db: float | None = None,
    window: int = AUTO_WINDOW,
) -> np.ndarray:
    """Griffin-Lim and its accelerations on one spectrogram.

    With ``beta=0, gamma=1`` this is fast GLA with momentum ``alpha`` (plain GLA for
    ``alpha=0``); otherwise it is accelerated GLA (Nenov et al. 2023)::

        t_n = (1 - gamma) d_{n-1} + gamma P(c_{n-1})
        c_n = t_n + alpha (t_n - t_{n-1})
        d_n = t_n + beta (t_n - t_{n-1})

    where ``P`` sets the magnitude to ``S`` and projects onto consistent spectrograms.

    Parameters
    ----------
    S : np.ndarray
        Magnitudes, ``(n_bins, n_frames)`` (librosa's layout).
    config : StftConfig
        The STFT of ``S``.
    length : int
        Output length (samples); ``S`` must have ``config.n_frames(length)`` frames.
    n_iter : int
        Iterations (each one inverse and one forward STFT).
    alpha, beta, gamma : float
        Acceleration parameters, see above.
    init_phase : np.ndarray, optional
        Starting phase (radians), shape of ``S``. Default: :func:`random_phase`.
    random_state : int
        Seed of the random starting phase.
    workers : int
        Threads for the FFTs and the numba steps, -1 for all cores.
    callback : callable, optional
        Called after each iteration as ``callback(iteration, rebuilt)``, ``iteration`` counting
        from 1 and ``rebuilt`` the consistent STFT of the current estimate, frame-major
        ``(n_frames, n_bins)``: e.g. to record convergence. It must not modify ``rebuilt``,
        nor keep it past the call (the buffer is reused).
    tol_db : float, optional
        Stop early, after iteration ``k * window``, once the consistency SC
        (:func:`consistency_db`) has improved by less than ``tol_db`` (dB) since iteration
        ``(k - 1) * window``; ``n_iter`` is then the cap. Deterministic: it counts iterations,
        not seconds.
    window : int
        Iterations between two checks of ``tol_db``.

    Returns
    -------
    np.ndarray
        float32 signal of ``length`` samples.
    """
    if tol_db is not None and window < 1:
        raise ValueError(f"window={window} must be at least 1")
    transform = Stft(config, length, workers)
    with threads_of(transform, workers):
        return _iterate(S, transform, n_iter, alpha, beta, gamma, init_phase, random_state,
                        callback, tol_db, window)


def initial_coefficients(S: np.ndarray, transform: Stft, init_phase: np.ndarray | None,
                         random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Frame-major float32 magnitudes and complex64 starting coefficients for ``transform``.

    ``init_phase`` (radians, shape of ``S``) or, if None, :func:`random_phase`. ``ValueError``
    if ``S`` does not have the transform's shape.
    """
    if S.shape != (transform.config.n_bins, transform.n_frames):
        raise ValueError(f"S has shape {S.shape}; {transform.length} samples need "
                         f"{(transform.config.n_bins, transform.n_frames)}")
    magnitude = np.ascontiguousarray(S.T, dtype=np.float32)
    if init_phase is None:
        init_phase = random_phase(S.shape, random_state)
    coefficients = np.ascontiguousarray(polar(magnitude, init_phase.T))
    return magnitude, coefficients


def _iterate(S, transform, n_iter, alpha, beta, gamma, init_phase, random_state, callback,
             tol_db, window) -> np.ndarray:
    magnitude, coefficients = initial_coefficients(S, transform, init_phase, random_state)
    out = _floats(coefficients)
    if beta != 0.0 or gamma != 1.0:
        t_prev, d_prev = _floats(coefficients.copy()), _floats(coefficients.copy())

        def step(rebuilt, _previous, first, last):
            _agla_update(_floats(rebuilt), t_prev, d_prev, magnitude, alpha, beta, gamma, out,
                         first, last)
    else:
        mu = alpha / (1.0 + alpha)

        def step(rebuilt, previous, first, last):
            _fgla_update(_floats(rebuilt), _floats(previous), magnitude, mu, out, first, last)

    stop = None
    if tol_db is not None:
        last_check = [np.inf]

        def stop(_iteration: int, rebuilt: np.ndarray) -> bool:
            score = consistency_db(rebuilt, magnitude)
            done, last_check[0] = last_check[0] - score < tol_db, score
            return done

    transform.iterate(coefficients, n_iter, step, callback=callback, stop=stop, every=window)
    return transform.signal(transform.buffer)
