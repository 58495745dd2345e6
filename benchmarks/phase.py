"""Phase reconstruction benchmark: quality and speed of every method against librosa.

Everything is timed in this one run, librosa included, so ratios hold on whatever machine runs
it.

    python benchmarks/phase.py [--full | --quick] [--json PATH]

Default (about 5 minutes on 2 cores; no pipeline outputs needed, clips cut from data/raw,
benchmarks/phase_speed.py): (1) the bare batched rfft + irfft pair of every installed FFT
library (benchmarks/fft_pairs.py), 431 and 2584 frames (10 s, 60 s), one thread and all cores;
(2) one iteration of our fgla against the bare pairs and librosa's, on a 10 s and a 60 s clip;
(3) the SC our default method reaches in the wall time of librosa.griffinlim's 100 iterations,
and the iterations it runs in that time.

--full, then --quick (a subset, under a minute), add the tables on the pipeline's outputs (run
`make repro` first: the png16, jpeg95 and specshow_user images in data/images/ and the original
magnitudes in data/spec/): (4) mean spectral convergence (SC, dB, against the original
magnitude) and seconds per second of audio for each method, iteration count and encoding, with
the speed-up over librosa.griffinlim at the same iteration count (one thread, as librosa runs);
(5) one iteration of our fgla against librosa's and the bare scipy.fft pair; (6) the SC our
default method reaches in the wall time librosa needs for its default 32 iterations, and (--full)
in that of its 100; (7) with --full, the best SC in 1000 iterations and the iterations each
method needs to reach -30 dB.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import librosa
import numpy as np
import scipy.fft
from phase_speed import equal_time_rows, speed_rows

from specimg.core.spectrum import stft
from specimg.inversion import image_to_magnitude
from specimg.phase import DEFAULT_METHOD, reconstruct
from specimg.phase.gla import griffin_lim
from specimg.phase.transform import Stft
from specimg.study.metrics import spectral_convergence_db
from specimg.util.parallel import available_cores

ALL_CORES = available_cores()


def load(data: Path, encoding: str, limit: int | None) -> list[dict]:
    images = sorted((data / "images" / encoding).glob("*.*"))[:limit]
    if not images:
        sys.exit(f"error: no images in {data / 'images' / encoding}: run `make repro` first")
    clips = []
    for path in images:
        S, meta = image_to_magnitude(path.read_bytes(), path)  # as the pipeline decodes it
        clips.append({
            "S": S,
            "S_original": np.load(data / "spec" / f"{path.stem}.mag.npy"),
            "meta": meta,
        })
    return clips


def audio_seconds(clips: list[dict]) -> float:
    return sum(c["meta"].length / c["meta"].sr for c in clips)


def run_method(clips: list[dict], method: str, n_iter: int, workers: int = 1) -> dict:
    """Mean SC (dB) and total wall time (s) of one method over the clips."""
    elapsed, scores = 0.0, []
    for clip in clips:
        meta = clip["meta"]
        start = time.perf_counter()
        y = reconstruct(clip["S"], meta.stft, method, length=meta.length,
                        n_iter=n_iter, workers=workers)
        elapsed += time.perf_counter() - start
        scores.append(spectral_convergence_db(clip["S_original"],
                                              np.abs(stft(y, meta.stft))))
    return {"sc_db": float(np.mean(scores)), "seconds": elapsed}


def per_iteration_seconds(clip: dict, workers: int, repeats: int) -> dict:
    """Seconds per iteration: our fgla, librosa's, and the bare rfft + irfft pair."""
    meta, S = clip["meta"], clip["S"]
    config = meta.stft
    signal = np.zeros(config.n_fft + (Stft(config, meta.length).n_frames - 1) * config.hop_length,
                      np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(signal, config.n_fft)[::config.hop_length]
    frames = np.ascontiguousarray(frames)

    def best(function) -> float:
        function()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            function()
            times.append(time.perf_counter() - start)
        return min(times)

    n = 100

    def fft_pairs() -> None:  # the floor, timed as our iterations are: n in a row
        for _ in range(n):
            scipy.fft.irfft(scipy.fft.rfft(frames, axis=1, workers=workers), n=config.n_fft,
                            axis=1, workers=workers)

    floor = best(fft_pairs) / n
    ours = best(lambda: griffin_lim(S, config, length=meta.length, n_iter=n, workers=workers))
    ours_setup = best(lambda: griffin_lim(S, config, length=meta.length, n_iter=0,
                                          workers=workers))
    result = {"fgla": (ours - ours_setup) / n, "fft_floor": floor}
    if workers == 1:
        theirs = best(lambda: librosa.griffinlim(S, n_iter=n, hop_length=config.hop_length,
                                                 length=meta.length, random_state=0))
        result["librosa_fgla"] = theirs / n
    return result


def convergence(clips: list[dict], methods: list[str], n_iter: int) -> dict:
    """Mean consistency SC per iteration (dB), final SC against the original, per method."""
    results = {}
    for method in methods:
        traces, finals = [], []
        for clip in clips:
            meta, S = clip["meta"], clip["S"]
            trace: list[float] = []
            y = reconstruct(
                S, meta.stft, method, length=meta.length, n_iter=n_iter,
                callback=lambda _i, rebuilt, S=S, trace=trace: trace.append(
                    spectral_convergence_db(S, np.abs(rebuilt.T))),
            )
            traces.append(trace)
            finals.append(spectral_convergence_db(clip["S_original"],
                                                  np.abs(stft(y, meta.stft))))
        mean_trace = np.mean(traces, axis=0)
        reached = np.flatnonzero(mean_trace <= -30.0)
        results[method] = {
            "sc_db_final": float(np.mean(finals)),
            "iterations_to_minus_30_db": int(reached[0]) + 1 if reached.size else None,
        }
    return results


def equal_time(clips_by_encoding: dict, rows: list[dict], methods: list[str]) -> list[dict]:
    """Each method's SC in the wall time of librosa's 100 iterations, per encoding.

    A method's time is modelled as ``a + b * n_iter`` from its 32- and 100-iteration runs above;
    it then runs the iterations that fit the budget, and is timed again.
    """
    print("\nEqual time: the wall time of librosa_fgla's 100 iterations (one thread):")
    found = []
    for encoding, clips in clips_by_encoding.items():
        seconds = {(r["method"], r["n_iter"]): r["sec_per_audio_sec"] * audio_seconds(clips)
                   for r in rows if r["encoding"] == encoding and "budget" not in r
                   and r.get("ratio_to_fft_floor") is None}
        budget = seconds[("librosa_fgla", 100)]
        librosa_sc = next(r["sc_db"] for r in rows if r["encoding"] == encoding
                          and (r["method"], r["n_iter"]) == ("librosa_fgla", 100))
        for method in methods:
            if method == "librosa_fgla":
                continue
            per_iteration = (seconds[(method, 100)] - seconds[(method, 32)]) / 68
            fixed = seconds[(method, 100)] - 100 * per_iteration
            n_iter = max(1, int((budget - fixed) / per_iteration))
            result = run_method(clips, method, n_iter)
            found.append({
                "method": method, "n_iter": n_iter, "encoding": encoding,
                "sc_db": round(result["sc_db"], 2),
                "sec_per_audio_sec": round(result["seconds"] / audio_seconds(clips), 5),
                "speedup_vs_librosa": round(budget / result["seconds"], 2), "workers": 1,
                "budget": "librosa_fgla_100", "budget_seconds": round(budget, 2),
                "gain_over_librosa_db": round(librosa_sc - result["sc_db"], 2),
            })
            print(f"  {encoding:13s} {method:12s} {n_iter:4d} it. {result['sc_db']:7.2f} dB in "
                  f"{result['seconds']:.2f} s (librosa {librosa_sc:.2f} dB in {budget:.2f} s)",
                  flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--full", action="store_true", help="add the tables on pipeline outputs")
    modes.add_argument("--quick", action="store_true", help="add a subset of them (a minute)")
    parser.add_argument("--json", type=Path, help="write the table rows as a JSON list")
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--rounds", type=int, default=5, help="interleaved timing rounds")
    args = parser.parse_args()

    if (args.full or args.quick) and not any((args.data / "images" / "png16").glob("*.*")):
        sys.exit(f"error: no images in {args.data / 'images' / 'png16'}: run `make repro` "
                 "first, or leave out --full / --quick")
    rows, candidates = speed_rows(args.data / "raw", args.rounds, args.full)
    rows += equal_time_rows(args.data / "raw")
    if args.full or args.quick:
        rows += pipeline_rows(args)
    rows = [{"method": "fft_pair", "library": r["library"], "version": r["version"],
             "frames": r["frames"], "workers": r["threads"], "ms_per_iteration": r["ms_per_pair"],
             "ms_min": r["ms_min"], "cpu_per_wall": r["cpu_per_wall"], "rounds": r["rounds"]}
            for r in candidates["rows"]] + rows
    rows += [{"method": "fft_pair", "note": note} for note in candidates["notes"]]
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


def pipeline_rows(args: argparse.Namespace) -> list[dict]:
    """The tables on the pipeline's outputs (--full, --quick)."""
    if args.quick:
        encodings, iterations, limit = ["png16"], [32], 2
        methods = ["librosa_fgla", "fgla", DEFAULT_METHOD]
    else:
        encodings, iterations, limit = ["png16", "jpeg95", "specshow_user"], [32, 100], None
        methods = ["librosa_fgla", "gla", "fgla", "agla", "pghi_gla", "pghi_fgla", "pghi_agla",
                   "admm", "pghi_admm", "raar", "pghi_raar"]

    clips_by_encoding = {e: load(args.data, e, limit) for e in encodings}
    for method in {"pghi", *methods}:  # numba loads its compiled kernels once per process
        run_method(clips_by_encoding[encodings[0]][:1], method, 2)

    rows = []
    header = ("method", "enc", "iter", "SC dB", "s per s", "vs librosa")
    print("{:14s} {:7s} {:>5s} {:>7s} {:>8s} {:>10s}".format(*header))
    for encoding, clips in clips_by_encoding.items():
        seconds = audio_seconds(clips)
        plan = [("pghi", 0)] + [(m, n) for n in iterations for m in methods]
        librosa_time = {}
        for method, n_iter in plan:
            result = run_method(clips, method, n_iter)
            if method == "librosa_fgla":
                librosa_time[n_iter] = result["seconds"]
            reference = librosa_time.get(n_iter)
            row = {
                "method": method, "n_iter": n_iter, "encoding": encoding,
                "sc_db": round(result["sc_db"], 2),
                "sec_per_audio_sec": round(result["seconds"] / seconds, 5),
                "speedup_vs_librosa": round(reference / result["seconds"], 2)
                if reference else None,
                "workers": 1,
            }
            rows.append(row)
            ratio = f"{row['speedup_vs_librosa']:.2f}x" if reference else "-"
            print(f"{method:14s} {encoding:7s} {n_iter:5d} {row['sc_db']:7.2f} "
                  f"{row['sec_per_audio_sec']:8.4f} {ratio:>10s}", flush=True)

    clip = clips_by_encoding["png16"][0]
    clip_seconds = clip["meta"].length / clip["meta"].sr
    print(f"\nOne iteration on one {clip_seconds:.0f} s clip (ms; best of several runs):")
    speed = {}
    for workers in sorted({1, ALL_CORES}):
        speed[workers] = per_iteration_seconds(clip, workers, repeats=3 if args.quick else 5)
        s = speed[workers]
        line = (f"  {workers} thread(s): ours fgla {s['fgla'] * 1e3:.2f}, bare rfft+irfft "
                f"{s['fft_floor'] * 1e3:.2f} (ours/floor {s['fgla'] / s['fft_floor']:.2f}x)")
        if "librosa_fgla" in s:
            line += (f", librosa {s['librosa_fgla'] * 1e3:.2f} "
                     f"(librosa/ours {s['librosa_fgla'] / s['fgla']:.2f}x)")
        print(line)
    one = speed[1]
    for workers, s in speed.items():
        rows.append({
            "method": "fft_floor", "n_iter": 1, "encoding": "png16", "sc_db": None,
            "sec_per_audio_sec": round(s["fft_floor"] / clip_seconds, 6),
            "speedup_vs_librosa": round(one["librosa_fgla"] / s["fft_floor"], 2),
            "workers": workers, "ms_per_iteration": round(s["fft_floor"] * 1e3, 3),
        })
        rows.append({
            "method": "fgla", "n_iter": 100, "encoding": "png16", "sc_db": None,
            "sec_per_audio_sec": round(s["fgla"] / clip_seconds, 6),
            "speedup_vs_librosa": round(one["librosa_fgla"] / s["fgla"], 2),
            "workers": workers, "ms_per_iteration": round(s["fgla"] * 1e3, 3),
            "ratio_to_fft_floor": round(s["fgla"] / s["fft_floor"], 2),
            "note": "one iteration, from 100 iterations on one clip, best of several runs",
        })

    clips = clips_by_encoding["png16"]
    librosa_32 = next(r for r in rows if r["method"] == "librosa_fgla" and r["n_iter"] == 32
                      and r["encoding"] == "png16")
    budget = librosa_32["sec_per_audio_sec"] * audio_seconds(clips)

    def png16_seconds(method: str, n_iter: int) -> float:
        row = next(r for r in rows if (r["method"], r["n_iter"], r["encoding"])
                   == (method, n_iter, "png16"))
        return row["sec_per_audio_sec"] * audio_seconds(clips)

    setup = png16_seconds("pghi", 0)
    per_iteration = (png16_seconds(DEFAULT_METHOD, max(iterations)) - setup) / max(iterations)
    n_equal = max(1, int((budget - setup) / per_iteration))
    equal = run_method(clips, DEFAULT_METHOD, n_equal)
    print(f"\nEqual time ({budget:.2f} s, librosa's 32 iterations, png16): librosa "
          f"{librosa_32['sc_db']:.2f} dB; {DEFAULT_METHOD} with {n_equal} iterations "
          f"{equal['sc_db']:.2f} dB in {equal['seconds']:.2f} s "
          f"({librosa_32['sc_db'] - equal['sc_db']:.2f} dB better)")
    rows.append({
        "method": DEFAULT_METHOD, "n_iter": n_equal, "encoding": "png16",
        "sc_db": round(equal["sc_db"], 2),
        "sec_per_audio_sec": round(equal["seconds"] / audio_seconds(clips), 5),
        "speedup_vs_librosa": round(budget / equal["seconds"], 2), "workers": 1,
        "note": "equal time with librosa_fgla at 32 iterations",
    })

    if not args.quick:
        rows += equal_time(clips_by_encoding, rows, methods)
        print("\n1000 iterations, png16 (SC against the original; iterations to reach -30 dB "
              "consistency; our fgla is librosa's arithmetic):")
        for method, result in convergence(clips, ["gla", "fgla", "agla", "pghi_fgla",
                                                  "pghi_agla"], 1000).items():
            print(f"  {method:10s} {result['sc_db_final']:7.2f} dB, -30 dB after "
                  f"{result['iterations_to_minus_30_db']} iterations")
            rows.append({"method": method, "n_iter": 1000, "encoding": "png16",
                         "sc_db": round(result["sc_db_final"], 2), "sec_per_audio_sec": None,
                         "speedup_vs_librosa": None, "workers": 1,
                         "iterations_to_minus_30_db": result["iterations_to_minus_30_db"]})
    return rows


if __name__ == "__main__":
    main()
