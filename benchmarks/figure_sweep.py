"""The axes finder on 24 varied figures: the plot area and colour bar against matplotlib's boxes.

Random dB levels drawn with `plt.subplots` and `specshow` (sizes 5x5 to 14x6 in, 72 to 300
dpi, no layout engine, `tight_layout` or `layout='constrained'`, a colour bar on 18 of 24,
hz/log/mel axes, five colour maps, titles and an x label on some, PNG and JPEG at
matplotlib's default quality). Per figure:
whether `find_plot_area` found it, the largest error (px) of its box from the spines and of the
colour bar's box against `get_window_extent()` (read after a second draw at the saving dpi),
and of the box after `fit_plot_area` along x and y. JSON on stdout.

    python benchmarks/figure_sweep.py
"""

from __future__ import annotations

import io
import json
import sys

import librosa.display
import matplotlib.pyplot as plt
import numpy as np
from PIL import Image

from specimg.core.spectrum import StftConfig
from specimg.image.figure import find_plot_area
from specimg.image.figure_fit import fit_plot_area
from specimg.image.metadata import ImageMeta

SIZES = [(10, 4), (14, 6), (6, 3), (8, 6), (12, 3), (5, 5)]
DPIS = [72, 100, 120, 150, 200, 300]
AXES = ["hz", "log", "mel"]
CMAPS = ["magma", "gray", "viridis", "gray_r", "inferno"]
LAYOUTS = ["none", "tight", "constrained"]


def error(found, truth) -> float | None:
    return None if found is None else round(float(np.max(np.abs(np.subtract(found, truth)))), 3)


def one(trial: int, rng: np.random.Generator) -> dict:
    size, dpi = SIZES[trial % 6], DPIS[(trial // 6 + trial) % 6]
    y_axis, cmap, layout = AXES[trial % 3], CMAPS[trial % 5], LAYOUTS[trial % 3]
    fmt, n_fft = ("png", "jpg")[trial % 2], 2048 if y_axis == "mel" else 1024
    levels = rng.uniform(-80, 0, (64 if y_axis == "mel" else 513, int(rng.integers(50, 400))))
    figure, axes = plt.subplots(figsize=size,
                                layout="constrained" if layout == "constrained" else None)
    mesh = librosa.display.specshow(levels, sr=22050, hop_length=512, n_fft=n_fft,
                                    x_axis="time", y_axis=y_axis, ax=axes, cmap=cmap)
    bar = figure.colorbar(mesh, ax=axes, format="%+2.0f dB") if trial % 4 else None
    if trial % 2:
        axes.set_title(f"Title {trial}")
    if trial % 5 == 0:
        axes.set(xlabel="Time (s)")
    if layout == "tight":
        figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    figure.set_dpi(dpi)
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]

    def box(of):
        extent = of.get_window_extent()
        return (float(extent.x0), height - float(extent.y1), float(extent.x1),
                height - float(extent.y0))

    truth, bar_truth = box(axes), box(bar.ax) if bar else None
    plt.close(figure)
    pixels = np.asarray(Image.open(buffer).convert("RGB"))
    row = {"size_in": list(size), "dpi": dpi, "y_axis": y_axis, "cmap": cmap, "layout": layout,
           "format": fmt, "colorbar": bar is not None}
    area = find_plot_area(pixels)
    if area is None:
        return {**row, "found": False}
    n_frames = levels.shape[1]
    meta = ImageMeta(StftConfig(22050, n_fft, 512), n_frames=n_frames,
                     length=(n_frames - 1) * 512, peak_db=0.0, top_db=80.0, encoding="foreign",
                     y_axis=y_axis, n_mels=64, cmap=cmap, layout="specshow")
    fitted = np.abs(np.subtract(fit_plot_area(pixels, area, meta).plot, truth))
    return {**row, "found": True, "spines_error_px": error(area.plot, truth),
            "colorbar_found": area.colorbar is not None,
            "colorbar_error_px": None if bar_truth is None else error(area.colorbar, bar_truth),
            "fit_error_x_px": round(float(fitted[[0, 2]].max()), 3),
            "fit_error_y_px": round(float(fitted[[1, 3]].max()), 3)}


def main() -> int:
    rng = np.random.default_rng(5)
    rows = [one(trial, rng) for trial in range(24)]
    print(json.dumps({"figures": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
