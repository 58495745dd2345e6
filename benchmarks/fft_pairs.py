"""The bare batched float32 rfft + irfft pair of every installed FFT library, one run.

The phase methods spend most of an iteration in one such pair over all frames (2048-point
frames, one row each). Each candidate times ``n`` pairs in a row into preallocated arrays where
the library allows it; rounds interleave the candidates, and the median of the rounds is
reported. ducc0 chooses its compiled SIMD level (x86-64, -v3, -v4) when it is imported, capped
by ``DUCC0_MAX_PSABI_LEVEL``: each level runs in its own worker process, as does every other
candidate, so that all of them share the rounds. Libraries without a thread argument (mkl_fft)
get their thread count from threadpoolctl before each timed run, never inside it (entered
there, it did not hold MKL to one thread, and it has its own cost); each row reports the CPU
time per wall time its run took, which shows the threads really used.

    python benchmarks/fft_pairs.py [--frames 431 2584] [--threads 1 2] [--rounds 5]

Prints one line per candidate, size and thread count (ms per pair) and, with --json, writes the
rows. benchmarks/phase.py imports :func:`time_pairs` for its own table.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from specimg.util.parallel import available_cores

N_FFT = 2048
#: Candidate name -> (module to import, package whose version is reported, environment changes:
#: None removes the variable, which specimg sets for ducc0 when it is imported).
CANDIDATES = {
    "scipy.fft": ("scipy.fft", "scipy", {}),
    "ducc0 (its own choice)": ("ducc0", "ducc0", {"DUCC0_MAX_PSABI_LEVEL": None}),
    "ducc0 x86-64-v3": ("ducc0", "ducc0", {"DUCC0_MAX_PSABI_LEVEL": "3"}),
    "ducc0 x86-64": ("ducc0", "ducc0", {"DUCC0_MAX_PSABI_LEVEL": "1"}),
    "pyfftw": ("pyfftw", "pyFFTW", {}),
    "mkl_fft": ("mkl_fft", "mkl_fft", {}),
}


def make_pair(name: str, frames: np.ndarray, threads: int) -> Callable[[], None]:
    """One rfft + irfft of every row of ``frames`` with library ``name`` on ``threads``."""
    spectrum = np.empty((len(frames), N_FFT // 2 + 1), np.complex64)
    back = np.empty_like(frames)
    if name == "scipy.fft":
        import scipy.fft

        return lambda: scipy.fft.irfft(scipy.fft.rfft(frames, axis=1, workers=threads),
                                       n=N_FFT, axis=1, workers=threads)
    if name.startswith("ducc0"):
        import ducc0

        def pair() -> None:
            ducc0.fft.r2c(frames, axes=(1,), out=spectrum, nthreads=threads)
            ducc0.fft.c2r(spectrum, axes=(1,), lastsize=N_FFT, forward=False, inorm=2,
                          out=back, nthreads=threads)
        return pair
    if name == "pyfftw":
        import pyfftw

        source = pyfftw.empty_aligned(frames.shape, np.float32)
        source[:] = frames
        forward = pyfftw.FFTW(source, pyfftw.empty_aligned(spectrum.shape, np.complex64),
                              axes=(1,), flags=("FFTW_MEASURE",), threads=threads)
        target = pyfftw.empty_aligned(frames.shape, np.float32)
        backward = pyfftw.FFTW(forward.output_array, target, axes=(1,),
                               direction="FFTW_BACKWARD", flags=("FFTW_MEASURE",),
                               threads=threads)  # planned once, outside the timing
        return lambda: (forward(), backward())
    if name == "mkl_fft":
        import mkl_fft

        def pair() -> None:
            mkl_fft.rfft(frames, axis=1, out=spectrum)
            mkl_fft.irfft(spectrum, n=N_FFT, axis=1, out=back)
        return pair
    raise ValueError(f"candidate {name!r} is unknown")


def serve() -> None:
    """Worker: read ``name frames threads n`` lines, answer seconds per pair and CPU seconds
    per second of that run (one sample)."""
    from threadpoolctl import threadpool_limits

    pairs: dict[tuple, Callable[[], None]] = {}
    for line in sys.stdin:
        name, count, threads, n = line.rsplit(" ", 3)
        key = (name, int(count), int(threads))
        if key not in pairs:
            frames = np.random.default_rng(0).standard_normal((int(count), N_FFT))
            pairs[key] = make_pair(name, frames.astype(np.float32), int(threads))
        # Set after the library is loaded, and it stays set: the timed calls pay nothing for it.
        threadpool_limits(int(threads))
        pairs[key]()
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(int(n)):
            pairs[key]()
        wall = time.perf_counter() - start
        print(wall / int(n), (time.process_time() - cpu) / wall, flush=True)


def environment(name: str) -> dict[str, str]:
    """The worker environment of candidate ``name``."""
    changes = CANDIDATES[name][2]
    kept = {key: value for key, value in os.environ.items() if key not in changes}
    return kept | {key: value for key, value in changes.items() if value is not None}


def installed() -> tuple[dict[str, str], list[str]]:
    """Candidates whose package is installed, with versions; notes on the missing ones."""
    found, missing = {}, []
    for name, (module, package, _env) in CANDIDATES.items():
        try:
            found[name] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            missing.append(f"{name}: not installed ({package}), skipped")
            continue
        probe = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True,
                               env=environment(name), check=False)
        if probe.returncode:
            found.pop(name)
            missing.append(f"{name}: import failed, skipped")
    return found, missing


def time_pairs(sizes: list[int], threads: list[int], rounds: int) -> dict:
    """Median ms per pair of every installed candidate, for each frame count and thread count,
    the candidates interleaved round by round."""
    versions, notes = installed()
    workers = {name: subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        text=True, env=environment(name)) for name in versions}
    samples: dict[tuple, list[float]] = {}
    try:
        for _ in range(rounds):
            for count in sizes:
                for thread_count in threads:
                    for name, worker in workers.items():
                        n = max(3, 20000 // count)
                        worker.stdin.write(f"{name} {count} {thread_count} {n}\n")
                        worker.stdin.flush()
                        seconds, cpu_per_wall = worker.stdout.readline().split()
                        samples.setdefault((name, count, thread_count), []).append(
                            (float(seconds), float(cpu_per_wall)))
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()
    rows = [{"library": name, "version": versions[name], "frames": count, "threads": t,
             "ms_per_pair": round(statistics.median(s for s, _ in runs) * 1e3, 3),
             "ms_min": round(min(s for s, _ in runs) * 1e3, 3),
             "cpu_per_wall": round(statistics.median(c for _, c in runs), 2), "rounds": rounds}
            for (name, count, t), runs in samples.items()]
    return {"rows": rows, "notes": notes}


def print_pairs(result: dict) -> None:
    for note in result["notes"]:
        print(f"  note: {note}")
    for count in sorted({r["frames"] for r in result["rows"]}):
        for threads in sorted({r["threads"] for r in result["rows"]}):
            rows = [r for r in result["rows"] if (r["frames"], r["threads"]) == (count, threads)]
            cells = ", ".join(f"{r['library']} {r['ms_per_pair']:.2f} ({r['cpu_per_wall']:.1f})"
                              for r in sorted(rows, key=lambda r: r["ms_per_pair"]))
            print(f"  {count} frames, {threads} thread(s), median ms per pair (CPU time per "
                  f"wall time): {cells}")


def main() -> None:
    if sys.argv[1:] == ["--serve"]:
        serve()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, nargs="+", default=[431, 2584])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, available_cores()])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = time_pairs(args.frames, sorted(set(args.threads)), args.rounds)
    print_pairs(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
