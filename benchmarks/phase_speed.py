"""The speed half of benchmarks/phase.py: FFT libraries, one iteration against the bare pair,
and equal time with librosa.griffinlim, on clips cut from data/raw (no pipeline outputs needed).

Clips: the first 10 s of every recording in data/raw (12) and, for 60 s, the music recordings
joined in name order (data/raw holds none of 60 s), resampled to 22050 Hz, STFT n_fft 2048,
hop 512 (the study's defaults).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import librosa
import numpy as np
from fft_pairs import make_pair, print_pairs, time_pairs

from specimg.core.audio import load_audio
from specimg.core.spectrum import StftConfig, stft
from specimg.image.codec import encode_magnitude
from specimg.inversion import image_to_magnitude
from specimg.phase import DEFAULT_METHOD, reconstruct
from specimg.phase.fft import simd_profile
from specimg.phase.gla import griffin_lim
from specimg.study.metrics import spectral_convergence_db
from specimg.util.parallel import available_cores

CONFIG = StftConfig(sr=22050, n_fft=2048, hop_length=512)


def raw_clips(raw: Path, seconds: float, kinds: tuple[str, ...] = ("",),
              joined: bool = False) -> list[dict]:
    """The first ``seconds`` of each recording in ``raw`` whose name starts with one of
    ``kinds`` and is that long, or (``joined``) of those recordings one after another: true
    magnitude and phase, and the png16 picture's decoded magnitude."""
    length = int(seconds * CONFIG.sr)
    signals = [(path.stem, load_audio(path, CONFIG.sr)) for path in sorted(raw.glob("*.*"))
               if path.suffix not in (".md", ".csv") and path.name.startswith(kinds)]
    if joined:
        signals = [("+".join(name for name, _ in signals),
                    np.concatenate([y for _, y in signals]))]
    clips = []
    for name, y in signals:
        if len(y) < length:
            continue
        D = stft(y[:length], CONFIG)
        S_true = np.abs(D)
        picture = encode_magnitude(S_true, CONFIG, length=length, top_db=80.0, encoding="png16")
        S, meta = image_to_magnitude(picture, f"{name}.png")
        clips.append({"name": name, "S": S, "S_original": S_true, "phase": np.angle(D),
                      "meta": meta, "y": y[:length]})
    return clips


def iteration_times(clip: dict, threads: list[int], rounds: int, n: int = 40) -> dict:
    """Median ms of one fgla iteration (ours: ``n`` iterations less a 0-iteration run), of the
    bare scipy.fft and ducc0 pairs over the same frames (in this process: ducc0 at the level
    specimg uses), and of one ``librosa.griffinlim`` iteration (one thread), rounds interleaved."""
    meta, S = clip["meta"], clip["S"]
    frames = np.random.default_rng(0).standard_normal((S.shape[1], CONFIG.n_fft))
    frames = frames.astype(np.float32)
    pairs = {(name, t): make_pair(name, frames, t) for name in ("scipy.fft", "ducc0")
             for t in threads}
    samples: dict[str, list[float]] = {}

    def ours(workers: int) -> float:
        start = time.perf_counter()
        griffin_lim(S, CONFIG, length=meta.length, n_iter=n, workers=workers)
        middle = time.perf_counter()
        griffin_lim(S, CONFIG, length=meta.length, n_iter=0, workers=workers)
        return ((middle - start) - (time.perf_counter() - middle)) / n

    def pair(function) -> float:
        start = time.perf_counter()
        for _ in range(n):
            function()
        return (time.perf_counter() - start) / n

    def librosa_iteration() -> float:
        start = time.perf_counter()
        librosa.griffinlim(S, n_iter=n // 4, hop_length=CONFIG.hop_length, length=meta.length,
                           random_state=0)
        return (time.perf_counter() - start) / (n // 4)

    ours(1)
    for _ in range(rounds):
        for t in threads:
            samples.setdefault(f"fgla {t}", []).append(ours(t))
            for name in ("scipy.fft", "ducc0"):
                samples.setdefault(f"{name} {t}", []).append(pair(pairs[(name, t)]))
        samples.setdefault("librosa 1", []).append(librosa_iteration())
    return {key: statistics.median(values) * 1e3 for key, values in samples.items()}


def speed_rows(raw: Path, rounds: int, full: bool) -> tuple[list[dict], dict]:
    """FFT candidates, then one iteration on a 10 s and a 60 s clip, 1 thread and all cores."""
    threads = sorted({1, available_cores()})
    print(f"Bare rfft + irfft pairs, float32, 2048-point frames (ducc0 in specimg: "
          f"{simd_profile()}):")
    candidates = time_pairs([431, 2584], threads, rounds)
    print_pairs(candidates)
    rows = []
    clips = {10: raw_clips(raw, 10.0, ("music",))[-1:],
             60: raw_clips(raw, 60.0, ("music",), joined=True)}
    print("\nOne iteration (ms, median of rounds; fgla: ours on ducc0, fused passes):")
    for seconds, found in clips.items():
        if not found:
            print(f"  no recording of {seconds} s in {raw}: skipped")
            continue
        clip = found[0]
        times = iteration_times(clip, threads, rounds if seconds == 10 or full else 3)
        for t in threads:
            fastest = min(r["ms_per_pair"] for r in candidates["rows"]
                          if r["threads"] == t and r["frames"] == clip["S"].shape[1]) \
                if clip["S"].shape[1] in (431, 2584) else None
            floor = min(times[f"ducc0 {t}"], times[f"scipy.fft {t}"])
            row = {"method": "fgla", "n_iter": 1, "encoding": "png16", "sc_db": None,
                   "clip": clip["name"], "clip_seconds": seconds, "workers": t,
                   "ms_per_iteration": round(times[f"fgla {t}"], 3),
                   "ms_scipy_pair": round(times[f"scipy.fft {t}"], 3),
                   "ms_ducc0_pair": round(times[f"ducc0 {t}"], 3),
                   "ratio_to_fft_floor": round(times[f"fgla {t}"] / floor, 2),
                   "ratio_to_fastest_candidate": round(times[f"fgla {t}"] / fastest, 2)
                   if fastest else None,
                   "speedup_vs_librosa": round(times["librosa 1"] / times[f"fgla {t}"], 2),
                   "ms_librosa_iteration": round(times["librosa 1"], 3)}
            rows.append(row)
            print(f"  {seconds:2d} s, {t} thread(s): fgla {row['ms_per_iteration']:.2f}; bare "
                  f"pair ducc0 {row['ms_ducc0_pair']:.2f}, scipy {row['ms_scipy_pair']:.2f} "
                  f"(ours / faster pair {row['ratio_to_fft_floor']:.2f}x, / fastest candidate "
                  f"{row['ratio_to_fastest_candidate']}x); librosa (1 thread) "
                  f"{row['ms_librosa_iteration']:.2f}", flush=True)
    return rows, candidates


def equal_time_rows(raw: Path) -> list[dict]:
    """Our default method in the wall time of ``librosa.griffinlim``'s 100 iterations, one
    thread, on the 10 s clips (png16 pictures decoded as the pipeline does)."""
    clips = raw_clips(raw, 10.0)
    budget, librosa_scores = 0.0, []
    for clip in clips:
        start = time.perf_counter()
        y = librosa.griffinlim(clip["S"], n_iter=100, hop_length=CONFIG.hop_length,
                               length=clip["meta"].length, random_state=0)
        budget += time.perf_counter() - start
        librosa_scores.append(spectral_convergence_db(clip["S_original"], np.abs(stft(y, CONFIG))))

    def run(n_iter: int) -> tuple[float, float]:
        elapsed, scores = 0.0, []
        for clip in clips:
            start = time.perf_counter()
            y = reconstruct(clip["S"], CONFIG, DEFAULT_METHOD, length=clip["meta"].length,
                            n_iter=n_iter, workers=1)
            elapsed += time.perf_counter() - start
            scores.append(spectral_convergence_db(clip["S_original"], np.abs(stft(y, CONFIG))))
        return elapsed, float(np.mean(scores))

    run(2)
    low, high = run(50)[0], run(150)[0]
    per_iteration = (high - low) / 100
    n_iter = max(1, int((budget - (low - 50 * per_iteration)) / per_iteration))
    seconds, score = run(n_iter)
    if seconds > 1.1 * budget:  # the fit missed (a loaded machine): scale once and rerun
        n_iter = max(1, int(n_iter * budget / seconds))
        seconds, score = run(n_iter)
    at_100 = run(100)
    audio = len(clips) * 10.0
    librosa_sc = float(np.mean(librosa_scores))
    print(f"\nEqual time, {len(clips)} clips of 10 s, png16, one thread: librosa.griffinlim 100 "
          f"it. {librosa_sc:.2f} dB in {budget:.2f} s; {DEFAULT_METHOD} 100 it. {at_100[1]:.2f} "
          f"dB in {at_100[0]:.2f} s; {DEFAULT_METHOD} {n_iter} it. {score:.2f} dB in "
          f"{seconds:.2f} s")
    common = {"encoding": "png16", "workers": 1, "clips": len(clips)}
    return [
        {"method": "librosa_fgla", "n_iter": 100, "sc_db": round(librosa_sc, 2),
         "sec_per_audio_sec": round(budget / audio, 5), "speedup_vs_librosa": 1.0, **common},
        {"method": DEFAULT_METHOD, "n_iter": 100, "sc_db": round(at_100[1], 2),
         "sec_per_audio_sec": round(at_100[0] / audio, 5),
         "speedup_vs_librosa": round(budget / at_100[0], 2), **common},
        {"method": DEFAULT_METHOD, "n_iter": n_iter, "sc_db": round(score, 2),
         "sec_per_audio_sec": round(seconds / audio, 5),
         "speedup_vs_librosa": round(budget / seconds, 2), "budget": "librosa_fgla_100",
         "budget_seconds": round(budget, 2),
         "gain_over_librosa_db": round(librosa_sc - score, 2), **common},
    ]
