"""Riffusion's and audio-diffusion's pictures inverted by specimg, beside each format's own
inverse and the true-phase floor, on real recordings.

Clips: the first 3 music, 3 speech and 2 environmental recordings of data/raw (by name), mono,
loaded at each format's rate (soxr HQ), from their start, one picture of the format's model
size each: Riffusion 512 frames (511 * 441 samples at 44.1 kHz, 5.11 s), audio-diffusion 256
frames (256 * 512 - 1 samples at 22.05 kHz, its slice, 5.94 s). Pictures are drawn by
`specimg.image.preset_pictures` as the formats' code draws them. Per picture:

- `specimg`: `inversion.invert_image` with its defaults (`pghi_raar`, 100 iterations; the
  Riffusion picture's parameters from its EXIF tags, audio-diffusion's from
  `preset_meta("audio-diffusion", 256, 256)`), one thread;
- `own`: the format's own inverse. audio-diffusion: levels to dB, `db_to_power`, then
  `librosa.feature.inverse.mel_to_audio(..., n_iter=32)` written out as its two steps
  (`mel_to_stft`, then `griffinlim` with `random_state=0`, which `mel_to_audio` does not pass
  on). Riffusion: `spectrogram_from_image`'s levels, least squares to linear bins then relu
  (torchaudio >= 2.1 `InverseMelScale`), `librosa.griffinlim` 32 iterations, momentum 0.99,
  random init (`random_state=0`);
- `true_phase`: specimg's decoded magnitudes with the original's phase (the floor a phase
  method can approach).

Score: SC (dB, lower is better) of each output's |STFT| against the original clip's, on one
reference STFT (n_fft 2048, hop 512 at the format's rate, bins up to the format's top
frequency: 10 kHz, 11.025 kHz), after the best single gain (the formats keep no loudness);
wall seconds per picture. Means by kind of sound and overall.

    python benchmarks/formats.py [--json benchmarks/formats.json]
"""

from __future__ import annotations

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import librosa  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402
from user_pictures import sc_after_gain  # noqa: E402

from specimg.core.audio import load_audio  # noqa: E402
from specimg.core.spectrum import stft  # noqa: E402
from specimg.image.preset_pictures import (  # noqa: E402
    audio_diffusion_own_inverse,
    audio_diffusion_picture,
    riffusion_own_inverse,
    riffusion_picture,
)
from specimg.image.presets import AUDIO_DIFFUSION, INT16_SCALE, RIFFUSION, preset_meta  # noqa: E402
from specimg.inversion import image_to_magnitude, invert_image  # noqa: E402
from specimg.phase import reconstruct  # noqa: E402

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
KINDS = {"music": 3, "speech": 3, "environmental": 2}
N_FFT, HOP = 2048, 512
VARIANTS = ("specimg", "own", "true_phase")


def clips() -> list[Path]:
    files = sorted(p for p in RAW.iterdir() if p.suffix in (".wav", ".ogg", ".flac"))
    return [p for kind, count in KINDS.items()
            for p in [f for f in files if f.name.startswith(kind + "_")][:count]]


def riffusion_own(png: bytes, length: int) -> np.ndarray:
    """Riffusion's inverse, on its 16-bit scale (the best gain is fitted anyway)."""
    return riffusion_own_inverse(png, length) * INT16_SCALE


def audio_diffusion_own(png: bytes, length: int) -> np.ndarray:
    """audio-diffusion's ``Mel.image_to_audio``, seeded."""
    return audio_diffusion_own_inverse(png, length)


FORMATS = {
    "riffusion": (RIFFUSION.sample_rate, (RIFFUSION.size - 1) * RIFFUSION.stft.hop_length,
                  RIFFUSION.fmax, riffusion_picture, riffusion_own),
    "audio-diffusion": (AUDIO_DIFFUSION.sample_rate,
                        AUDIO_DIFFUSION.size * AUDIO_DIFFUSION.hop_length - 1,
                        AUDIO_DIFFUSION.sample_rate / 2, audio_diffusion_picture,
                        audio_diffusion_own),
}


def score_format(name: str, path: Path) -> dict:
    sr, length, top_hz, draw, own_inverse = FORMATS[name]
    y = load_audio(path, sr)[:length]
    kept = int(top_hz / sr * N_FFT) + 1

    def sc(z: np.ndarray) -> float:
        reference = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))[:kept]
        return round(sc_after_gain(reference, np.abs(librosa.stft(
            np.asarray(z[: len(y)], np.float32), n_fft=N_FFT, hop_length=HOP))[:kept]), 2)

    png = draw(y, sr)
    fallback = preset_meta(name, *Image.open(io.BytesIO(png)).size) if name != "riffusion" \
        else None
    row = {"clip": path.name, "kind": path.name.split("_")[0], "width": Image.open(
        io.BytesIO(png)).size[0]}
    start = time.perf_counter()
    ours = invert_image(png, fallback=fallback, workers=1).y
    row["specimg_seconds"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    theirs = own_inverse(png, len(y))
    row["own_seconds"] = round(time.perf_counter() - start, 2)
    S, meta = image_to_magnitude(png, fallback=fallback)
    truth = np.angle(stft(y, meta.stft))[:, : S.shape[1]]
    floor = reconstruct(S, meta.stft, "oracle", length=meta.length, true_phase=truth, workers=1)
    row.update(specimg_sc_db=sc(ours), own_sc_db=sc(theirs), true_phase_sc_db=sc(floor))
    return row


def means(rows: list[dict]) -> dict:
    groups = {kind: [r for r in rows if r["kind"] == kind] for kind in KINDS}
    groups["all"] = rows
    keys = [f"{v}_sc_db" for v in VARIANTS] + ["specimg_seconds", "own_seconds"]
    return {kind: {key: round(statistics.mean(r[key] for r in group), 2) for key in keys}
            for kind, group in groups.items() if group}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    started = time.perf_counter()
    results = {}
    for name in FORMATS:
        rows = [score_format(name, path) for path in clips()]
        results[name] = {"clips": rows, "means": means(rows)}
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
