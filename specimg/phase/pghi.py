"""Phase-gradient heap integration (Průša, Balazs, Søndergaard, IEEE/ACM TASLP 2017)."""

from __future__ import annotations

import numpy as np

from ..core.portable import LN10, log
from ..core.spectrum import StftConfig
from .gla import random_phase
from .transform import _kernel

__all__ = ["HANN_GAMMA", "PGHI_LEVELS", "pghi"]

#: PGHI's Gaussian-equivalent time-frequency ratio of a Hann window of length N is
#: ``HANN_GAMMA * N**2`` (Průša et al. 2017, table I).
HANN_GAMMA = 0.25645


def _derivative(values: np.ndarray, axis: int) -> np.ndarray:
    """Centred differences along an axis (one-sided at its ends; zero if it has one element)."""
    if values.shape[axis] < 2:
        return np.zeros_like(values)
    return np.gradient(values, axis=axis)


def pghi(S: np.ndarray, config: StftConfig, tol_db: float = 70.0,
         random_state: int = 0) -> np.ndarray:
    """Phase-gradient heap integration (Průša, Balazs, Søndergaard 2017), librosa's convention.

    The phase's time and frequency derivatives are estimated from the log-magnitude's
    frequency and time derivatives (exact for a Gaussian window, close for Hann of ``N`` samples
    with ``gamma = 0.25645 * N**2``, ``N`` the window length, ``config.window_length``), then
    integrated from the largest coefficient outwards, always continuing from the largest one
    reached so far. Coefficients more than ``tol_db`` below the peak get a random phase. The
    result is converted from the window-centred convention of the paper to librosa's
    frame-start one by adding ``pi * m`` to bin ``m``.

    Parameters
    ----------
    S : np.ndarray
        Magnitudes, ``(n_bins, n_frames)``.
    config : StftConfig
        The STFT of ``S``; its window should be Hann (other windows use Hann's ratio).
    tol_db : float
        Coefficients below ``peak - tol_db`` (dB) are not integrated.
    random_state : int
        Seed of the random phase of the coefficients below the tolerance.

    Returns
    -------
    np.ndarray
        Phase (radians), shape of ``S``.
    """
    n_fft, hop = config.n_fft, config.hop_length
    gamma = HANN_GAMMA * config.window_length**2
    log_s = log(np.maximum(np.asarray(S, np.float64), 1e-30))
    bins = np.arange(S.shape[0])[:, None]
    time_step = (hop * n_fft / gamma) * _derivative(log_s, 0) + 2 * np.pi * hop * bins / n_fft
    freq_step = -(gamma / (hop * n_fft)) * _derivative(log_s, 1)
    phase = random_phase(S.shape, random_state)
    span = tol_db * LN10 / 20
    relative = (log_s - log_s.max() + span) / span
    level = np.where(relative >= 0, np.minimum(relative * PGHI_LEVELS, PGHI_LEVELS - 1), -1)
    level = level.astype(np.int16)
    order = np.argsort(-level.ravel(), kind="stable")  # a radix sort on int16: O(N)
    _integrate(level, order, time_step, freq_step, phase)
    return phase + np.pi * bins


#: PGHI visits coefficients in decreasing magnitude through a bucket queue: keys quantised to
#: this many levels over the integrated range (0.017 dB at 70 dB), O(1) per push and pop where a
#: binary heap costs a cache miss per level.
PGHI_LEVELS = 4096


@_kernel
def _integrate(level, order, time_step, freq_step, phase):
    """Integrate the phase steps outwards from the loudest coefficient, in place on ``phase``.

    ``level`` holds each coefficient's quantised log-magnitude (``-1``: below the tolerance,
    left as it is), ``order`` the flat indices by decreasing level (the seeds). Coefficients
    are taken in decreasing level, last in first out within one.
    """
    n_frames = level.shape[1]
    flat = level.ravel()
    done = flat < 0
    head = np.full(flat.max() + 1, -1, np.int64)
    following = np.empty(flat.size, np.int64)
    for seed in order:
        if done[seed]:
            continue
        done[seed] = True
        phase[seed // n_frames, seed % n_frames] = 0.0
        top = flat[seed]
        following[seed], head[top] = head[top], seed
        pending = 1
        while pending:
            while head[top] < 0:
                top -= 1
            index = head[top]
            head[top] = following[index]
            pending -= 1
            m, n = index // n_frames, index % n_frames
            here = phase[m, n]
            for neighbour in (index + 1, index - 1, index + n_frames, index - n_frames):
                if neighbour == index + 1 and n + 1 >= n_frames:
                    continue
                if neighbour == index - 1 and n == 0:
                    continue
                if neighbour < 0 or neighbour >= flat.size or done[neighbour]:
                    continue
                k, j = neighbour // n_frames, neighbour % n_frames
                if k == m:
                    phase[k, j] = here + 0.5 * (j - n) * (time_step[m, n] + time_step[k, j])
                else:
                    phase[k, j] = here + 0.5 * (k - m) * (freq_step[m, n] + freq_step[k, j])
                done[neighbour] = True
                key = flat[neighbour]
                following[neighbour], head[key] = head[key], neighbour
                top = max(top, key)
                pending += 1
