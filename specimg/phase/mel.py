"""Phase retrieval that enforces a mel picture's bands inside the iterations.

A mel picture fixes only the mel bands ``F @ |X|**p`` of each frame (``p`` 2 for librosa's
mel power, 1 for Riffusion's mel of magnitudes), and many linear
spectrograms share them. Instead of fixing one of them first (the non-negative least-squares
fit of :func:`specimg.core.mel.mel_to_magnitude`) and then retrieving its phase,
each iteration of :func:`mel_griffin_lim` takes the magnitudes ``A`` of the current consistent
spectrogram, rescales them bin by bin towards the picture's bands ``M`` with the multiplicative
update of a non-negative fit (``P = A**p``)::

    P <- P * (F.T @ (M / (F @ P))) / (F.T @ 1)

and uses ``P**(1/p)``, mixed with a little of the start (:data:`BLEND`), as the magnitude target
of the next fast Griffin-Lim step (bins outside every band keep their consistent magnitude).
The fine structure inside a band is then mostly the one consistency favours, not a smooth fit.
The start is :func:`fit_mel_bands` from a flat spectrum (faster than the least-squares solver,
and measured better as a start) with PGHI's phase; the figures are in benchmarks/mel_phase.py.

The per-frame steps are numba loops on ranges of frames, each frame computed alone, so the
output does not depend on the thread count.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING

import numpy as np

from ..core.mel import mel_filters
from ..core.portable import polar
from ..core.spectrum import StftConfig
from .gla import _EPS, _fgla_update, _floats
from .pghi import pghi
from .transform import Stft, _in_parallel, _kernel, threads_of

if TYPE_CHECKING:
    from ..image.metadata import ImageMeta

__all__ = ["BLEND", "START_STEPS", "fit_mel_bands", "mel_filter_bank", "mel_griffin_lim"]

#: Multiplicative updates of the flat start (10, 30 and 100 measured within 0.05 dB).
START_STEPS = 30
#: Share of the start's (smooth) magnitudes in each iteration's target, the rest being the
#: refitted consistent magnitudes: 0.1 measured best of 0 to 0.5 on the 12 clips'
#: audio-diffusion pictures (100 iterations: -20.1 dB against -19.3 at 0; environmental
#: -10.2 against -9.0, where the fine structure that consistency invents is noise).
BLEND = 0.1


def mel_filter_bank(meta: ImageMeta) -> np.ndarray:
    """The mel filter bank of a picture's parameters, float32 ``(n_mels, n_bins)``.

    :func:`specimg.core.mel.mel_filters` with the picture's sample rate, ``n_fft``,
    ``n_mels``, ``fmin`` and ``fmax`` (Hz; 0 means ``sr / 2``), mel scale and norm.
    """
    return mel_filters(meta.stft, n_mels=meta.n_mels, fmin=meta.fmin, fmax=meta.fmax or None,
                       htk=meta.mel_htk, norm=meta.mel_norm).astype(np.float32)


class _Bands:
    """A filter bank as the kernels read it: the weights, each band's bin range
    ``[low, high)``, and ``1 / (F.T @ 1)`` per bin (0 where no band covers the bin)."""

    def __init__(self, filters: np.ndarray) -> None:
        self.weights = np.ascontiguousarray(filters, np.float32)
        used = self.weights > 0
        some = used.any(1)
        self.low = np.where(some, used.argmax(1), 0).astype(np.int64)
        self.high = np.where(some, used.shape[1] - used[:, ::-1].argmax(1), 0).astype(np.int64)
        column = self.weights.sum(0, dtype=np.float64)
        self.inverse = np.where(column > 0, 1.0 / np.where(column > 0, column, 1.0),
                                0.0).astype(np.float32)

    def arguments(self) -> tuple:
        return self.weights, self.low, self.high, self.inverse


@_kernel
def _fit_frame(power, bands, weights, low, high, inverse, steps, ratio, gain):
    """``steps`` multiplicative updates of one frame's ``power`` (in place) towards its mel
    ``bands``; bins no band covers are left as they are. ``ratio``, ``gain``: scratch."""
    n_mels = weights.shape[0]
    for _ in range(steps):
        for m in range(n_mels):
            row, values = weights[m, low[m] : high[m]], power[low[m] : high[m]]
            total = np.float32(0.0)
            for k in range(high[m] - low[m]):
                total += row[k] * values[k]
            ratio[m] = bands[m] / (total + _EPS)
        gain[:] = 0.0
        for m in range(n_mels):
            row, part, scale = weights[m, low[m] : high[m]], gain[low[m] : high[m]], ratio[m]
            for k in range(high[m] - low[m]):
                part[k] += row[k] * scale
        for k in range(power.shape[0]):
            if inverse[k] > 0:
                power[k] *= gain[k] * inverse[k]


@_kernel
def _fit_powers(power, bands, weights, low, high, inverse, steps, first, last):
    """:func:`_fit_frame` on the rows ``first <= i < last`` of ``power`` (frame-major)."""
    ratio = np.empty(weights.shape[0], np.float32)
    gain = np.empty(power.shape[1], np.float32)
    for i in range(first, last):
        _fit_frame(power[i], bands[i], weights, low, high, inverse, steps, ratio, gain)


@_kernel
def _band_targets(rebuilt, bands, weights, low, high, inverse, steps, start, blend, of_power,
                  target, first, last):
    """``target[i]``: ``|rebuilt[i]|`` after :func:`_fit_frame` on its power (``of_power``) or
    its magnitude, mixed with ``start[i]`` in the proportion ``1 - blend : blend``; ``rebuilt``
    is a float32 view of complex frames."""
    ratio = np.empty(weights.shape[0], np.float32)
    gain = np.empty(target.shape[1], np.float32)
    blend = np.float32(blend)
    keep = np.float32(1.0) - blend
    for i in range(first, last):
        row, values, prior = target[i], rebuilt[i], start[i]
        for k in range(row.shape[0]):
            row[k] = values[2 * k] * values[2 * k] + values[2 * k + 1] * values[2 * k + 1]
            if not of_power:
                row[k] = np.sqrt(row[k])
        _fit_frame(row, bands[i], weights, low, high, inverse, steps, ratio, gain)
        for k in range(row.shape[0]):
            row[k] = keep * (np.sqrt(row[k]) if of_power else row[k]) + blend * prior[k]


def _check(M: np.ndarray, filters: np.ndarray, n_bins: int, n_frames: int | None) -> None:
    """One ``ValueError`` naming the shapes, unless ``M`` and ``filters`` fit together (and
    ``M`` has ``n_frames`` frames, if given)."""
    if not (M.ndim == 2 and filters.ndim == 2 and filters.shape[1] == n_bins
            and M.shape[0] == filters.shape[0] and n_frames in (None, M.shape[1])):
        raise ValueError(f"mel bands of shape {M.shape} and filter bank of shape "
                         f"{filters.shape} do not fit: they need (n_mels, "
                         f"{n_frames or 'n_frames'}) and (n_mels, {n_bins})")


def _peak(M: np.ndarray) -> float:
    """The largest band power of ``M`` (1 if there is none): the kernels run on ``M`` divided
    by it, where ``M / (F @ P)`` cannot overflow float32, and every step is equivariant to the
    scale."""
    peak = float(np.max(M, initial=0.0))
    return peak if peak > 0 else 1.0


def fit_mel_bands(M: np.ndarray, filters: np.ndarray, *, start: np.ndarray | None = None,
                  steps: int = START_STEPS, power: float = 2.0, workers: int = 1) -> np.ndarray:
    """Linear magnitudes whose mel bands approach ``M``: multiplicative non-negative updates.

    Parameters
    ----------
    M : np.ndarray
        Mel bands of ``|S|**power``, ``(n_mels, n_frames)``.
    filters : np.ndarray
        Filter bank, ``(n_mels, n_bins)`` (:func:`mel_filter_bank`).
    start : np.ndarray, optional
        Magnitudes to start from, ``(n_bins, n_frames)``, kept where no band covers a bin;
        default flat (ones where a band covers a bin, zeros elsewhere). The update keeps
        zeros at zero.
    steps : int >= 0
        Updates (those of :func:`mel_griffin_lim`'s iterations).
    power : {2, 1}
        The exponent of ``|S|`` under the bands: 2 mel power, 1 mel of magnitudes.
    workers : int
        Threads, -1 for all cores; the result does not depend on it.

    Returns
    -------
    np.ndarray
        float32 magnitudes, ``(n_bins, n_frames)``.
    """
    M, filters = np.asarray(M), np.asarray(filters)
    _check(M, filters, filters.shape[-1] if filters.ndim else 0, None)
    if steps < 0:
        raise ValueError(f"steps={steps} must be a non-negative integer")
    _check_power(power)
    bands = _Bands(filters)
    shape = (M.shape[1], filters.shape[1])
    if start is not None and start.shape != shape[::-1]:
        raise ValueError(f"start has shape {start.shape}; it needs {shape[::-1]}")
    peak = _peak(M)
    if start is None:  # flat where a band covers a bin, silent elsewhere
        fitted = np.broadcast_to(bands.inverse > 0, shape).astype(np.float32)
    else:
        fitted = np.ascontiguousarray(start.T**power / peak, np.float32)
    holder = SimpleNamespace()  # threads_of needs only somewhere to put its pool
    with threads_of(holder, workers):
        _in_parallel(holder.pool, holder.threads, _fit_powers, shape[0], fitted,
                     np.ascontiguousarray(M.T / peak, np.float32), *bands.arguments(), steps)
    if power == 2:
        return (np.sqrt(fitted) * np.float32(np.sqrt(peak))).T
    return (fitted * np.float32(peak)).T


def _check_power(power: float) -> None:
    if power not in (1, 2):
        raise ValueError(f"power={power} must be 2 (mel power) or 1 (mel of magnitudes)")


def mel_griffin_lim(
    M: np.ndarray,
    filters: np.ndarray,
    config: StftConfig,
    *,
    length: int,
    n_iter: int = 100,
    steps: int = 1,
    blend: float = BLEND,
    power: float = 2.0,
    alpha: float = 0.99,
    pghi_tol_db: float = 70.0,
    random_state: int = 0,
    workers: int = -1,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> np.ndarray:
    """Fast Griffin-Lim whose magnitude target is refitted each iteration to mel bands.

    It starts from :func:`fit_mel_bands` of a flat spectrum, with PGHI's phase of it.

    Parameters
    ----------
    M : np.ndarray
        Mel bands of the picture, ``(n_mels, n_frames)``, any scale.
    filters : np.ndarray
        Its filter bank, ``(n_mels, n_bins)`` (:func:`mel_filter_bank`).
    config : StftConfig
        The STFT under the bands.
    length : int
        Output length (samples); ``M`` must have ``config.n_frames(length)`` frames.
    n_iter : int
        Iterations (each one STFT pair).
    steps : int >= 1
        Multiplicative band updates per iteration.
    blend : float in [0, 1]
        Share of the start's magnitudes in each target (see :data:`BLEND`).
    power : {2, 1}
        The exponent of ``|S|`` under the bands: 2 mel power (librosa's), 1 mel of magnitudes
        (Riffusion's).
    alpha : float
        Momentum of fast Griffin-Lim (librosa's ``momentum``).
    pghi_tol_db, random_state : float, int
        PGHI's tolerance (dB below the peak) and the seed of its random phases.
    workers : int
        Threads for the FFTs and the numba steps, -1 for all cores; the output does not
        depend on it.
    callback : callable, optional
        ``callback(iteration, rebuilt)`` after each projection, as in
        :func:`specimg.phase.gla.griffin_lim`.

    Returns
    -------
    np.ndarray
        float32 signal of ``length`` samples.
    """
    M, filters = np.asarray(M), np.asarray(filters)
    transform = Stft(config, length, workers)
    _check(M, filters, config.n_bins, transform.n_frames)
    if steps < 1:
        raise ValueError(f"steps={steps} must be a positive integer")
    if not 0.0 <= blend <= 1.0:
        raise ValueError(f"blend={blend} must be between 0 and 1")
    _check_power(power)
    peak = _peak(M)
    M = M / peak
    start = fit_mel_bands(M, filters, power=power, workers=workers)
    phase = pghi(start, config, pghi_tol_db, random_state)
    coefficients = np.ascontiguousarray(polar(start, phase).T)
    prior = np.ascontiguousarray(start.T, np.float32)
    bands, target = _Bands(filters), np.empty(coefficients.shape, np.float32)
    wanted = np.ascontiguousarray(M.T, np.float32)
    mu = alpha / (1.0 + alpha)
    arguments = bands.arguments()

    def step(rebuilt, previous, first, last):
        _band_targets(_floats(rebuilt), wanted, *arguments, steps, prior, blend, power == 2,
                      target, first, last)
        _fgla_update(_floats(rebuilt), _floats(previous), target, mu, _floats(coefficients),
                     first, last)

    with threads_of(transform, workers):
        transform.iterate(coefficients, n_iter, step, callback=callback)
        y = transform.signal(transform.buffer)
    scale = np.sqrt(peak) if power == 2 else peak
    return y if scale == 1.0 else (y * scale).astype(np.float32)
