"""The STFT pair the iterative phase methods run on, and the threads that share its work.

:class:`Stft` is one transform pair built for one signal length, with the window and the
overlap-add normalisation precomputed, frames stored contiguously in a buffer of their own and
ducc0's real FFTs (:mod:`.fft`) into preallocated arrays. The FFTs run on blocks of frames, the
overlap-add and the framing are fused numba loops on ranges of hop-long segments; both release
the GIL and run on a thread pool of ``workers`` threads, each element computed exactly as in one
pass, so that the output does not depend on the thread count. :meth:`Stft.iterate` runs a
method's loop with its element-wise step fused into the FFT pass over each block of frames (two
passes over the frames per iteration, one per side of the overlap-add). No numba threading layer
is involved, so worker processes may be forked at any time. The arithmetic is librosa's
(centred frames, zero padding, float32).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np

from ..core.spectrum import StftConfig, stft_window
from ..util.parallel import available_cores
from .fft import ROW_BLOCK, irfft_rows, rfft_rows

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
        Threads, -1 for all cores: kept for :func:`threads_of`, which gives the transform its
        pool; without one, everything runs on the calling thread.
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
        self.frames = np.empty((self.n_frames, n_fft), np.float32)
        #: Threads for the FFTs and the numba steps, set by :func:`threads_of` for a run.
        self.pool: ThreadPoolExecutor | None = None
        self.threads = 1

    def _blocks(self, kernel, *args) -> None:
        """``kernel(*args, first, last)`` on the pool over ranges of frames that start at
        multiples of :data:`.fft.ROW_BLOCK`."""
        _in_parallel(self.pool, self.threads, kernel, self.n_frames, *args, align=ROW_BLOCK)

    def _least_squares(self, coefficients: np.ndarray, reframe: bool) -> None:
        """Inverse FFT of each frame into ``frames``, windowed, overlap-added and normalised into
        ``buffer`` (the least-squares signal); with ``reframe``, the frames are then overwritten
        by the windowed frames of that signal."""
        self._blocks(irfft_rows, coefficients, self.frames)
        self._overlap_add(reframe)

    def _overlap_add(self, reframe: bool) -> None:
        frames, hop = self.frames, self.config.hop_length
        if self.pool is None:
            _overlap_add_frames(frames, self.window, self.norm, hop, reframe, self.buffer)
            return
        segments = -(-len(self.buffer) // hop)
        bounds = _in_parallel(self.pool, self.threads, _overlap_add, segments, frames,
                              self.window, self.norm, hop, reframe, self.buffer)
        if reframe:  # frames spanning two threads' ranges, read by both: framed after both
            span = -(-self.config.n_fft // hop)
            for boundary in bounds[1:-1]:
                _frame(self.buffer, self.window, hop, frames,
                       max(0, boundary - span + 1), min(boundary, len(frames)))

    def forward(self, y: np.ndarray) -> np.ndarray:
        """The STFT of a signal of ``length`` samples, frame-major complex64: ``librosa.stft``'s
        (zero padding where centred), transposed, computed in float32."""
        if len(y) != self.length:
            raise ValueError(f"y has {len(y)} samples; this transform is for {self.length}")
        self.buffer[:] = 0.0
        self.buffer[self.offset : self.offset + self.length] = y
        _frame(self.buffer, self.window, self.config.hop_length, self.frames, 0, self.n_frames)
        out = np.empty((self.n_frames, self.config.n_bins), np.complex64)
        self._blocks(rfft_rows, self.frames, out)
        return out

    def inverse(self, coefficients: np.ndarray) -> np.ndarray:
        """Least-squares signal buffer of coefficients (zero outside the signal)."""
        self._least_squares(coefficients, reframe=False)
        return self.buffer.copy()

    def project(self, coefficients: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """The STFT of :meth:`inverse`'s signal: the projection onto consistent spectrograms,
        with overlap-add, normalisation and framing fused into one pass over the frames; into
        ``out`` (complex64, the shape of ``coefficients``) if given."""
        self._least_squares(coefficients, reframe=True)
        out = np.empty_like(coefficients) if out is None else out
        self._blocks(rfft_rows, self.frames, out)
        return out

    def iterate(self, coefficients: np.ndarray, n_iter: int, step, *,
                callback: Callable[[int, np.ndarray], None] | None = None,
                stop: Callable[[int, np.ndarray], bool] | None = None, every: int = 1) -> int:
        """A phase method's loop: for each iteration, ``rebuilt`` = :meth:`project` of
        ``coefficients``, then ``step(rebuilt, previous, first, last)`` updates
        ``coefficients`` in place on the rows ``first <= n < last`` (``previous``: the last
        iteration's ``rebuilt``, zeros at first). Returns the iterations run; ``buffer`` then
        holds :meth:`inverse` of ``coefficients``.

        ``callback(iteration, rebuilt)`` (each iteration) and ``stop(iteration, rebuilt)`` (every
        ``every`` iterations; True: end there, before the step, with ``buffer`` the signal the
        last step gave) see the whole of ``rebuilt``, valid during the call only (two buffers
        take turns); in the other iterations the forward FFT of each block of frames, the step
        and the inverse FFT run back to back on the block. The bits are the same either way.
        """
        buffers = np.zeros((2, *coefficients.shape), coefficients.dtype)
        self._least_squares(coefficients, reframe=True)

        def fused(rebuilt, previous, first, last):
            rfft_rows(self.frames, rebuilt, first, last)
            step(rebuilt, previous, first, last)
            irfft_rows(coefficients, self.frames, first, last)

        for iteration in range(1, n_iter + 1):
            rebuilt, previous = buffers[iteration % 2], buffers[1 - iteration % 2]
            checks = stop is not None and iteration % every == 0
            if callback is None and not checks:
                self._blocks(fused, rebuilt, previous)
                self._overlap_add(reframe=True)
                continue
            self._blocks(rfft_rows, self.frames, rebuilt)
            if callback is not None:
                callback(iteration, rebuilt)
            if checks and stop(iteration, rebuilt):
                return iteration - 1
            self._blocks(step, rebuilt, previous)
            self._least_squares(coefficients, reframe=True)
        return n_iter

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
                 *args, align: int = 1) -> list[int]:
    """``kernel(*args, first, last)`` over ``0 .. count``, in ``parts`` ranges on ``pool``,
    inner bounds at multiples of ``align``; the ranges' bounds."""
    if pool is None or parts < 2:
        kernel(*args, 0, count)
        return [0, count]
    bounds = [min(count, (count * part // parts + align // 2) // align * align)
              for part in range(parts)] + [count]
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
    """Threads for each of ``processes`` processes running side by side: all cores for one,
    one each otherwise (the results do not depend on it)."""
    return -1 if processes <= 1 else 1
