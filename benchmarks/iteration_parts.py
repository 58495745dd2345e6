"""Where one fgla iteration's time goes: its parts timed alone and back to back, and the whole
chain run on cache-sized blocks of frames, on the 10 s clip of benchmarks/phase_speed.py, one
thread, interleaved rounds (medians).

Parts: the forward FFT of every frame (``rfft``), the fgla magnitude step, the inverse FFT
(``irfft``) and the overlap-add with reframing; ``chain``: the four back to back, as an
iteration runs them; ``blocks of N``: the FFT, the step and the inverse FFT on N frames at a
time, then the overlap-add (the same bits); ``call``: one ducc0 rfft of one frame, the cost of
a call.

    python benchmarks/iteration_parts.py [--rounds 25] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
from phase_speed import CONFIG, raw_clips

from specimg.phase import gla
from specimg.phase.fft import irfft_rows, rfft_rows
from specimg.phase.transform import Stft

BLOCKS = (32, 64, 128)
PARTS = ("rfft", "step", "irfft", "overlap-add")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    clip = raw_clips(args.raw, 10.0, ("music",))[-1]
    transform = Stft(CONFIG, clip["meta"].length, 1)
    magnitude, coefficients = gla.initial_coefficients(clip["S"], transform, None, 0)
    out, rebuilt = gla._floats(coefficients), np.zeros_like(coefficients)
    previous = np.zeros_like(coefficients)
    n = transform.n_frames
    transform._least_squares(coefficients, True)

    def step(first: int, last: int) -> None:
        gla._fgla_update(gla._floats(rebuilt), gla._floats(previous), magnitude, 0.5, out,
                         first, last)

    parts = {"rfft": lambda: rfft_rows(transform.frames, rebuilt, 0, n),
             "step": lambda: step(0, n),
             "irfft": lambda: irfft_rows(coefficients, transform.frames, 0, n),
             "overlap-add": lambda: transform._overlap_add(True)}
    alone = list(parts.values())
    parts["chain"] = lambda: [part() for part in alone]

    def blocks(size: int):
        def run() -> None:
            for low in range(0, n, size):
                high = min(n, low + size)
                rfft_rows(transform.frames, rebuilt, low, high)
                step(low, high)
                irfft_rows(coefficients, transform.frames, low, high)
            transform._overlap_add(True)
        return run

    parts |= {f"blocks of {size}": blocks(size) for size in BLOCKS}
    parts["call"] = lambda: rfft_rows(transform.frames, rebuilt, 0, 1)
    samples: dict[str, list[float]] = {}
    for part in parts.values():
        part()
    for _ in range(args.rounds):
        for name, part in parts.items():
            repeats = 300 if name == "call" else 30
            start = time.perf_counter()
            for _ in range(repeats):
                part()
            samples.setdefault(name, []).append((time.perf_counter() - start) / repeats)
    result = {"clip": clip["name"], "frames": n, "threads": 1, "rounds": args.rounds,
              "ms": {name: round(statistics.median(v) * 1e3, 4) for name, v in samples.items()}}
    result["ms"]["sum of the parts"] = round(sum(result["ms"][k] for k in PARTS), 4)
    for name, ms in result["ms"].items():
        print(f"  {name}: {ms:.3f} ms")
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
