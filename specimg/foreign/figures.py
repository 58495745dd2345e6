"""Pictures without metadata that are matplotlib figures with axes: their parameters from what
the axes say (:mod:`specimg.image.figure_text`) and what is given, their plot area placed.

Used by :func:`specimg.foreign.picture_geometry`, so the command and :func:`specimg.invert` read
figures the same way."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ..image.colormap_match import picture_colormap
from ..image.figure import PlotArea, figure_pixels, find_plot_area
from ..image.figure_fit import fit_frames, fit_plot_area, named_colormap
from ..image.figure_text import FigureAxes, read_figure_axes
from ..image.metadata import ImageMeta
from ..util.errors import InputError

if TYPE_CHECKING:
    from .params import ForeignParams

#: What must be known of a figure, the flag that gives it and what the refusal says is unread.
NEEDED = (("duration", "its time axis", "--duration"),
          ("y_axis", "its frequency axis", "--y-axis"),
          ("cmap", "its colour map", "--cmap"))


@dataclass(frozen=True)
class Figure:
    """A figure with axes found in a picture: where its axes are, what their labels say, and the
    parameters those give by flag name (those read only: :func:`read_values`)."""

    pixels: np.ndarray
    area: PlotArea
    axes: FigureAxes
    values: dict


def find_figure(data: bytes, path: str | os.PathLike) -> Figure | None:
    """The figure in a picture, or None for a picture that is not one (or too large to search,
    :data:`specimg.image.figure.FIGURE_MAX_PIXELS`)."""
    pixels = figure_pixels(data, path)
    area = None if pixels is None else find_plot_area(pixels)
    if area is None:
        return None
    axes = read_figure_axes(pixels, area.plot, area.colorbar, list(area.x_ticks),
                            list(area.y_ticks), list(area.colorbar_ticks))
    return Figure(pixels, area, axes, read_values(axes))


def read_values(axes: FigureAxes) -> dict:
    """The parameters a figure's labels gave, by flag name (those read only)."""
    values = {"duration": axes.duration_s, "y_axis": axes.y_axis, "sr": axes.sr,
              "top_db": axes.top_db,
              "cmap": None if axes.colormap_rgb is None else named_colormap(axes.colormap_rgb)}
    return {name: value for name, value in values.items() if value is not None}


def figure_meta(figure: Figure, path: str | os.PathLike, given: ForeignParams,
                fallback_meta: Callable[[ForeignParams], ImageMeta | None]
                ) -> tuple[ImageMeta, PlotArea]:
    """The parameters of a figure's spectrogram and its plot area, fitted to its cells.

    A value given wins over what the labels say; what neither gives keeps its default, except
    :data:`NEEDED` (a wrong one would give noise): then :class:`InputError` naming the flag.
    Without a colour bar, the colour map is the one the plot area's colours lie on
    (:func:`specimg.image.colormap_match.picture_colormap`).
    A duration read from the labels is made exact by the frame count the cells show
    (:func:`specimg.image.figure_fit.fit_frames`). ``fallback_meta`` builds the parameters
    from what is given (:func:`specimg.foreign.fallback_meta`).
    """
    length_given = given.duration is not None or given.frames is not None
    chosen = {name: value for name, value in figure.values.items()
              if getattr(given, name) is None and not (name == "duration" and length_given)}
    known = given.given | set(chosen) | ({"duration"} if length_given else set())
    if "cmap" not in known:  # no colour bar: the map the plot area's colours lie on
        plot_image = figure.area.crop(Image.fromarray(figure.pixels))
        chosen["cmap"] = picture_colormap(plot_image, path, given.value("low_row"))
        known.add("cmap")
    for name, what, flag in NEEDED:
        if name not in known:
            raise InputError(path, f"is a figure with axes; {what} could not be read: give {flag}")
    meta = fallback_meta(replace(given, **chosen))
    if "duration" in chosen:  # read from labels: the frame count the cells show
        meta = fit_frames(figure.pixels, figure.area, meta)
    return meta, fit_plot_area(figure.pixels, figure.area, meta)


def describe_figure(figure: Figure) -> list[str]:
    """Lines for ``specimg info``: where the axes are and what their labels say."""
    left, top, right, bottom = figure.area.plot
    lines = [f"  a matplotlib figure with axes: plot area {left:.1f}, {top:.1f} .. {right:.1f}, "
             f"{bottom:.1f} px ({right - left:.1f} x {bottom - top:.1f}), "
             f"{len(figure.area.x_ticks)} x ticks, {len(figure.area.y_ticks)} y ticks"]
    if figure.area.colorbar is not None:
        c_left, c_top, c_right, c_bottom = figure.area.colorbar
        lines.append(f"  colour bar {c_left:.1f}, {c_top:.1f} .. {c_right:.1f}, {c_bottom:.1f} px")
    read = figure.values
    said = ", ".join(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}"
                     for name, value in read.items())
    lines.append(f"  the axes say: {said or 'nothing read'}; specimg invert reads the plot area "
                 "only")
    lines += [f"  {note}" for note in figure.axes.notes]
    return lines
