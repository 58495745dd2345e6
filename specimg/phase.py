"""Phase reconstruction: from a magnitude spectrogram back to a signal.

Methods (:data:`METHODS`):

- ``oracle``: the true phase. Isolates what an image cost; needs the original.
- ``pghi``: phase-gradient heap integration (Průša, Balazs, Søndergaard, IEEE/ACM TASLP 2017),
  no iteration.
- ``gla``: Griffin-Lim (momentum 0).
- ``fgla``: fast Griffin-Lim (Perraudin, Balazs, Søndergaard, WASPAA 2013), momentum
  ``alpha`` (librosa's ``momentum``).
- ``agla``: accelerated Griffin-Lim (Nenov, Nguyen, Balazs, ICASSP 2023): ``alpha``, ``beta``,
  ``gamma``.
- ``pghi_gla``, ``pghi_fgla``, ``pghi_agla``: the iterative methods started from PGHI's phase
  instead of a random one.
- ``librosa_fgla``: ``librosa.griffinlim`` itself, the reference everyone knows.
- ``admm``, ``pghi_admm``: ADMM Griffin-Lim (Masuyama et al., IEEE SPL 2019), and ``raar``,
  ``pghi_raar``: RAAR for the first :data:`RAAR_SHARE` of the iterations, then accelerated GLA
  (Peer, Nenov, Balazs, IWAENC 2022); see :mod:`specimg.projections`.

The iterative methods run on :class:`Stft`, one transform pair built for one signal length with
the window and the overlap-add normalisation precomputed, frames stored contiguously and
``scipy.fft`` for the transforms; the element-wise updates and the overlap-add are fused numba
loops that release the GIL, run on ranges of frames (or of hop-long segments) by a thread pool
of ``workers`` threads, each element computed exactly as in one pass, so that the output does
not depend on the thread count. No numba threading layer is involved, so worker processes may
be forked at any time. The arithmetic is librosa's (centred frames, zero padding, float32), so
``fgla`` from a given start equals ``librosa.griffinlim`` from the same start to float
tolerance.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import librosa
import numba
import numpy as np
import scipy.fft

from .parallel import available_cores
from .spectrum import StftConfig, window_function

METHODS = (
    "oracle", "pghi", "gla", "fgla", "agla", "pghi_gla", "pghi_fgla", "pghi_agla", "librosa_fgla",
    "admm", "pghi_admm", "raar", "pghi_raar",
)
#: The best measured at equal time on png16, jpeg95 and the user-density specshow pictures
#: (README, benchmarks/phase.py).
DEFAULT_METHOD = "pghi_raar"

#: ``n_iter="auto"``: stop once the consistency SC (the reconstruction's magnitude against the
#: target) improves by less than :data:`AUTO_TOL_DB` over :data:`AUTO_WINDOW` iterations, or at
#: :data:`AUTO_MAX_ITER` (benchmarks/stopping.py measured these against a fixed 100).
AUTO_TOL_DB = 0.05
AUTO_WINDOW = 10
AUTO_MAX_ITER = 400
#: Iterations for ``n_iter="auto"`` of the methods with no stopping rule (``librosa_fgla``,
#: ``admm``); ``raar`` runs RAAR for :data:`RAAR_SHARE` of this, then GLA with the rule.
FIXED_AUTO_ITER = 100
#: Share of the iterations that ``raar`` spends in RAAR before accelerated GLA (measured on
#: png16 with a PGHI start: 0.3 best of 0.3, 0.45, 0.6).
RAAR_SHARE = 0.3

#: PGHI's Gaussian-equivalent time-frequency ratio of a Hann window of length N is
#: ``HANN_GAMMA * N**2`` (Průša et al. 2017, table I).
HANN_GAMMA = 0.25645
_EPS = np.float32(np.finfo(np.float32).tiny)
#: Decorator of the compiled steps. numpy's error model divides without a zero check, which
#: lets LLVM vectorise the magnitude updates (twice as fast); their divisors are at least
#: ``_EPS``, so the results are the same bits.
_kernel = numba.njit(cache=True, nogil=True, error_model="numpy")


class Stft:
    """STFT and least-squares inverse STFT for signals of one length, librosa's conventions.

    Coefficients are stored frame-major, shape ``(n_frames, n_bins)`` (the transpose of
    librosa's layout), so each frame's FFT reads contiguous memory.

    Parameters
    ----------
    config : StftConfig
        Transform parameters; the window is ``n_fft`` samples long.
    length : int
        Signal length (samples).
    workers : int
        ``scipy.fft`` workers; -1 for all cores.
    """

    def __init__(self, config: StftConfig, length: int, workers: int = -1) -> None:
        n_fft, hop = config.n_fft, config.hop_length
        self.config, self.length, self.workers = config, length, workers
        self.n_frames = config.n_frames(length)
        self.offset = n_fft // 2 if config.center else 0
        self.window = window_function(config.window, n_fft).astype(np.float32)
        buffer_length = max(hop * (self.n_frames - 1) + n_fft, self.offset + length)
        wss = np.zeros(buffer_length, np.float32)
        squared = self.window**2
        for start in range(0, self.n_frames * hop, hop):
            wss[start : start + n_fft] += squared
        inside = np.zeros(buffer_length, bool)
        inside[self.offset : self.offset + length] = True
        usable = inside & (wss > np.finfo(np.float32).tiny)
        # Dividing by the summed squared window makes the inverse least-squares; zero outside the
        # signal reproduces librosa's trim-then-zero-pad between istft and stft.
        self.norm = np.where(usable, 1.0 / np.where(usable, wss, 1.0), 0.0).astype(np.float32)
        self.buffer = np.zeros(buffer_length, np.float32)
        #: Threads for the numba steps, set by :func:`griffin_lim` for the length of a run.
        self.pool: ThreadPoolExecutor | None = None
        self.threads = 1

    def _least_squares(self, coefficients: np.ndarray, reframe: bool) -> np.ndarray:
        """Inverse FFT of each frame, windowed, overlap-added and normalised into ``buffer``
        (the least-squares signal); with ``reframe``, the frames are then overwritten by the
        windowed frames of that signal. Returns the frames."""
        frames = scipy.fft.irfft(coefficients, n=self.config.n_fft, axis=1, workers=self.workers)
        hop = self.config.hop_length
        if self.pool is None:
            _overlap_add_frames(frames, self.window, self.norm, hop, reframe, self.buffer)
            return frames
        segments = -(-len(self.buffer) // hop)
        bounds = _in_parallel(self.pool, self.threads, _overlap_add, segments, frames,
                              self.window, self.norm, hop, reframe, self.buffer)
        if reframe:  # frames spanning two threads' ranges, read by both: framed after both
            span = -(-self.config.n_fft // hop)
            for boundary in bounds[1:-1]:
                _frame(self.buffer, self.window, hop, frames,
                       max(0, boundary - span + 1), min(boundary, len(frames)))
        return frames

    def inverse(self, coefficients: np.ndarray) -> np.ndarray:
        """Least-squares signal buffer of coefficients (zero outside the signal)."""
        self._least_squares(coefficients, reframe=False)
        return self.buffer.copy()

    def project(self, coefficients: np.ndarray) -> np.ndarray:
        """The STFT of :meth:`inverse`'s signal: the projection onto consistent spectrograms,
        with overlap-add, normalisation and framing fused into one pass over the frames."""
        frames = self._least_squares(coefficients, reframe=True)
        return scipy.fft.rfft(frames, axis=1, workers=self.workers)

    def signal(self, signal_buffer: np.ndarray) -> np.ndarray:
        """The signal part of a buffer, ``length`` samples."""
        return signal_buffer[self.offset : self.offset + self.length].copy()


# Each kernel works on a range of rows (frames) or samples, releasing the GIL, so that
# :func:`_in_parallel` runs ranges on several threads; every element is computed as it would be
# in one pass, so results do not depend on the thread count.
# The kernels index slices (``row[k]``) rather than ``array[start + k]``: numba then knows the
# index is not negative, and LLVM vectorises the loops (three times faster).
@_kernel
def _frame(signal, window, hop, frames, first, last):
    """``frames[n] = window * signal[n * hop : n * hop + n_fft]`` for ``first <= n < last``."""
    n_fft = frames.shape[1]
    for n in range(first, last):
        row, piece = frames[n], signal[n * hop : n * hop + n_fft]
        for k in range(n_fft):
            row[k] = piece[k] * window[k]


@_kernel
def _overlap_add_frames(frames, window, norm, hop, reframe, out):
    """:func:`_overlap_add` on one thread, frame by frame: once frame ``n`` is added, the
    samples before frame ``n + 1`` are complete, and so is frame ``n - span + 1``."""
    n_frames, n_fft = frames.shape
    length = out.shape[0]
    span = (n_fft + hop - 1) // hop
    out[:] = 0.0
    for n in range(n_frames):
        start = n * hop
        row, piece = frames[n], out[start : start + n_fft]
        for k in range(n_fft):
            piece[k] += row[k] * window[k]
        end = length if n == n_frames - 1 else start + hop
        done, scale = out[start:end], norm[start:end]
        for t in range(end - start):
            done[t] *= scale[t]
        if reframe and n - span + 1 >= 0:
            _frame(out, window, hop, frames, n - span + 1, n - span + 2)
    if reframe:
        _frame(out, window, hop, frames, max(0, n_frames - span + 1), n_frames)


@_kernel
def _overlap_add(frames, window, norm, hop, reframe, out, first, last):
    """Windowed frames overlap-added into ``out`` and multiplied by ``norm``, for the hop-long
    segments ``first <= j < last`` of ``out``. Each sample gets its frames' terms in frame
    order, as a frame-by-frame scatter adds them; segments are disjoint, so ranges of them can
    run in parallel. With ``reframe``, each frame whose segments all lie in the range is
    replaced by the windowed frame of ``out`` as soon as its last segment is done (while it is
    still in cache); no other range reads it."""
    n_frames, n_fft = frames.shape
    length = out.shape[0]
    span = (n_fft + hop - 1) // hop  # segments a frame touches
    for j in range(first, last):
        begin = j * hop
        width = min(hop, length - begin)
        segment, scale = out[begin : begin + width], norm[begin : begin + width]
        segment[:] = 0.0
        for n in range(max(0, j - span + 1), min(j, n_frames - 1) + 1):
            offset = (j - n) * hop
            count = min(width, n_fft - offset)
            row, weights = frames[n, offset : offset + count], window[offset : offset + count]
            for t in range(count):
                segment[t] += row[t] * weights[t]
        for t in range(width):
            segment[t] *= scale[t]
        done = j - span + 1
        if reframe and first <= done < n_frames:
            _frame(out, window, hop, frames, done, done + 1)


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


def _in_parallel(pool: ThreadPoolExecutor | None, parts: int, kernel, count: int,
                 *args) -> list[int]:
    """``kernel(*args, first, last)`` over ``0 .. count``, in ``parts`` ranges on ``pool``;
    the ranges' bounds."""
    if pool is None or parts < 2:
        kernel(*args, 0, count)
        return [0, count]
    bounds = [count * part // parts for part in range(parts + 1)]
    futures = [pool.submit(kernel, *args, low, high)
               for low, high in itertools.pairwise(bounds) if high > low]
    for future in futures:
        future.result()
    return bounds


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
    return 10.0 * np.log10((error + 1e-30) / (total + 1e-30))


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
        Threads for ``scipy.fft`` and the numba steps, -1 for all cores.
    callback : callable, optional
        Called after each iteration as ``callback(iteration, rebuilt)``, ``iteration`` counting
        from 1 and ``rebuilt`` the consistent STFT of the current estimate, frame-major
        ``(n_frames, n_bins)``: e.g. to record convergence. It must not modify ``rebuilt``.
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


@contextlib.contextmanager
def threads_of(transform: Stft, workers: int):
    """Give ``transform`` a pool of ``workers`` threads (-1: every core) for its numba steps,
    for the length of the block."""
    threads = available_cores() if workers == -1 else max(1, workers)
    with ThreadPoolExecutor(threads) if threads > 1 else contextlib.nullcontext() as pool:
        transform.pool, transform.threads = pool, threads
        try:
            yield
        finally:
            transform.pool, transform.threads = None, 1


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
    coefficients = np.ascontiguousarray(magnitude * np.exp(1j * init_phase.T), np.complex64)
    return magnitude, coefficients


def _iterate(S, transform, n_iter, alpha, beta, gamma, init_phase, random_state, callback,
             tol_db, window) -> np.ndarray:
    magnitude, coefficients = initial_coefficients(S, transform, init_phase, random_state)
    accelerated = beta != 0.0 or gamma != 1.0
    previous = np.zeros_like(coefficients)
    d_prev = coefficients.copy() if accelerated else None
    if accelerated:
        previous[:] = coefficients
    mu = alpha / (1.0 + alpha)
    last_check = np.inf
    for iteration in range(1, n_iter + 1):
        rebuilt = transform.project(coefficients)
        if callback is not None:
            callback(iteration, rebuilt)
        if tol_db is not None and iteration % window == 0:
            score = consistency_db(rebuilt, magnitude)
            if last_check - score < tol_db:
                break
            last_check = score
        pool, parts, rows = transform.pool, transform.threads, len(magnitude)
        if accelerated:
            _in_parallel(pool, parts, _agla_update, rows, _floats(rebuilt), _floats(previous),
                         _floats(d_prev), magnitude, alpha, beta, gamma, _floats(coefficients))
        else:
            _in_parallel(pool, parts, _fgla_update, rows, _floats(rebuilt), _floats(previous),
                         magnitude, mu, _floats(coefficients))
            previous = rebuilt
    return transform.signal(transform.inverse(coefficients))


def _derivative(values: np.ndarray, axis: int) -> np.ndarray:
    """Centred differences along an axis (one-sided at its ends; zero if it has one element)."""
    if values.shape[axis] < 2:
        return np.zeros_like(values)
    return np.gradient(values, axis=axis)


def pghi(S: np.ndarray, config: StftConfig, tol_db: float = 70.0,
         random_state: int = 0) -> np.ndarray:
    """Phase-gradient heap integration (Průša, Balazs, Søndergaard 2017), librosa's convention.

    The phase's time and frequency derivatives are estimated from the log-magnitude's
    frequency and time derivatives (exact for a Gaussian window, close for Hann with
    ``gamma = 0.25645 * n_fft**2``), then integrated from the largest coefficient outwards,
    always continuing from the largest one reached so far. Coefficients more than ``tol_db``
    below the peak get a random phase. The result is converted from the window-centred
    convention of the paper to librosa's frame-start one by adding ``pi * m`` to bin ``m``.

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
    gamma = HANN_GAMMA * n_fft**2
    log_s = np.log(np.maximum(np.asarray(S, np.float64), 1e-30))
    bins = np.arange(S.shape[0])[:, None]
    time_step = (hop * n_fft / gamma) * _derivative(log_s, 0) + 2 * np.pi * hop * bins / n_fft
    freq_step = -(gamma / (hop * n_fft)) * _derivative(log_s, 1)
    phase = random_phase(S.shape, random_state)
    span = tol_db * np.log(10) / 20
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


def fft_workers(processes: int) -> int:
    """``scipy.fft`` workers for each of ``processes`` processes running side by side: all
    cores for one, one each otherwise (the results do not depend on it)."""
    return -1 if processes <= 1 else 1


def reconstruct(
    S: np.ndarray,
    config: StftConfig,
    method: str,
    *,
    length: int,
    n_iter: int | str = 100,
    momentum: float = 0.99,
    beta: float = 1.1,
    gamma: float = 1.2,
    pghi_tol_db: float = 70.0,
    random_state: int = 0,
    true_phase: np.ndarray | None = None,
    workers: int = -1,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> np.ndarray:
    """Turn a magnitude spectrogram into a signal by one of :data:`METHODS`.

    Parameters
    ----------
    S : np.ndarray
        Magnitudes, ``(n_bins, n_frames)`` (amplitude, full scale 1.0).
    config : StftConfig
        The STFT that ``S`` comes from.
    method : str
        One of :data:`METHODS`.
    length : int
        Output length (samples).
    n_iter : int or "auto"
        Iterations of the iterative methods; ``"auto"`` stops each one when it stops improving
        (:data:`AUTO_TOL_DB` over :data:`AUTO_WINDOW` iterations, at most
        :data:`AUTO_MAX_ITER`; the methods with no such rule run :data:`FIXED_AUTO_ITER`).
    momentum : float
        ``alpha`` of ``fgla`` and ``agla``, and librosa's ``momentum``; ``gla`` uses 0.
    beta, gamma : float
        The other two parameters of ``agla``.
    pghi_tol_db : float
        PGHI integrates coefficients down to this far below the peak (dB).
    random_state : int
        Seed of every random phase, for reproducible output.
    true_phase : np.ndarray, optional
        Phase (radians), shape of ``S``; required by ``oracle``.
    workers : int
        Threads for ``scipy.fft`` and the numba steps, -1 for all cores.
    callback : callable, optional
        Passed to :func:`griffin_lim` by the iterative methods (e.g. to record convergence).

    Returns
    -------
    np.ndarray
        float32 signal of ``length`` samples.
    """
    if method not in METHODS:
        raise ValueError(f"unknown phase method {method!r}; choose from {', '.join(METHODS)}")
    if method == "oracle":
        if true_phase is None:
            raise ValueError("the oracle method needs the true phase")
        return _with_phase(S, true_phase, config, length, workers)
    if method != "pghi":  # PGHI does not iterate
        n_iter = parse_n_iter(n_iter)
    auto = n_iter == "auto"
    if method == "librosa_fgla":
        return librosa.griffinlim(
            S, n_iter=FIXED_AUTO_ITER if auto else n_iter, hop_length=config.hop_length,
            n_fft=config.n_fft, window=config.window, center=config.center, length=length,
            momentum=momentum, init="random", random_state=random_state,
        )
    start = pghi(S, config, pghi_tol_db, random_state) if method.startswith("pghi") else None
    if method == "pghi":
        return _with_phase(S, start, config, length, workers)
    iterative = method.removeprefix("pghi_")
    if iterative in ("admm", "raar"):
        from .projections import admm_gla, raar_gla

        count = FIXED_AUTO_ITER if auto else n_iter
        if iterative == "admm":
            return admm_gla(S, config, length=length, n_iter=count, init_phase=start,
                            random_state=random_state, workers=workers, callback=callback)
        raar_iter = round(RAAR_SHARE * count)
        return raar_gla(S, config, length=length, raar_iter=raar_iter,
                        n_iter=AUTO_MAX_ITER - raar_iter if auto else count - raar_iter,
                        alpha=momentum, beta=beta, gamma=gamma, init_phase=start,
                        random_state=random_state, workers=workers, callback=callback,
                        tol_db=AUTO_TOL_DB if auto else None)
    parameters = {
        "gla": (0.0, 0.0, 1.0), "fgla": (momentum, 0.0, 1.0), "agla": (momentum, beta, gamma),
    }
    a, b, g = parameters[iterative]
    return griffin_lim(S, config, length=length, n_iter=AUTO_MAX_ITER if auto else n_iter,
                       alpha=a, beta=b, gamma=g, init_phase=start, random_state=random_state,
                       workers=workers, callback=callback, tol_db=AUTO_TOL_DB if auto else None)


def _with_phase(S: np.ndarray, phase: np.ndarray, config: StftConfig, length: int,
                workers: int) -> np.ndarray:
    """The least-squares signal of magnitudes ``S`` with ``phase`` (radians)."""
    transform = Stft(config, length, workers)
    coefficients = np.ascontiguousarray((S * np.exp(1j * phase)).T, np.complex64)
    return transform.signal(transform.inverse(coefficients))


def parse_n_iter(value: object) -> int | str:
    """An iteration count: a positive integer or ``"auto"``; ``ValueError`` otherwise."""
    if value == "auto":
        return "auto"
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"n_iter={value!r} must be a positive integer or 'auto'")
    try:
        count = int(value)
    except ValueError:
        raise ValueError(f"n_iter={value!r} must be a positive integer or 'auto'") from None
    if count < 1:
        raise ValueError(f"n_iter={value!r} must be a positive integer or 'auto'")
    return count


