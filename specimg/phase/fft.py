"""Batched real FFTs of STFT frames: ducc0, one thread per block of rows.

ducc0 (pocketfft's successor) was the fastest FFT library that pip installs for 2048-point
float32 frames (benchmarks/fft_pairs.py). Its result for one row depends on whether the row
is transformed with others in a SIMD group or alone (the last ``n % 4`` rows of a call), so
the threads here split the rows at multiples of :data:`ROW_BLOCK`: every row then gets the
same arithmetic whatever the thread count.

ducc0's x86-64 wheels carry three builds (x86-64, -v3, -v4) and pick one when imported,
capped by the environment variable ``DUCC0_MAX_PSABI_LEVEL``; the -v3 build's bits differ from
the baseline's (fused multiply-adds). This module sets the cap to 1 unless it is already set,
before importing ducc0, so that results are the same on every x86-64 CPU, at a measured cost
(the baseline build was the fastest of the three in one run of benchmarks/fft_pairs.py, 1.2 to
1.3 times slower than -v3 on one thread in another; docs/phase.md). If ducc0 was imported
before specimg, its level stands: :func:`simd_profile` says which one runs.
"""

from __future__ import annotations

import os

os.environ.setdefault("DUCC0_MAX_PSABI_LEVEL", "1")

import ducc0  # after the cap above
import numpy as np

__all__ = ["ROW_BLOCK", "irfft_rows", "rfft_rows", "simd_profile"]

#: Rows per block of a thread's range: a multiple of every SIMD group width ducc0 uses.
ROW_BLOCK = 16


def rfft_rows(frames: np.ndarray, out: np.ndarray, first: int, last: int) -> None:
    """``out[first:last] = rfft(frames[first:last], axis=1)`` (complex64, one thread)."""
    ducc0.fft.r2c(frames[first:last], axes=(1,), out=out[first:last], nthreads=1)


def irfft_rows(coefficients: np.ndarray, out: np.ndarray, first: int, last: int) -> None:
    """``out[first:last] = irfft(coefficients[first:last], n=out.shape[1], axis=1)``
    (float32, one thread, divided by ``n`` as numpy's inverse is)."""
    ducc0.fft.c2r(coefficients[first:last], axes=(1,), lastsize=out.shape[1], forward=False,
                  inorm=2, out=out[first:last], nthreads=1)


def simd_profile() -> str:
    """The ducc0 build in use (``'x86-64'`` unless ducc0 was imported with another cap, or on
    another architecture: then its name)."""
    info = ducc0.misc.cpu_info()
    return info.get("active_profile", info["architecture"])
