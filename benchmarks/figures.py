"""Figures with axes (what a notebook saves), inverted from their plot area, beside references.

Each clip (10 s from data/raw, 2 music, 2 speech, resampled to 22050 Hz) is drawn as users draw
it: `plt.figure(figsize=...)`, `specshow(D_db, sr=sr, hop_length=512, x_axis='time',
y_axis=..., ax=ax, cmap=...)` (`D_db`: `amplitude_to_db(|stft|, ref=np.max)`, or for mel
`power_to_db(melspectrogram, ref=np.max)`), `plt.colorbar(img, format='%+2.0f dB')` where the
kind has one, a title, `tight_layout()` where the kind says, `savefig(dpi=...)` as PNG or JPEG
(matplotlib's default quality 75). Every SC (dB, lower is better) is against the clip's STFT
magnitude after the best single gain (the pictures carry no loudness), all measured in this run:

- `figure`: specimg's figure path: `find_plot_area`, `fit_plot_area`, the plot area's cells read
  with the figure's own geometry, the exact parameters given (as the flags would);
- `figure_spines_only`: the same without the sub-pixel fit (the box from the frame lines alone);
- `frameless`: the same spectrogram drawn frameless (axis off) at the plot area's pixel size,
  same format, decoded as specimg decodes frameless pictures: what the figure path aims at;
- `naive_crop`: the plot area cut out at matplotlib's own box rounded to whole pixels (the exact
  box, which a user could only guess) and decoded as a frameless picture with the exact flags;
- `figure_cli`: `specimg invert FIGURE -o OUT --n-iter N_ITER` with no other flag: every
  parameter from the figure's labels (time axis, frequency axis, colour bar); a figure whose
  labels do not give them all is refused (the line it printed is recorded); end to end only;
- `find_seconds`, `fit_seconds`: wall time of `find_plot_area` and `fit_plot_area` (one core
  shared with other work: noisy);
- for each: `decoded` (the magnitude read from the picture), `true_phase` (that magnitude with the
  clip's true phase: the floor) and `end_to_end` (specimg's default phase method for the
  picture, N_ITER iterations, seed 0).

    python benchmarks/figures.py [--n-iter 100] [--json benchmarks/figures.json]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import librosa
import librosa.display
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from specimg.cli import main as cli_main
from specimg.core.audio import load_audio
from specimg.core.spectrum import StftConfig
from specimg.image.drawing import _exact_figsize, specshow_figure
from specimg.image.figure import find_plot_area
from specimg.image.figure_fit import fit_plot_area
from specimg.image.metadata import ImageMeta
from specimg.inversion import image_to_magnitude, invert_image
from specimg.study.metrics import spectral_convergence_db

SR, HOP, N_FFT, SECONDS = 22050, 512, 2048, 10.0
CONFIG = StftConfig(SR, N_FFT, HOP)
CLIPS = ["music_mainzik.ogg", "music_wesnoth-minstrels.ogg", "speech_fr-conf-usermenu.wav",
         "speech_ru-demo-congrats.wav"]
#: name: figsize (in), dpi, y_axis, cmap, colour bar, tight_layout, format
KINDS = {
    "10x4@100 hz gray colorbar png": ((10, 4), 100, "hz", "gray", True, False, "png"),
    "14x6@200 hz magma colorbar tight png": ((14, 6), 200, "hz", "magma", True, True, "png"),
    "10x4@100 mel magma colorbar tight jpg": ((10, 4), 100, "mel", "magma", True, True, "jpg"),
    "6x3@150 log gray jpg": ((6, 3), 150, "log", "gray", False, False, "jpg"),
}


def user_figure(D: np.ndarray, kind: tuple) -> tuple[bytes, tuple[float, ...]]:
    """The figure's file and matplotlib's plot area box (left, top, right, bottom; px)."""
    figsize, dpi, y_axis, cmap, colorbar, tight, fmt = kind
    figure = plt.figure(figsize=figsize)
    axes = figure.gca()
    mesh = librosa.display.specshow(D, sr=SR, hop_length=HOP, x_axis="time", y_axis=y_axis,
                                    ax=axes, cmap=cmap)
    if colorbar:
        figure.colorbar(mesh, format="%+2.0f dB")
    axes.set_title("Spectrogram")
    if tight:
        figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    figure.set_dpi(dpi)
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]
    box = axes.get_window_extent()  # a lazy box: read it before closing resets the dpi
    truth = (float(box.x0), height - float(box.y1), float(box.x1), height - float(box.y0))
    plt.close(figure)
    return buffer.getvalue(), truth


def frameless(D: np.ndarray, meta: ImageMeta, size: tuple[int, int], fmt: str) -> bytes:
    figure = specshow_figure(D, meta, _exact_figsize(*size, 100), 100, cmap=meta.cmap)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=100)
    return buffer.getvalue()


def naive_crop(data: bytes, box: tuple[float, ...]) -> bytes:
    left, top, right, bottom = (round(value) for value in box)
    buffer = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGB").crop((left, top, right, bottom)).save(
        buffer, format="PNG")
    return buffer.getvalue()


def sc_after_gain(S: np.ndarray, estimate: np.ndarray) -> float:
    estimate = estimate[:, : S.shape[1]]
    gain = float(np.sum(S * estimate) / max(np.sum(estimate * estimate), 1e-30))
    return round(spectral_convergence_db(S, gain * estimate), 2)


def magnitude_of(y: np.ndarray) -> np.ndarray:
    return np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP))


def scores(data: bytes, meta: ImageMeta, y: np.ndarray, S: np.ndarray, phase: np.ndarray,
           n_iter: int, plot=None) -> dict:
    S_hat, _ = image_to_magnitude(data, fallback=meta, plot=plot)
    floor = librosa.istft(S_hat * np.exp(1j * phase), hop_length=HOP, length=len(y))
    result = invert_image(data, fallback=meta, plot=plot, n_iter=n_iter, random_state=0)
    return {"decoded": sc_after_gain(S, S_hat), "true_phase": sc_after_gain(S, magnitude_of(floor)),
            "end_to_end": sc_after_gain(S, magnitude_of(result.y))}


def cli_scores(data: bytes, fmt: str, S: np.ndarray, n_iter: int) -> dict:
    """``specimg invert`` on the figure with no flags but ``--n-iter``."""
    with tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / f"figure.{fmt}"
        picture.write_bytes(data)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = cli_main(["invert", str(picture), "-o", folder, "--n-iter", str(n_iter)])
        if status != 0:
            failed = [line for line in printed.getvalue().splitlines() if "failed:" in line]
            return {"refused": failed[0].split(": ", 2)[-1] if failed else printed.getvalue()}
        y, _ = librosa.load(Path(folder) / "figure.wav", sr=SR)
    return {"end_to_end": sc_after_gain(S, magnitude_of(y))}


def measure(y: np.ndarray, kind: tuple, n_iter: int) -> dict:
    _, _, y_axis, cmap, _, _, fmt = kind
    stft = librosa.stft(y, n_fft=N_FFT, hop_length=HOP)
    S = np.abs(stft)
    if y_axis == "mel":
        D = librosa.power_to_db(librosa.feature.melspectrogram(S=S**2, sr=SR), ref=np.max)
    else:
        D = librosa.amplitude_to_db(S, ref=np.max)
    meta = ImageMeta(CONFIG, n_frames=S.shape[1], length=len(y), peak_db=0.0,
                     top_db=float(D.max() - D.min()), encoding="foreign", cmap=cmap,
                     y_axis=y_axis, layout="specshow")
    data, truth = user_figure(D, kind)
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    start = time.perf_counter()
    area = find_plot_area(pixels)
    found = time.perf_counter()
    row = {"plot_area_px": [round(value, 3) for value in truth],
           "pixels": list(pixels.shape[1::-1]), "find_seconds": round(found - start, 3)}
    if area is None:
        return {**row, "found": False}
    fitted = fit_plot_area(pixels, area, meta)
    row["fit_seconds"] = round(time.perf_counter() - found, 3)
    row["spines_error_px"] = round(float(np.max(np.abs(np.subtract(area.plot, truth)))), 3)
    row["fit_error_px"] = round(float(np.max(np.abs(np.subtract(fitted.plot, truth)))), 3)
    size = (round(truth[2] - truth[0]), round(truth[3] - truth[1]))
    phase = np.angle(stft)
    row["figure"] = scores(data, meta, y, S, phase, n_iter, fitted)
    row["figure_spines_only"] = scores(data, meta, y, S, phase, n_iter, area)
    row["frameless"] = scores(frameless(D, meta, size, fmt), meta, y, S, phase, n_iter)
    row["naive_crop"] = scores(naive_crop(data, truth), meta, y, S, phase, n_iter)
    row["figure_cli"] = cli_scores(data, fmt, S, n_iter)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-iter", type=int, default=100)
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    clips = {name: load_audio(args.raw / name, SR)[: int(SECONDS * SR)] for name in CLIPS}
    results = {"n_iter": args.n_iter, "clips": CLIPS, "kinds": {}}
    for name, kind in KINDS.items():
        rows = {clip: measure(y, kind, args.n_iter) for clip, y in clips.items()}
        summary = {}
        for recipe in ("figure", "figure_spines_only", "frameless", "naive_crop", "figure_cli"):
            for measure_name in ("decoded", "true_phase", "end_to_end"):
                for group in ("music", "speech"):
                    values = [row[recipe][measure_name] for clip, row in rows.items()
                              if clip.startswith(group) and measure_name in row.get(recipe, {})]
                    if values:
                        summary[f"{recipe}.{measure_name}.{group}"] = round(
                            statistics.mean(values), 2)
        results["kinds"][name] = {"mean": summary, "clips": rows}
        print(name, json.dumps(summary), file=sys.stderr)
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
