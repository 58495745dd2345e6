"""Mel pictures of image models of audio, inverted with their bands enforced in the iterations.

Pictures in audio-diffusion's format, made from the first seconds of each of the study's
recordings (data/raw/, 22050 Hz mono): `melspectrogram` of a 2048/512 Hann STFT (power 2,
Slaney mel bands and norm, 0 Hz to sr/2), `((power_to_db(M, ref=np.max, top_db=80) + 80) * 255
/ 80).clip(0, 255) + 0.5` to uint8, decoded back with `level * 80 / 255 - 80` dB re the peak
(no loudness). Sizes: 256 bands x 256 frames (5.9 s, audio-diffusion's own) and, with
`--sizes 256 512`, 512 x 512 (11.9 s, or the clip's length if shorter).

Per picture, all in this one run, one thread each (SC: spectral convergence on one reference
STFT, n_fft 2048, hop 512, every bin up to the bands' top, against the original clip, after the
best single gain; dB, lower is better; seconds: wall time from decoded mel power to signal):

- `own_inverse`: the format's own inverse, `librosa.feature.inverse.mel_to_audio(M, n_iter=32)`
  written out as its two calls (`mel_to_stft`, then `griffinlim` with momentum 0.99 and a
  random start), so that the random start can be seeded (`random_state=0`);
- `two_step`: specimg's path for other methods: its own least-squares magnitudes
  (`specimg.core.mel.mel_to_magnitude`, a projected-gradient fit), then `pghi_raar`, 100
  iterations;
- `start_then_raar`: the two-step path from mel_gla's start instead (`fit_mel_bands` from a flat
  spectrum, fixed, then `pghi_raar` 100): what the start alone brings;
- `mel_gla_<n>`: `specimg.phase.reconstruct(M, ..., "mel_gla", filters=...)` at n iterations,
  and `mel_gla_100_blend_0`: the same without the start's share in the targets (`blend=0`);
- true-phase floors (no seconds): `true_phase_least_squares` (specimg's least-squares
  magnitudes with the clip's phase), `true_phase_start` (mel_gla's start, `fit_mel_bands`
  from a flat spectrum, with the clip's phase), `true_phase_best` (the clip's own magnitudes
  refitted to the picture's bands by 100 multiplicative steps, `fit_mel_bands(start=|S|)`: the
  linear magnitude consistent with the bands nearest the truth that this fit reaches, with the
  clip's phase).

    python benchmarks/mel_phase.py [--clips N] [--sizes 256 512] [--json benchmarks/mel-phase.json]

Prints the JSON (per clip, means by kind and overall); `--clips N` takes the first N recordings
by name, the kinds in turn.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one core, and stable matmul bits

import argparse
import csv
import itertools
import json
import time
from pathlib import Path

import librosa
import numpy as np

from specimg.core.audio import load_audio
from specimg.core.mel import mel_to_magnitude
from specimg.core.spectrum import StftConfig, stft
from specimg.image.metadata import ImageMeta
from specimg.phase import reconstruct
from specimg.phase.mel import BLEND, fit_mel_bands, mel_filter_bank, mel_griffin_lim
from specimg.util.fileio import write_atomic

RAW = Path("data/raw")
CONFIG = StftConfig(sr=22050, n_fft=2048, hop_length=512)
MEL_ITERATIONS = (32, 100, 300)
TIMED = ("own_inverse", "two_step", "start_then_raar", "mel_gla_100_blend_0",
         *(f"mel_gla_{n}" for n in MEL_ITERATIONS))
FLOORS = ("true_phase_least_squares", "true_phase_start", "true_phase_best")


def picture(y: np.ndarray, meta: ImageMeta) -> tuple[np.ndarray, np.ndarray]:
    """The clip's STFT and its 8-bit picture decoded to mel power (relative to the peak)."""
    D = stft(y, CONFIG)
    bands = mel_filter_bank(meta) @ np.abs(D) ** 2
    db = librosa.power_to_db(bands, ref=np.max, top_db=80)
    levels = (((db + 80) * 255 / 80).clip(0, 255) + 0.5).astype(np.uint8)
    return D, librosa.db_to_power(levels.astype(np.float32) * 80 / 255 - 80).astype(np.float32)


def sc_db(S: np.ndarray, y: np.ndarray, top: int) -> float:
    """SC of ``y`` against ``S`` on bins ``0 .. top - 1``, after the best single gain."""
    E, R = np.abs(stft(y.astype(np.float32), CONFIG))[:top], S[:top]
    gain = np.sum(E * R) / np.sum(E * E)
    return float(20 * np.log10(np.linalg.norm(gain * E - R) / np.linalg.norm(R)))


def with_phase(A: np.ndarray, phase: np.ndarray, length: int) -> np.ndarray:
    return reconstruct(A, CONFIG, "oracle", length=length, true_phase=phase, workers=1)


def timed(function, *args, **kwargs) -> tuple[np.ndarray, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def score_clip(y: np.ndarray, n_mels: int) -> dict:
    length = len(y)
    meta = ImageMeta(CONFIG, n_frames=CONFIG.n_frames(length), length=length, peak_db=0.0,
                     top_db=80.0, y_axis="mel", n_mels=n_mels)
    filters = mel_filter_bank(meta)
    top = int(np.flatnonzero(filters.sum(0) > 0).max()) + 1
    D, M = picture(y, meta)
    S, phase = np.abs(D), np.angle(D)
    own_fit, own_fit_s = timed(librosa.feature.inverse.mel_to_stft, M, sr=CONFIG.sr,
                               n_fft=CONFIG.n_fft, power=2.0)
    fitted, fit_s = timed(mel_to_magnitude, M, CONFIG)
    runs = {
        "own_inverse": timed(librosa.griffinlim, own_fit, n_iter=32,
                             hop_length=CONFIG.hop_length, n_fft=CONFIG.n_fft, length=length,
                             momentum=0.99, init="random", random_state=0),
        "two_step": timed(reconstruct, fitted, CONFIG, "pghi_raar", length=length, n_iter=100,
                          workers=1),
    }
    start, start_s = timed(fit_mel_bands, M, filters)
    signal, seconds = timed(reconstruct, start, CONFIG, "pghi_raar", length=length, n_iter=100,
                            workers=1)
    runs["start_then_raar"] = signal, start_s + seconds
    runs["mel_gla_100_blend_0"] = timed(mel_griffin_lim, M, filters, CONFIG, length=length,
                                        n_iter=100, blend=0.0, workers=1)
    for n in MEL_ITERATIONS:
        runs[f"mel_gla_{n}"] = timed(reconstruct, M, CONFIG, "mel_gla", length=length,
                                     n_iter=n, filters=filters, workers=1)
    row = {name: {"sc_db": sc_db(S, signal, top),
                  "seconds": seconds + {"own_inverse": own_fit_s, "two_step": fit_s}.get(name, 0.0)}
           for name, (signal, seconds) in runs.items()}
    scale = np.sqrt(np.sum(M) / np.sum(filters @ S**2))  # the truth on the picture's scale
    floors = {"true_phase_least_squares": fitted, "true_phase_start": start,
              "true_phase_best": fit_mel_bands(M, filters, start=scale * S, steps=100)}
    for name, A in floors.items():
        row[name] = {"sc_db": sc_db(S, with_phase(A, phase, length), top)}
    return row


def means(rows: list[dict]) -> dict:
    return {name: {key: float(np.mean([row[name][key] for row in rows]))
                   for key in rows[0][name]} for name in rows[0]}


def summary(clips: dict, kinds: dict) -> dict:
    by_kind = {kind: means([clips[c] for c in clips if kinds[c] == kind])
               for kind in sorted(set(kinds[c] for c in clips))}
    overall = means(list(clips.values()))
    own = overall["own_inverse"]
    gains = {name: {"sc_gain_over_own_db": own["sc_db"] - overall[name]["sc_db"],
                    "time_ratio_to_own": overall[name]["seconds"] / own["seconds"]}
             for name in TIMED}
    return {"by_kind": by_kind, "overall": overall, "against_own_inverse": gains}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=12,
                        help="first N recordings, taking the kinds in turn")
    parser.add_argument("--sizes", type=int, nargs="+", default=[256], choices=(256, 512))
    parser.add_argument("--json", type=Path, help="also write the JSON here")
    args = parser.parse_args()
    with open(RAW / "SOURCES.csv", newline="") as handle:
        kinds = {Path(row["file"]).stem: row["kind"] for row in csv.DictReader(handle)}
    files = sorted(RAW / f"{stem}{suffix}" for stem in kinds
                   for suffix in (".ogg", ".wav", ".flac") if (RAW / f"{stem}{suffix}").exists())
    by_kind = [[f for f in files if kinds[f.stem] == kind] for kind in sorted(set(kinds.values()))]
    files = [f for group in itertools.zip_longest(*by_kind) for f in group if f][: args.clips]
    report = {"config": {**CONFIG.as_dict(), "mel_iterations": list(MEL_ITERATIONS),
                         "threads": 1, "blend": BLEND, "two_step": "least squares + pghi_raar 100",
                         "own_inverse": "mel_to_stft + griffinlim 32, momentum 0.99, random"}}
    score_clip(load_audio(files[0], CONFIG.sr)[: CONFIG.sr], 256)  # compiled before timing
    for size in args.sizes:
        clips = {}
        for path in files:
            y = load_audio(path, CONFIG.sr)[: size * CONFIG.hop_length - 1]
            clips[path.stem] = {"kind": kinds[path.stem], **score_clip(y, size)}
        scored = {c: {k: v for k, v in row.items() if k != "kind"} for c, row in clips.items()}
        report[f"{size}x{size}"] = {"clips": clips, **summary(scored, kinds)}
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        write_atomic(args.json, (text + "\n").encode())


if __name__ == "__main__":
    main()
