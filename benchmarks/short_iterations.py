"""Iterations for short pictures: mean SC and seconds of the default method against its
iteration count on 10 s png16 pictures of every recording in data/raw, beside
``librosa.griffinlim``'s 100 iterations on the same pictures and the true-phase floor, in this
one run. It sets the cap of the default iteration count (specimg.phase.budget).

    python benchmarks/short_iterations.py [--iterations 100 300 500 800 1000] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import librosa
import numpy as np
from phase_speed import CONFIG, raw_clips

from specimg.core.spectrum import stft
from specimg.phase import DEFAULT_METHOD, reconstruct
from specimg.study.metrics import spectral_convergence_db
from specimg.util.parallel import available_cores


def mean_sc(clips: list[dict], signals: list[np.ndarray]) -> float:
    return float(np.mean([spectral_convergence_db(clip["S_original"], np.abs(stft(y, CONFIG)))
                          for clip, y in zip(clips, signals, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--iterations", type=int, nargs="+", default=[100, 300, 500, 800, 1000])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    clips = raw_clips(args.raw, 10.0)
    cores = available_cores()
    true_phase = [librosa.istft(clip["S"] * np.exp(1j * clip["phase"]),
                                hop_length=CONFIG.hop_length, length=clip["meta"].length)
                  for clip in clips]
    start = time.perf_counter()
    naive = [librosa.griffinlim(clip["S"], n_iter=100, hop_length=CONFIG.hop_length,
                                length=clip["meta"].length, random_state=0) for clip in clips]
    result = {"clips": len(clips), "seconds_each": 10, "encoding": "png16", "cores": cores,
              "method": DEFAULT_METHOD, "true_phase_sc_db": mean_sc(clips, true_phase),
              "naive_gla100_sc_db": mean_sc(clips, naive),
              "naive_gla100_seconds_per_clip": (time.perf_counter() - start) / len(clips),
              "runs": []}
    print(f"{len(clips)} clips of 10 s, png16: true phase {result['true_phase_sc_db']:.2f} dB, "
          f"librosa.griffinlim 100 it. {result['naive_gla100_sc_db']:.2f} dB")
    for n_iter in args.iterations:
        start = time.perf_counter()
        signals = [reconstruct(clip["S"], CONFIG, DEFAULT_METHOD, length=clip["meta"].length,
                               n_iter=n_iter, random_state=0, workers=cores) for clip in clips]
        run = {"n_iter": n_iter, "seconds_per_clip": (time.perf_counter() - start) / len(clips),
               "sc_db": mean_sc(clips, signals)}
        result["runs"].append(run)
        print(f"  {DEFAULT_METHOD} {n_iter:>5} it.: {run['sc_db']:.2f} dB, "
              f"{run['seconds_per_clip']:.2f} s a clip on {cores} cores", flush=True)
    if args.json:
        rounded = json.loads(json.dumps(result), parse_float=lambda x: round(float(x), 2))
        args.json.write_text(json.dumps(rounded, indent=2) + "\n")


if __name__ == "__main__":
    main()
