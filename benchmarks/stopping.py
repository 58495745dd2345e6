"""`n_iter: auto` against a fixed 100 iterations, per encoding, on the pipeline's pictures.

Reads the pipeline's outputs (run `make repro` first): every clip's picture of every encoding in
data/images/, decoded as the invert stage decodes it, the original magnitudes in data/spec/ and
the clips in data/clips/. Each picture is inverted by the default method with `n_iter=100` and
with `n_iter="auto"` (stop once the consistency SC improves by less than
`specimg.phase.gla.AUTO_TOL_DB` over `AUTO_WINDOW` iterations, at most `AUTO_MAX_ITER`), one FFT
thread each, and scored: SC against the original (dB), consistency SC against the decoded
picture (dB), PESQ-WB on the speech clips, iterations run and seconds.

    python benchmarks/stopping.py [--json benchmarks/stopping.json]

Prints one JSON row per encoding (means over its clips) and writes them all with --json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from specimg.core.audio import read_audio
from specimg.core.spectrum import stft
from specimg.image.codec import image_suffix
from specimg.inversion import image_to_magnitude
from specimg.phase import DEFAULT_METHOD, reconstruct
from specimg.phase.gla import AUTO_MAX_ITER, AUTO_TOL_DB, AUTO_WINDOW
from specimg.pipeline.common import read_manifest
from specimg.study.metrics import pesq_wb, spectral_convergence_db

DATA = Path("data")


class Counter:
    """A griffin_lim callback that keeps the last iteration number."""

    def __init__(self) -> None:
        self.iterations = 0

    def __call__(self, iteration: int, rebuilt: np.ndarray) -> None:
        self.iterations = iteration


def invert(S: np.ndarray, meta, n_iter) -> tuple[np.ndarray, int, float]:
    counter = Counter()
    start = time.perf_counter()
    y = reconstruct(S, meta.stft, DEFAULT_METHOD, length=meta.length, n_iter=n_iter,
                    workers=1, callback=counter)
    return y, counter.iterations, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    manifest = read_manifest(DATA / "clips")
    encodings = sorted(p.name for p in (DATA / "images").iterdir() if p.is_dir())
    rows = []
    for encoding in encodings:
        records = []
        for clip in manifest:
            clip_id = clip["clip_id"]
            image = DATA / "images" / encoding / f"{clip_id}{image_suffix(encoding)}"
            S_target, meta = image_to_magnitude(image.read_bytes(), image)
            S_original = np.load(DATA / "spec" / f"{clip_id}.mag.npy")
            original, sr = read_audio(DATA / "clips" / f"{clip_id}.flac")
            for n_iter in (100, "auto"):
                y, iterations, seconds = invert(S_target, meta, n_iter)
                S_y = np.abs(stft(y, meta.stft))
                records.append({
                    "n_iter": str(n_iter), "iterations": iterations, "seconds": seconds,
                    "sc_db": spectral_convergence_db(S_original, S_y),
                    "consistency_sc_db": spectral_convergence_db(S_target, S_y),
                    "pesq_wb": pesq_wb(original, y, sr) if clip["kind"] == "speech" else np.nan,
                })
        means = pd.DataFrame(records).groupby("n_iter").mean()
        row = {"encoding": encoding, "method": DEFAULT_METHOD,
               "rule": f"auto: < {AUTO_TOL_DB} dB in {AUTO_WINDOW} it., cap {AUTO_MAX_ITER}"}
        for n_iter, values in means.iterrows():
            row[n_iter] = {key: round(float(value), 3) for key, value in values.items()}
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
