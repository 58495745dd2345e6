"""Figures with axes: where a matplotlib figure's plot area, colour bar and ticks are.

Users save what a notebook draws: ``specshow`` in an axes with its frame lines (spines), ticks,
labels, a title and often a colour bar, on a white figure. :func:`find_plot_area` tells such a
figure from a frameless picture and finds the axes box; :func:`fit_plot_area` places it to a
fraction of a pixel from the cell edges it holds, so that :func:`specimg.image.raster.
cells_from_image` can put each pixel in the cell Agg filled it with.

Agg draws the 0.8 pt spines centred on the axes box, snapped: a line of ``n`` whole pixels
(its width rounded) is centred on ``round(x) + 0.5`` for odd ``n`` and ``round(x)`` for even
``n`` (measured at 72 to 300 dpi), so the spines alone place the box to half a pixel; the cells
inside, which are not snapped, place it closer.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, replace

import numpy as np

from ..util.errors import InputError
from .codec import check_pixels, open_image
from .metadata import ImageMeta
from .raster import Box, cell_edges

__all__ = ["FIGURE_MAX_PIXELS", "Box", "PlotArea", "figure_pixels", "find_plot_area",
           "fit_plot_area"]

#: Pictures larger than this are not searched for axes (a figure saved at 300 dpi is a few
#: Mpixel; decoding a 400 Mpixel picture in colour to look would cost gigabytes).
FIGURE_MAX_PIXELS = 64_000_000
#: Luminance (0-255) of margin pixels: the white figure, JPEG noise allowed.
LIGHT = 230
#: Luminance below which a pixel is at least half covered by a black line.
DARK = 128
#: A frame line spans at least this fraction of the picture's width ...
MIN_SPAN = 0.2
#: ... and is dark over this fraction of the frame's side.
FULL = 0.98
#: Fraction of the picture's border and of the margins around the axes that must be light.
MIN_LIGHT_BORDER = 0.9
MIN_LIGHT_MARGIN = 0.7
#: Steps of the sub-pixel search around the spines' estimate (px), each way.
FIT_RANGE, FIT_STEP = 0.5, 1 / 32


@dataclass(frozen=True)
class PlotArea:
    """Where a figure's axes are, in figure pixels (fractional; pixel ``(0, 0)`` spans 0..1).

    Attributes
    ----------
    plot : Box
        The axes box ``(left, top, right, bottom)`` (px), as ``ax.get_window_extent()`` gives it
        (rows counted from the top).
    colorbar : Box or None
        The colour bar's axes box, if the figure has one to the right of the plot.
    x_ticks, y_ticks, colorbar_ticks : tuple of float
        Tick mark centres (px): along x below the plot, along y left of it and along y right of
        the colour bar.
    line_px : int
        Frame lines' width in whole pixels, as drawn.
    interior : (int, int, int, int)
        Pixel index bounds ``(x0, y0, x1, y1)`` (stops exclusive) of the plot pixels no frame
        line touches.
    """

    plot: Box
    colorbar: Box | None
    x_ticks: tuple[float, ...]
    y_ticks: tuple[float, ...]
    colorbar_ticks: tuple[float, ...]
    line_px: int
    interior: tuple[int, int, int, int]

    def frame(self) -> Box:
        """The plot box in the pixels of the :attr:`interior` crop."""
        x0, y0 = self.interior[:2]
        left, top, right, bottom = self.plot
        return left - x0, top - y0, right - x0, bottom - y0


def _luminance(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 2:
        return pixels.astype(np.float32)
    rgb = pixels[..., :3].astype(np.float32)
    return rgb @ np.array([0.299, 0.587, 0.114], np.float32)


def _longest_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length and start of the longest run of True along the last axis of each line."""
    index = np.arange(mask.shape[-1])
    last_false = np.maximum.accumulate(np.where(mask, -1, index), axis=-1)
    lengths = index - last_false
    ends = lengths.argmax(axis=-1)
    longest = np.take_along_axis(lengths, ends[..., None], axis=-1)[..., 0]
    return longest, ends - longest + 1


def _depth(dark: np.ndarray, cap: int = 8) -> np.ndarray:
    """How many pixels each line of ``dark`` (lines along axis 1) stays dark from index 0."""
    return np.cumprod(dark[:, :cap], axis=1).sum(axis=1)


def _line_width(dark: np.ndarray, x_a: int, x_b: int, y_a: int, y_b: int) -> int:
    """Width (whole px) of the frame lines, from the tick marks, which are drawn as wide on the
    white margin; without ticks, from how deep the frame's sides stay dark (an upper bound
    where the plot's own pixels are dark next to every part of the frame)."""
    runs = []
    for line in (dark[y_b + 2, x_a:x_b + 1], dark[y_a:y_b + 1, max(x_a - 2, 0)]):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], line, [0]]).astype(np.int8)))
        runs.extend(edges[1::2] - edges[::2])
    if runs:
        return max(1, int(np.median(runs)))
    inner_x, inner_y = slice(x_a + 4, x_b - 3), slice(y_a + 4, y_b - 3)
    depths = [_depth(dark[y_a:, inner_x].T), _depth(dark[y_b::-1, inner_x].T),
              _depth(dark[inner_y, x_a:]), _depth(dark[inner_y, x_b::-1])]
    return max(1, int(min(np.percentile(depth, 10) for depth in depths)))


def _line_centre(outer: int, n: int, inward: int) -> float:
    """Snapped centre (px) of a frame line of ``n`` px whose outermost dark pixel is ``outer``;
    ``inward`` is +1 for a top or left line, -1 for a bottom or right one."""
    return outer + n / 2 if inward > 0 else outer + 1 - n / 2


def _unsnap(centre: float, n: int) -> float:
    """The box edge that Agg snapped to ``centre``: the middle of the values snapping there."""
    return centre - 0.5 if n % 2 else centre


def _ticks(coverage: np.ndarray, start: int) -> tuple[float, ...]:
    """Centres (px) of the tick marks in a coverage profile whose index 0 is pixel ``start``."""
    marks = coverage > 0.5
    edges = np.flatnonzero(np.diff(np.concatenate([[False], marks, [False]]).astype(np.int8)))
    centres = []
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        lo, hi = max(first - 1, 0), min(stop + 1, len(coverage))
        weights = coverage[lo:hi]
        centres.append(float(start + ((np.arange(lo, hi) + 0.5) * weights).sum() / weights.sum()))
    return tuple(centres)


def _box(x_a: int, x_b: int, y_a: int, y_b: int, n: int) -> Box:
    """The axes box of a frame whose outermost dark pixels are columns ``x_a``, ``x_b`` and
    rows ``y_a``, ``y_b``, its lines ``n`` px wide."""
    return (_unsnap(_line_centre(x_a, n, 1), n), _unsnap(_line_centre(y_a, n, 1), n),
            _unsnap(_line_centre(x_b, n, -1), n), _unsnap(_line_centre(y_b, n, -1), n))


def find_plot_area(pixels: np.ndarray) -> PlotArea | None:
    """Find the axes of a matplotlib figure: its plot area, colour bar and tick marks.

    Parameters
    ----------
    pixels : np.ndarray
        The picture, ``(height, width, 3)`` uint8 RGB (or ``(height, width)`` grey).

    Returns
    -------
    PlotArea or None
        None for a picture that is not a figure with axes: no light border, no black frame
        spanning a fifth of its width, or margins that are not mostly light (a frameless
        ``specshow`` picture fills its whole canvas).
    """
    luma = _luminance(np.asarray(pixels))
    height, width = luma.shape
    if min(height, width) < 16:
        return None
    ring = np.concatenate([luma[0], luma[-1], luma[:, 0], luma[:, -1]])
    if np.mean(ring > LIGHT) < MIN_LIGHT_BORDER:
        return None
    dark = luma < DARK
    lengths, starts = _longest_runs(dark)
    long_rows = np.flatnonzero(lengths >= MIN_SPAN * width)
    if len(long_rows) < 2:
        return None
    y_a = int(long_rows[0])
    first, last = int(starts[y_a]), int(starts[y_a] + lengths[y_a] - 1)
    # a tick mark at a corner can lengthen a frame line's run by its length: test the middle
    full_rows = np.flatnonzero(dark[:, first + 6:last - 5].mean(axis=1) >= FULL)
    y_b = int(full_rows[-1])
    if y_b - y_a < 8 or last - first < 16:
        return None
    full_columns = first + np.flatnonzero(dark[y_a:y_b + 1, first:last + 1].mean(axis=0) >= FULL)
    if len(full_columns) < 2:
        return None
    x_a, x_b = int(full_columns[0]), int(full_columns[-1])
    span = y_b - y_a + 1
    n = _line_width(dark, x_a, x_b, y_a, y_b)
    plot = _box(x_a, x_b, y_a, y_b, n)
    half = (n + 0.5) / 2
    centres = [_line_centre(x_a, n, 1), _line_centre(y_a, n, 1), _line_centre(x_b, n, -1),
               _line_centre(y_b, n, -1)]
    interior = (math.ceil(centres[0] + half), math.ceil(centres[1] + half),
                math.floor(centres[2] - half), math.floor(centres[3] - half))
    if interior[2] - interior[0] < 4 or interior[3] - interior[1] < 4:
        return None

    coverage = 1.0 - luma / 255.0
    colorbar, colorbar_ticks, outside = None, (), np.ones_like(dark)
    outside[y_a:y_b + 1, x_a:x_b + 1] = False
    right = dark[:, x_b + 3:]
    if right.shape[1] >= 3:
        run_lengths, run_starts = _longest_runs(right.T)
        if run_lengths.max() >= 0.3 * span:
            frame_columns = np.flatnonzero(run_lengths >= 0.95 * run_lengths.max())
            c_a, c_b = int(frame_columns[0]), int(frame_columns[-1])
            top, bottom = int(run_starts[c_a]), int(run_starts[c_a] + run_lengths[c_a] - 1)
            if c_b - c_a >= 2 * n + 1:
                colorbar = _box(x_b + 3 + c_a, x_b + 3 + c_b, top, bottom, n)
                outside[top:bottom + 1, x_b + 3 + c_a:x_b + 4 + c_b] = False
                below = x_b + 3 + c_b + 1
                colorbar_ticks = _ticks(coverage[top:bottom + 1, below:below + 2].mean(axis=1),
                                        top)
    if np.mean(luma[outside] > LIGHT) < MIN_LIGHT_MARGIN:
        return None
    x_ticks = _ticks(coverage[y_b + 1:y_b + 3, x_a:x_b + 1].mean(axis=0), x_a)
    y_ticks = _ticks(coverage[y_a:y_b + 1, max(x_a - 2, 0):x_a].mean(axis=1), y_a)
    return PlotArea(plot, colorbar, x_ticks, y_ticks, colorbar_ticks, n, interior)


def _fit_axis(steps: np.ndarray, edges: np.ndarray, first: int, low: float, high: float,
              sign: float) -> tuple[float, float]:
    """The ends ``low .. high`` (px, within :data:`FIT_RANGE`) whose cell edges fall on the
    largest steps between neighbouring pixels; ``steps[i]`` is between pixels ``first + i`` and
    ``first + i + 1`` (along y, ``sign`` -1: edges counted up from ``high``)."""
    offsets = np.arange(-FIT_RANGE, FIT_RANGE + FIT_STEP / 2, FIT_STEP)
    centres = sign * (first + np.arange(len(steps) + 1) + 0.5)
    mean = steps.mean()
    best, best_key = (low, high), None
    for d_low in offsets:
        for d_high in offsets:
            a, b = low + d_low, high + d_high
            positions = a + edges * (b - a) if sign > 0 else edges * (b - a) - b
            cells = np.searchsorted(positions, centres, side="left")
            boundary = cells[1:] != cells[:-1]
            key = (float(steps[boundary].sum() - mean * boundary.sum()), -abs(d_low) - abs(d_high))
            if best_key is None or key > best_key:
                best, best_key = (a, b), key
    return best


def fit_plot_area(pixels: np.ndarray, area: PlotArea, meta: ImageMeta) -> PlotArea:
    """Place the plot box to a fraction of a pixel from the cells drawn in it.

    The spines give each edge of the box to half a pixel. Inside, ``specshow``'s cells make
    steps between neighbouring pixel columns (rows) exactly where a cell edge passes between
    their centres, and where the edges fall depends on the box's ends: the ends within
    :data:`FIT_RANGE` of the spines' estimate (steps of :data:`FIT_STEP`) that put the cell edges
    on the largest steps are kept. Where cells are narrower than pixels every step is an edge
    whatever the ends, and the spines' estimate stays.

    Parameters
    ----------
    pixels : np.ndarray
        The figure, ``(height, width, 3)`` uint8 RGB (or grey).
    area : PlotArea
        :func:`find_plot_area` of it.
    meta : ImageMeta
        The spectrogram's parameters (frames, bands, axis scale).

    Returns
    -------
    PlotArea
        ``area`` with the fitted :attr:`PlotArea.plot`.
    """
    x0, y0, x1, y1 = area.interior
    luma = _luminance(np.asarray(pixels)[y0:y1, x0:x1])
    left, top, right, bottom = area.plot
    if x1 - x0 >= meta.n_frames:
        steps = np.abs(np.diff(luma, axis=1)).mean(axis=0)
        left, right = _fit_axis(steps, cell_edges(meta, "x"), x0, left, right, 1.0)
    if y1 - y0 >= meta.n_rows or meta.y_axis != "hz":
        steps = np.abs(np.diff(luma, axis=0)).mean(axis=1)
        top, bottom = _fit_axis(steps, cell_edges(meta, "y"), y0, top, bottom, -1.0)
    return replace(area, plot=(left, top, right, bottom))


def figure_pixels(data: bytes, path: str | os.PathLike = "<image>",
                  max_pixels: int = FIGURE_MAX_PIXELS) -> np.ndarray | None:
    """A picture's RGB pixels ``(height, width, 3)`` uint8 for :func:`find_plot_area`, or None
    for a picture over ``max_pixels`` (not searched for axes)."""
    image = open_image(data, path)
    try:
        check_pixels(image.size, max_pixels, path)
    except InputError:
        return None
    try:
        return np.asarray(image.convert("RGB"))
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None
