"""Figures with axes: where a matplotlib figure's plot area, colour bar and ticks are.

Users save what a notebook draws: ``specshow`` in an axes with its frame lines (spines), ticks,
labels, a title and often a colour bar, on a white figure. :func:`find_plot_area` tells such a
figure from a frameless picture and finds the axes box; :func:`.figure_fit.fit_plot_area`
places it to a fraction of a pixel from the cell edges it holds, so that
:func:`specimg.image.raster.cells_from_image` can put each pixel in the cell Agg filled it with.

Agg draws the 0.8 pt spines centred on the axes box, snapped: a line of ``n`` whole pixels
(its width rounded) is centred on ``round(x) + 0.5`` for odd ``n`` and ``round(x)`` for even
``n`` (measured at 72 to 300 dpi), so the spines alone place the box to half a pixel; the cells
inside, which are not snapped, place it closer.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..util.errors import InputError
from .codec import check_pixels, open_image
from .raster import Box

__all__ = ["FIGURE_MAX_PIXELS", "Box", "PlotArea", "figure_pixels", "find_plot_area",
           "luminance"]

#: Pictures larger than this are not searched for axes (a 14 x 6 in figure saved at 300 dpi is
#: 7.6 Mpixel; the search holds about 20 bytes a pixel, a 400 Mpixel picture would take 8 GB).
FIGURE_MAX_PIXELS = 40_000_000
#: Luminance (0-255) of margin pixels: the white figure, JPEG noise allowed.
LIGHT = 230
#: Luminance below which a pixel is at least half covered by a black line.
DARK = 128
#: A frame line spans at least this fraction of the picture's width ...
MIN_SPAN = 0.2
#: ... and is dark over this fraction of the frame's side.
FULL = 0.98
#: Pixels a frame line covers by this much or more are left out, not corrected.
MAX_FRINGE = 0.5
#: Fraction of the picture's border and of the margins around the axes that must be light.
MIN_LIGHT_BORDER = 0.9
MIN_LIGHT_MARGIN = 0.7


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
    line_width : float or None
        Their exact width (px), from the tick marks; None without ticks.
    interior : (int, int, int, int)
        Pixel index bounds ``(x0, y0, x1, y1)`` (stops exclusive) of the plot pixels the frame
        lines cover by less than :data:`MAX_FRINGE`.
    fringe : (float, float, float, float)
        How much of the interior's first column, first row, last column and last row the
        lines cover (0 to :data:`MAX_FRINGE`): the antialiased edge of each line.
    """

    plot: Box
    colorbar: Box | None
    x_ticks: tuple[float, ...]
    y_ticks: tuple[float, ...]
    colorbar_ticks: tuple[float, ...]
    line_px: int
    line_width: float | None
    interior: tuple[int, int, int, int]
    fringe: tuple[float, float, float, float]

    def clear(self, pixels: np.ndarray) -> np.ndarray:
        """The :attr:`interior` of a figure's pixels ``(height, width[, channels])``, uint8,
        with the lines' fringe taken out: a pixel a black line covers by ``c`` was drawn as
        ``(1 - c) * value``. A last channel of 2 or 4 (alpha) is left as it is."""
        x0, y0, x1, y1 = self.interior
        out = np.asarray(pixels)[y0:y1, x0:x1].astype(np.float32)
        colour = out if out.ndim == 2 or out.shape[-1] not in (2, 4) else out[..., :-1]
        left, top, right, bottom = self.fringe
        for index, cover in ((np.s_[:, 0], left), (np.s_[:, -1], right), (np.s_[0], top),
                             (np.s_[-1], bottom)):
            if cover:
                colour[index] /= 1.0 - cover
        return np.clip(np.round(out), 0, 255).astype(np.uint8)

    def crop(self, image: Image.Image) -> Image.Image:
        """:meth:`clear` of a loaded PIL image, as an image (grey, RGB or RGBA)."""
        if image.mode not in ("L", "LA", "RGB", "RGBA"):
            image = image.convert("RGB")
        return Image.fromarray(self.clear(np.asarray(image)), image.mode)

    def frame(self) -> Box:
        """The plot box in the pixels of the :attr:`interior` crop."""
        x0, y0 = self.interior[:2]
        left, top, right, bottom = self.plot
        return left - x0, top - y0, right - x0, bottom - y0


def luminance(pixels: np.ndarray) -> np.ndarray:
    """Luminance (0-255, float32) of RGB pixels ``(..., 3)``; grey pixels as they are."""
    if pixels.ndim == 2:
        return pixels.astype(np.float32)
    rgb = pixels[..., :3].astype(np.float32)
    return rgb @ np.array([0.299, 0.587, 0.114], np.float32)


def _longest_runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Length and start of the longest run of True along the last axis of each line."""
    index = np.arange(mask.shape[-1], dtype=np.int32)
    last_false = np.maximum.accumulate(np.where(mask, -1, index), axis=-1)
    lengths = index - last_false
    ends = lengths.argmax(axis=-1)
    longest = np.take_along_axis(lengths, ends[..., None], axis=-1)[..., 0]
    return longest, ends - longest + 1


def _depth(dark: np.ndarray, cap: int = 8) -> np.ndarray:
    """How many pixels each line of ``dark`` (lines along axis 1) stays dark from index 0."""
    return np.cumprod(dark[:, :cap], axis=1).sum(axis=1)


def _line_width(dark: np.ndarray, coverage: np.ndarray, x_a: int, x_b: int, y_a: int,
                y_b: int) -> tuple[int, float | None]:
    """Width of the frame lines in whole pixels as drawn, and exactly (px; None when unknown),
    from the tick marks, which are as wide and lie on the white margin: a mark's coverage sums
    to its width. Without ticks, the whole width comes from how deep the frame's sides stay
    dark (an upper bound where the plot's own pixels are dark next to every part of it)."""
    runs, widths = [], []
    below = (min(y_b + 2, dark.shape[0] - 1), np.s_[x_a:x_b + 1])
    beside = (np.s_[y_a:y_b + 1], max(x_a - 2, 0))
    for line, cover in ((dark[below], coverage[below]), (dark[beside], coverage[beside])):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], line, [0]]).astype(np.int8)))
        for first, stop in zip(edges[::2], edges[1::2], strict=True):
            runs.append(stop - first)
            widths.append(float(cover[max(first - 1, 0):stop + 1].sum()))
    if runs:
        return max(1, int(np.median(runs))), float(np.median(widths))
    inner_x, inner_y = slice(x_a + 4, x_b - 3), slice(y_a + 4, y_b - 3)
    depths = [_depth(dark[y_a:, inner_x].T), _depth(dark[y_b::-1, inner_x].T),
              _depth(dark[inner_y, x_a:]), _depth(dark[inner_y, x_b::-1])]
    return max(1, int(min(np.percentile(depth, 10) for depth in depths))), None


def _clear_bounds(start_centre: float, stop_centre: float, n: int,
                  width: float | None) -> tuple[int, int, float, float]:
    """The pixel index range between two parallel frame lines (snapped centres, px) that the
    lines leave clear or cover by less than :data:`MAX_FRINGE`, and the coverage of its first
    and last pixel. Unknown ``width``: the widest that rounds to ``n``, partial pixels left out."""
    half = (n + 0.5 if width is None else width) / 2
    inner_start, inner_stop = start_centre + half, stop_centre - half
    first, last = math.floor(inner_start), math.ceil(inner_stop)
    first_cover, last_cover = inner_start - first, last - inner_stop
    if width is None or first_cover >= MAX_FRINGE:
        first, first_cover = math.ceil(inner_start), 0.0
    if width is None or last_cover >= MAX_FRINGE:
        last, last_cover = math.floor(inner_stop), 0.0
    return first, last, first_cover, last_cover


def _line_centre(outer: int, n: int, inward: int) -> float:
    """Snapped centre (px) of a frame line of ``n`` px whose outermost dark pixel is ``outer``;
    ``inward`` is +1 for a top or left line, -1 for a bottom or right one."""
    return outer + n / 2 if inward > 0 else outer + 1 - n / 2


def _unsnap(centre: float, n: int) -> float:
    """The box edge that Agg snapped to ``centre``: the middle of the values snapping there."""
    return centre - 0.5 if n % 2 else centre


def _ticks(coverage: np.ndarray, start: int, n: int) -> tuple[float, ...]:
    """Positions (px) of the tick marks, ``n`` px wide, in a coverage profile whose index 0 is
    pixel ``start``: each mark's centre, unsnapped as a frame line's."""
    marks = coverage > 0.5
    edges = np.flatnonzero(np.diff(np.concatenate([[False], marks, [False]]).astype(np.int8)))
    centres = []
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        lo, hi = max(first - 1, 0), min(stop + 1, len(coverage))
        weights = coverage[lo:hi]
        centre = start + ((np.arange(lo, hi) + 0.5) * weights).sum() / weights.sum()
        centres.append(_unsnap(float(centre), n))
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
    pixels = np.asarray(pixels)
    height, width = pixels.shape[:2]
    if min(height, width) < 16:
        return None
    ring = np.concatenate([luminance(side).ravel() for side in
                           (pixels[:1], pixels[-1:], pixels[:, :1], pixels[:, -1:])])
    if np.mean(ring > LIGHT) < MIN_LIGHT_BORDER:  # before any work on the whole picture
        return None
    luma = luminance(pixels)
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
    coverage = 1.0 - luma / 255.0
    n, line_width = _line_width(dark, coverage, x_a, x_b, y_a, y_b)
    plot = _box(x_a, x_b, y_a, y_b, n)
    x0, x1, left_cover, right_cover = _clear_bounds(_line_centre(x_a, n, 1),
                                                     _line_centre(x_b, n, -1), n, line_width)
    y0, y1, top_cover, bottom_cover = _clear_bounds(_line_centre(y_a, n, 1),
                                                     _line_centre(y_b, n, -1), n, line_width)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None

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
                beside = x_b + 3 + c_b + 1
                colorbar_ticks = _ticks(coverage[top:bottom + 1, beside:beside + 2].mean(axis=1),
                                        top, n)
    if np.mean(luma[outside] > LIGHT) < MIN_LIGHT_MARGIN:
        return None
    x_ticks = _ticks(coverage[y_b + 1:y_b + 3, x_a:x_b + 1].mean(axis=0), x_a, n)
    y_ticks = _ticks(coverage[y_a:y_b + 1, max(x_a - 2, 0):x_a].mean(axis=1), y_a, n)
    return PlotArea(plot, colorbar, x_ticks, y_ticks, colorbar_ticks, n, line_width,
                    (x0, y0, x1, y1),
                    (left_cover, top_cover, right_cover, bottom_cover))


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
