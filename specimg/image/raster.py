"""From a picture's pixels to its STFT cells, without a float copy of the picture.

Along an axis with at least one pixel per cell, every pixel belongs to the cell that holds its
centre (as matplotlib's Agg drew it, or as a uniform grid places it), and a cell is the mean of
its pixels: integer sums of the 8- or 16-bit pixel values, taken in strips of rows whose bounds
fall on cell boundaries. Values become levels afterwards, cell by cell (:mod:`specimg.image.codec`).
Along an axis with fewer pixels than cells (a picture shrunk for an image model), each cell
is read by cubic spline interpolation at its centre (``benchmarks/user_pictures.py`` compares
it with linear and blocky enlargement).

A picture may also be part of a larger one: the plot area of a matplotlib figure, at a
fractional offset (``frame``, in the picture's pixels). Agg fills each pixel of the figure with
the cell that holds the pixel's centre, on the cell edges ``specshow`` puts in the axes
(:func:`specimg.image.drawing.specshow_cell_edges`); measured against rendered probes (tests/
test_figure.py), a centre on an edge belongs to the cell below it in display coordinates (to
the left, or below).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numba
import numpy as np
from PIL import Image

from .drawing import specshow_cell_edges, specshow_pixel_cells
from .metadata import ImageMeta

__all__ = ["Box", "cell_edges", "cells_from_image", "column_cells", "framed_cells", "row_cells",
           "uniform_cells"]

#: A rectangle in pixels: ``(left, top, right, bottom)``, fractional, from the picture's top left
#: corner (pixel ``(0, 0)`` spans ``0 .. 1`` in both directions).
Box = tuple[float, float, float, float]

#: Rows of pixels read at a time (a strip ends on the first cell boundary past this).
STRIP_ROWS = 256

#: Reads a strip of the picture (a PIL image) as unsigned integers, ``(rows, width)``.
StripReader = Callable[[Image.Image], np.ndarray]


def uniform_cells(n_pixels: int, n_cells: int, reverse: bool = False) -> np.ndarray:
    """Cell of each pixel of an axis cut into ``n_cells`` equal cells: the one holding its centre.

    ``reverse`` numbers the cells from the far end (rows of a picture whose lowest band is at
    the bottom).
    """
    cells = np.minimum(((np.arange(n_pixels) + 0.5) * n_cells / n_pixels).astype(np.int64),
                       n_cells - 1)
    return n_cells - 1 - cells if reverse else cells


def column_cells(meta: ImageMeta, width: int, frame: Box | None = None) -> np.ndarray:
    """The frame of each pixel column; with ``frame``, of a plot area spanning ``frame``."""
    if frame is not None:
        return framed_cells(meta, width, "x", frame)
    if meta.drawn:
        return specshow_pixel_cells(meta, width, "x")
    return uniform_cells(width, meta.n_frames)


def row_cells(meta: ImageMeta, height: int, frame: Box | None = None) -> np.ndarray:
    """The band (0 = lowest) of each pixel row, top row first; with ``frame``, of a plot area
    spanning ``frame``."""
    if frame is not None:
        return framed_cells(meta, height, "y", frame)
    if meta.drawn:
        return specshow_pixel_cells(meta, height, "y")
    return uniform_cells(height, meta.n_rows, reverse=meta.low_row == "bottom")


def cell_edges(meta: ImageMeta, axis: str) -> np.ndarray:
    """The ``n + 1`` cell edges along ``axis`` as increasing fractions of the plot area (``x``:
    from the left; ``y``: from the bottom, band 0 lowest; a grid's lowest band on top is
    numbered from the top)."""
    if meta.drawn:
        return specshow_cell_edges(meta, axis)
    return np.linspace(0.0, 1.0, (meta.n_frames if axis == "x" else meta.n_rows) + 1)


def _edges_px(meta: ImageMeta, axis: str, frame: Box) -> tuple[np.ndarray, float]:
    """Cell edges in pixels along ``axis`` (``y``: negated, so they increase with the band),
    and the sign that puts pixel centres on the same scale."""
    left, top, right, bottom = frame
    edges = cell_edges(meta, axis)
    if axis == "x":
        return left + edges * (right - left), 1.0
    if meta.drawn or meta.low_row == "bottom":
        return edges * (bottom - top) - bottom, -1.0
    return top + edges * (bottom - top), 1.0


def framed_cells(meta: ImageMeta, n_pixels: int, axis: str, frame: Box) -> np.ndarray:
    """The cell of each of ``n_pixels`` pixel columns (``x``) or rows (``y``, top first) of a
    picture whose plot area spans ``frame`` (px, fractional): the cell holding the pixel's
    centre, a centre on an edge going to the cell below or to the left, as Agg fills them.
    Pixels outside the plot area get the nearest edge cell."""
    positions, sign = _edges_px(meta, axis, frame)
    cells = np.searchsorted(positions, sign * (np.arange(n_pixels) + 0.5), side="left") - 1
    return np.clip(cells, 0, len(positions) - 2)


def _cell_centres(meta: ImageMeta, n_pixels: int, axis: str,
                  frame: Box | None = None) -> np.ndarray:
    """Pixel coordinates (0 = first pixel's centre) of each cell's centre on a uniform axis."""
    if frame is not None:
        positions, sign = _edges_px(meta, axis, frame)
        return sign * (positions[:-1] + positions[1:]) / 2 - 0.5
    n = meta.n_frames if axis == "x" else meta.n_rows
    centres = (np.arange(n) + 0.5) * n_pixels / n - 0.5
    if axis == "y" and meta.low_row == "bottom":
        centres = centres[::-1]
    return centres


def _runs(cells: np.ndarray) -> np.ndarray:
    """Start index of each run of equal values."""
    return np.flatnonzero(np.diff(cells, prepend=cells[0] - 1))


def _strip_bounds(starts: np.ndarray, n_pixels: int) -> list[tuple[int, int]]:
    bounds = [0]
    for start in starts[1:]:
        if start - bounds[-1] >= STRIP_ROWS:
            bounds.append(int(start))
    bounds.append(n_pixels)
    return list(itertools.pairwise(bounds))


def _fill_missing(values: np.ndarray, present: np.ndarray, axis: int) -> np.ndarray:
    """Linear interpolation along ``axis`` over the cells no pixel fell in."""
    if present.all():
        return values
    moved = np.moveaxis(values, axis, 0)
    have, lack = np.flatnonzero(present), np.flatnonzero(~present)
    for column in range(moved.shape[1]):
        moved[lack, column] = np.interp(lack, have, moved[have, column])
    return np.moveaxis(moved, 0, axis)


def cells_from_image(image: Image.Image, meta: ImageMeta, read_strip: StripReader, *,
                     order: int = 3, frame: Box | None = None) -> np.ndarray:
    """Reduce a decoded picture to its cell grid: the mean pixel value of every cell.

    Parameters
    ----------
    image : PIL.Image.Image
        The loaded picture, row 0 at the top.
    meta : ImageMeta
        Its parameters: the grid (``n_rows x n_frames``) and how it was drawn (``drawn``,
        ``y_axis``, ``low_row``).
    read_strip : callable
        Reads a strip of ``image`` (a PIL image of some rows) as unsigned integers of at most
        16 bits, ``(rows, width)``: 8-bit luminance, 16-bit grey, or fixed-point levels.
    order : int
        Spline order of the interpolation along axes with fewer pixels than cells: 3 (cubic,
        the default), 1 (linear) or 0 (nearest pixel, a blocky enlargement).
    frame : Box, optional
        Where the plot area lies in ``image`` (px, fractional; it may reach past the picture,
        then the part of a figure inside the plot area's frame lines): the cells are placed in
        it (:func:`framed_cells`). None: the cells fill the picture.

    Returns
    -------
    np.ndarray
        float64 mean values, ``(meta.n_rows, meta.n_frames)``, row 0 the lowest band.
    """
    width, height = image.size
    n_rows, n_frames = meta.n_rows, meta.n_frames
    # Uniform axes coarser than their cells are interpolated; specshow's mel and log rows are
    # not uniform, so a band no pixel row shows is interpolated from its neighbours instead.
    sum_columns = width >= n_frames
    uniform_rows = not meta.drawn or meta.y_axis == "hz"
    sum_rows = height >= n_rows or not uniform_rows

    if sum_columns:
        columns = column_cells(meta, width, frame)
        column_starts = _runs(columns)
        column_ids = columns[column_starts]
        column_counts = np.bincount(columns, minlength=n_frames)
    out_columns = n_frames if sum_columns else width
    if sum_rows:
        rows = row_cells(meta, height, frame)
        row_counts = np.bincount(rows, minlength=n_rows)
        sums = np.zeros((n_rows, out_columns), np.uint64)
        bounds = _strip_bounds(_runs(rows), height)
    else:
        pixel_rows = np.empty((height, out_columns), np.float64)
        bounds = [(start, min(start + STRIP_ROWS, height))
                  for start in range(0, height, STRIP_ROWS)]

    def reduce_columns(block: np.ndarray) -> np.ndarray:
        if not sum_columns:
            return block
        reduced = np.zeros((block.shape[0], n_frames), np.uint64)
        reduced[:, column_ids] = np.add.reduceat(block, column_starts, axis=1, dtype=np.uint64)
        return reduced

    for top, bottom in bounds:
        block = read_strip(image.crop((0, top, width, bottom)))
        if sum_rows:
            # Rows first: whole rows add as vectors, leaving ~1/20 of the data for the columns.
            strip_rows = rows[top:bottom]
            starts = _runs(strip_rows)
            wide = np.uint32 if (bottom - top) * 65535 < 2**32 else np.uint64
            banded = np.empty((len(starts), block.shape[1]), wide)
            _band_sums(np.ascontiguousarray(block), starts, banded)
            # a band's rows are contiguous: each appears once in a strip (+= is safe)
            sums[strip_rows[starts]] += reduce_columns(banded)
        else:
            pixel_rows[top:bottom] = reduce_columns(block)

    if sum_rows:
        count = np.maximum(row_counts, 1)[:, None].astype(np.float64)
        if sum_columns:
            count = count * np.maximum(column_counts, 1)[None, :]
        cells = _fill_missing(sums / count, row_counts > 0, axis=0)
    else:
        if sum_columns:
            pixel_rows /= np.maximum(column_counts, 1)[None, :]
        cells = _interpolate(pixel_rows, _cell_centres(meta, height, "y", frame), 0, order)
    if sum_columns:
        return _fill_missing(cells, column_counts > 0, axis=1)
    return _interpolate(cells, _cell_centres(meta, width, "x", frame), 1, order)


@numba.njit(cache=True, nogil=True)
def _band_sums(block, starts, out):
    """``out[k] = block[starts[k]:starts[k + 1]].sum(axis=0)`` (the last band to the end), in
    ``out``'s integer type: ``np.add.reduceat(block, starts, axis=0)`` six times faster (it casts
    in small buffers; here whole rows add as vectors), the same integers."""
    n_bands = len(starts)
    for k in range(n_bands):
        end = starts[k + 1] if k + 1 < n_bands else block.shape[0]
        band = out[k]
        band[:] = 0
        for i in range(starts[k], end):
            row = block[i]
            for j in range(len(band)):
                band[j] += row[j]


def _interpolate(values: np.ndarray, centres: np.ndarray, axis: int, order: int) -> np.ndarray:
    """Spline interpolation of ``values`` at pixel coordinates ``centres`` along ``axis``."""
    import scipy.ndimage

    other = np.arange(values.shape[1 - axis], dtype=np.float64)
    if axis == 0:
        grid = np.meshgrid(centres, other, indexing="ij")
    else:
        grid = np.meshgrid(other, centres, indexing="ij")
    return scipy.ndimage.map_coordinates(values, grid, order=order, mode="nearest")
