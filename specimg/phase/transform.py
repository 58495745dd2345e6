"""The STFT pair the iterative phase methods run on, and the threads that share its work.

:class:`Stft` is one transform pair built for one signal length, with the window and the
overlap-add normalisation precomputed, frames stored contiguously and ``scipy.fft`` for the
transforms. The overlap-add and the framing are fused numba loops that release the GIL and run
on ranges of frames (or of hop-long segments) by a thread pool of ``workers`` threads, each
element computed exactly as in one pass, so that the output does not depend on the thread
count. No numba threading layer is involved, so worker processes may be forked at any time.
The arithmetic is librosa's (centred frames, zero padding, float32).
"""

from __future__ import annotations

import contextlib
import itertools
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
import scipy.fft

from ..core.spectrum import StftConfig, stft_window
from ..util.parallel import available_cores

__all__ = ["Stft", "fft_workers", "threads_of"]

#: Decorator of the compiled steps. numpy's error model divides without a zero check, which
#: lets LLVM vectorise the magnitude updates (twice as fast); their divisors are at least
#: the float32 ``tiny``, so the results are the same bits.
_kernel = numba.njit(cache=True, nogil=True, error_model="numpy")



class Stft:
    """STFT and least-squares inverse STFT for signals of one length, librosa's conventions.

    Coefficients are stored frame-major, shape ``(n_frames, n_bins)`` (the transpose of
    librosa's layout), so each frame's FFT reads contiguous memory.

    Parameters
    ----------
    config : StftConfig
        Transform parameters; the window (``win_length`` samples, centred in the ``n_fft``-sample
        frame) is :func:`specimg.core.spectrum.stft_window`'s.
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
        self.window = stft_window(config).astype(np.float32)
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


def fft_workers(processes: int) -> int:
    """``scipy.fft`` workers for each of ``processes`` processes running side by side: all
    cores for one, one each otherwise (the results do not depend on it)."""
    return -1 if processes <= 1 else 1
