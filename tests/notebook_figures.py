"""Spectrogram figures drawn the notebook way, with the truth matplotlib knows about them.

Shared by tests/test_figure_text.py and benchmarks/figure_text.py: the plot area and colour bar
boxes come from ``get_window_extent()`` and the tick positions from the axes' transforms, so
the label reader is tested without the axes finder.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Figure:
    """A saved figure and what matplotlib says it shows."""

    rgb: np.ndarray
    plot: tuple[float, float, float, float]
    colorbar: tuple[float, float, float, float] | None
    x_ticks: list[float]
    y_ticks: list[float]
    colorbar_ticks: list[float]
    duration_s: float
    fmin_hz: float
    fmax_hz: float
    top_db: float | None
    x_labels: list[str]
    y_labels: list[str]
    colorbar_labels: list[str]
    cmap: str


def draw(
    *,
    seconds: float = 10.0,
    y_axis: str = "hz",
    size: tuple[float, float] = (10, 4),
    dpi: int = 100,
    fmt: str = "png",
    cmap: str | None = None,
    sr: int = 22050,
    colorbar_format: str | None = "%+2.0f dB",
    colorbar: bool = True,
    tight: bool = True,
    title: str = "Power spectrogram",
) -> Figure:
    """Draw random dB levels (-80 to 0 dB) with ``librosa.display.specshow`` and save them.

    A coarse grid (hop 2048, 129 bins or 64 mel bands) keeps drawing fast; the labels do not
    depend on it.
    """
    import matplotlib

    matplotlib.use("Agg")
    import librosa.display
    import matplotlib.pyplot as plt

    hop = 2048
    n_frames = int(seconds * sr / hop) + 1
    rows = 64 if y_axis == "mel" else 129
    levels = np.random.default_rng(0).uniform(-80, 0, (rows, n_frames))
    levels[0, :2] = (-80, 0)
    fig = plt.figure(figsize=size, dpi=dpi)
    image = librosa.display.specshow(
        levels, sr=sr, hop_length=hop, x_axis="time", y_axis=y_axis, cmap=cmap
    )
    bar = None
    if colorbar:
        options = {"format": colorbar_format} if colorbar_format else {}
        bar = plt.colorbar(image, **options)
    plt.title(title)
    if tight:
        plt.tight_layout()
    fig.canvas.draw()
    ax = fig.axes[0]
    height = fig.canvas.get_width_height()[1]

    def box(axes):
        extent = axes.get_window_extent()
        return (extent.x0, height - extent.y1, extent.x1, height - extent.y0)

    def ticks(axes, axis):
        lo, hi = sorted(axes.get_xlim() if axis == "x" else axes.get_ylim())
        labels = axes.get_xticklabels() if axis == "x" else axes.get_yticklabels()
        out, texts = [], []
        for value, label in zip(
            axes.get_xticks() if axis == "x" else axes.get_yticks(), labels, strict=True
        ):
            if lo <= value <= hi:
                point = (value, 0) if axis == "x" else (0, value)
                px = axes.transData.transform(point)
                out.append(float(px[0]) if axis == "x" else float(height - px[1]))
                texts.append(label.get_text())
        return out, texts

    x_ticks, x_labels = ticks(ax, "x")
    y_ticks, y_labels = ticks(ax, "y")
    bar_ticks, bar_labels = ticks(bar.ax, "y") if bar else ([], [])
    xlim, ylim = ax.get_xlim(), ax.get_ylim()
    used_cmap = image.get_cmap().name
    buffer = io.BytesIO()
    options = {"pil_kwargs": {"quality": 90}} if fmt == "jpeg" else {}
    fig.savefig(buffer, format=fmt, dpi=dpi, **options)
    plt.close(fig)
    rgb = np.asarray(Image.open(buffer).convert("RGB"))
    return Figure(
        rgb=rgb,
        plot=box(ax),
        colorbar=box(bar.ax) if bar else None,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        colorbar_ticks=bar_ticks,
        duration_s=xlim[1] - xlim[0],
        fmin_hz=ylim[0],
        fmax_hz=ylim[1],
        top_db=80.0 if bar else None,
        x_labels=x_labels,
        y_labels=y_labels,
        colorbar_labels=bar_labels,
        cmap=used_cmap,
    )
