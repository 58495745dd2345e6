"""The geometry a figure's pixels fix beyond its frame: where the plot area's cells lie, to a
fraction of a pixel, and which colour map its colour bar shows."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from .colormap import colormap_table
from .figure import PlotArea, luminance
from .metadata import ImageMeta
from .raster import cell_edges

__all__ = ["COLORMAP_CANDIDATES", "fit_frames", "fit_plot_area", "named_colormap"]

#: The sub-pixel search around the spines' estimate (px): each way (the spines place the box to
#: half a pixel as a rule; 0.8 px was seen on a constrained-layout figure at 300 dpi), coarse
#: and fine steps.
FIT_RANGE, COARSE_STEP, FIT_STEP = 1.0, 1 / 8, 1 / 32
#: Colour maps a colour bar's strip is compared with (specshow's own defaults first).
COLORMAP_CANDIDATES = ("magma", "gray_r", "coolwarm", "gray", "viridis", "inferno", "plasma",
                       "cividis", "Greys", "jet", "turbo", "hot")
#: Most mean distance (RGB, 0-255) between a strip and the map it is named after.
MAX_COLOUR_DISTANCE = 12.0


def _fit_axis(steps: np.ndarray, edges: np.ndarray, first: int, low: float, high: float,
              sign: float) -> tuple[tuple[float, float], float]:
    """The ends ``low .. high`` (px, within :data:`FIT_RANGE`) whose cell edges fall on the
    largest steps between neighbouring pixels, and how far those steps stand above the mean
    step (summed); ``steps[i]`` is between pixels ``first + i`` and ``first + i + 1`` (along y,
    ``sign`` -1: edges counted up from ``high``). Searched on a grid of :data:`COARSE_STEP`,
    then of :data:`FIT_STEP` around the best point."""
    centres = sign * (first + np.arange(len(steps) + 1) + 0.5)
    mean = steps.mean()

    def score(a: float, b: float) -> float:
        positions = a + edges * (b - a) if sign > 0 else edges * (b - a) - b
        cells = np.searchsorted(positions, centres, side="left")
        boundary = cells[1:] != cells[:-1]
        return float(steps[boundary].sum() - mean * boundary.sum())

    best, best_key = (low, high), None
    for span, step in ((FIT_RANGE, COARSE_STEP), (COARSE_STEP, FIT_STEP)):
        offsets = np.arange(-span, span + step / 2, step)
        middle_low, middle_high = best
        for a in middle_low + offsets:
            for b in middle_high + offsets:
                key = (score(a, b), -abs(a - low) - abs(b - high))
                if best_key is None or key > best_key:
                    best, best_key = (float(a), float(b)), key
    return best, best_key[0]


def _column_steps(pixels: np.ndarray, area: PlotArea) -> np.ndarray:
    return np.abs(np.diff(luminance(area.clear(pixels)), axis=1)).mean(axis=0)


def fit_frames(pixels: np.ndarray, area: PlotArea, meta: ImageMeta, *,
               spread: float = 0.01) -> ImageMeta:
    """The frame count, among those within ``spread`` of ``meta.n_frames``, whose cell edges
    (with the best ends, as :func:`fit_plot_area` places them) fall on the largest steps
    between the plot area's pixel columns.

    A duration read from tick labels placed by snapped tick marks is good to about 0.2 %, a
    frame or so in 400; one frame off shifts the cells by up to a frame.

    Returns
    -------
    ImageMeta
        ``meta`` with that ``n_frames`` and ``length`` ``(n_frames - 1) * hop_length`` (within
        one hop of the clip's), or ``meta`` itself where frames are narrower than pixels.
    """
    x0, _, x1, _ = area.interior
    if x1 - x0 < meta.n_frames * (1 + spread):
        return meta
    steps = _column_steps(pixels, area)
    left, _, right, _ = area.plot
    hop = meta.stft.hop_length
    scores = {}
    for n_frames in range(max(1, math.floor(meta.n_frames * (1 - spread))),
                          math.ceil(meta.n_frames * (1 + spread)) + 1):
        candidate = replace(meta, n_frames=n_frames, length=(n_frames - 1) * hop)
        scores[n_frames] = _fit_axis(steps, cell_edges(candidate, "x"), x0, left, right, 1.0)[1]
    best = max(scores, key=lambda n: (scores[n], -abs(n - meta.n_frames)))
    return replace(meta, n_frames=best, length=(best - 1) * hop)


def fit_plot_area(pixels: np.ndarray, area: PlotArea, meta: ImageMeta) -> PlotArea:
    """Place the plot box to a fraction of a pixel from the cells drawn in it.

    The spines give each edge of the box to half a pixel. Inside, ``specshow``'s cells make
    steps between neighbouring pixel columns (rows) exactly where a cell edge passes between
    their centres, and where the edges fall depends on the box's ends: the ends within
    :data:`FIT_RANGE` of the spines' estimate (to :data:`FIT_STEP`) that put the cell edges
    on the largest steps are kept. Where cells are narrower than pixels every step is an edge
    whatever the ends, and the spines' estimate stays.

    Parameters
    ----------
    pixels : np.ndarray
        The figure, ``(height, width, 3)`` uint8 RGB (or grey).
    area : PlotArea
        :func:`.figure.find_plot_area` of it.
    meta : ImageMeta
        The spectrogram's parameters (frames, bands, axis scale).

    Returns
    -------
    PlotArea
        ``area`` with the fitted :attr:`PlotArea.plot`.
    """
    x0, y0, x1, y1 = area.interior
    luma = luminance(area.clear(pixels))
    left, top, right, bottom = area.plot
    if x1 - x0 >= meta.n_frames:
        steps = np.abs(np.diff(luma, axis=1)).mean(axis=0)
        (left, right), _ = _fit_axis(steps, cell_edges(meta, "x"), x0, left, right, 1.0)
    if y1 - y0 >= meta.n_rows or meta.y_axis != "hz":
        steps = np.abs(np.diff(luma, axis=0)).mean(axis=1)
        (top, bottom), _ = _fit_axis(steps, cell_edges(meta, "y"), y0, top, bottom, -1.0)
    return replace(area, plot=(left, top, right, bottom))


def named_colormap(strip: np.ndarray) -> str | None:
    """The matplotlib colour map a colour bar's strip shows, lowest level first: the nearest of
    :data:`COLORMAP_CANDIDATES`, or None when none is within :data:`MAX_COLOUR_DISTANCE`.

    Parameters
    ----------
    strip : np.ndarray
        ``(n, 3)`` RGB colours (0-255) sampled along the strip, low level first.
    """
    strip = np.asarray(strip, np.float32)
    if strip.ndim != 2 or strip.shape[0] < 8:
        return None
    distances = {name: float(np.abs(colormap_table(name, len(strip)) - strip).mean())
                 for name in COLORMAP_CANDIDATES}
    name = min(distances, key=distances.get)
    return name if distances[name] <= MAX_COLOUR_DISTANCE else None
