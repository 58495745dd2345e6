"""What inverting a picture without metadata uses, found from what is given and its pixels, and
the picture file to audio by those rules.

``specimg invert`` (its flags) and :func:`specimg.invert` (its keyword arguments) both fill a
:class:`~.params.ForeignParams` and call :func:`invert_picture`, so they decide the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..core.spectrum import StftConfig
from ..image.codec import MAX_PIXELS, open_image
from ..image.colormap_match import picture_colormap
from ..image.figure import PlotArea
from ..image.geometry import MIN_PIXELS_PER_FRAME, count_frames
from ..image.metadata import ImageMeta, read_meta
from ..inversion import Inversion, invert_image
from ..phase.budget import default_n_iter
from ..phase.options import PhaseOptions
from ..util.errors import InputError
from .figures import Figure, figure_meta, find_figure
from .params import NORMALISED_PEAK_DBFS, ForeignParams, fallback_meta, preset_fallback

__all__ = ["CONSISTENCY_LIMIT_DB", "MAX_SNAP_FRAMES", "MIN_CHECKED_PIXELS_PER_FRAME", "Geometry",
           "consistency_checked", "consistency_warning", "invert_picture", "picture_geometry",
           "picture_n_iter"]

#: A given duration whose frame count is this close (frames) to the count the picture's column
#: edges show gives way to the edges: a duration rounded to a tenth of a second is off by up
#: to 2 frames at hop 512 and 22050 Hz.
MAX_SNAP_FRAMES = 2
#: Consistency SC (dB) that pictures inverted with the right parameters stay under, by kind
#: (measured by benchmarks/consistency_warnings.py; docs/inverting.md) ...
CONSISTENCY_LIMIT_DB = {"specshow": -20.0, "mel": -24.0, "grid": -19.0}
#: Pictures whose frames are narrower than this (px) get no warning: from right and from wrong
#: parameters alike, their consistency lies between -18.7 and -14.7 dB (the same benchmark).
MIN_CHECKED_PIXELS_PER_FRAME = 1.0
#: ... and the parameters whose defaults are the likely culprits when they are not, by kind.
SUSPECTS = {"specshow": ("y_axis", "low_row", "cmap"), "mel": ("low_row", "cmap"),
            "grid": ("low_row", "y_axis")}


@dataclass(frozen=True)
class Geometry:
    """What inverting a picture uses, and where each part of it comes from.

    Attributes
    ----------
    meta : ImageMeta or None
        The parameters; None when the picture carries its own (specimg metadata).
    frames_from : str
        Where the frame count comes from: ``metadata``, ``card``, ``preset``, ``figure`` (a
        matplotlib figure with axes: its labels and the cells of its plot area), ``given``
        (``frames`` or ``duration``), ``snapped`` (``duration``'s count moved to the one the
        column edges show, by at most :data:`MAX_SNAP_FRAMES`) or ``counted`` (from the column
        edges).
    cmap_from : str or None
        For pictures whose parameters are not their own, a card's or a preset's: ``given``,
        ``figure`` (its colour bar) or ``found`` (the map its colours lie on).
    plot : PlotArea or None
        A figure's plot area, fitted to its cells.
    given_frames : int or None
        The count ``duration`` gave, where it was snapped.
    figure : Figure or None
        The figure found (its axes and what their labels say), for ``specimg info``.
    n_iter : int, str or None
        The phase iterations :func:`invert_picture` ran: those given, else
        :func:`specimg.phase.budget.default_n_iter`'s for the picture; None before inverting.
    pixels_per_frame : float or None
        The picture's width over its frames, where the parameters come from what was given,
        defaults and its pixels (frames ``given``, ``counted`` or ``snapped``); else None.
    """

    meta: ImageMeta | None
    frames_from: str
    cmap_from: str | None = None
    plot: PlotArea | None = None
    given_frames: int | None = None
    figure: Figure | None = None
    n_iter: int | str | None = None
    pixels_per_frame: float | None = None


def picture_geometry(data: bytes, source: str | os.PathLike, given: ForeignParams,
                     max_pixels: int = MAX_PIXELS) -> Geometry:
    """What inverting one picture uses: its own metadata; else ``given.card``, else
    ``given.preset``; else, for a matplotlib figure with axes, its plot area and what its labels
    say (:func:`.figures.figure_meta`); else ``given`` with the frames counted from the
    column edges (a ``duration`` a frame or two off snapped to them) and the colour map found
    from the pixels where not given (:func:`specimg.image.colormap_match.picture_colormap`).

    Raises
    ------
    InputError
        Naming ``source``, if the picture cannot be read, or carries no metadata and its
        frames or colour map cannot be known.
    """
    image = open_image(data, source)
    if read_meta(image, source) is not None:
        return Geometry(None, "metadata")
    if given.card is not None:
        meta = given.card.meta_for(image.size, source)
        if given.peak_db is not None:
            meta = replace(meta, peak_db=given.peak_db)
        return Geometry(meta, "card")
    if given.preset is not None:
        return Geometry(preset_fallback(given, image.size), "preset")
    figure = find_figure(data, source)
    if figure is not None:
        meta, plot = figure_meta(figure, source, given, fallback_meta)
        cmap_from = ("given" if given.cmap is not None
                     else "figure" if "cmap" in figure.values else "found")
        return Geometry(meta, "figure", cmap_from, plot, figure=figure)
    counted = count_frames(data, source, max_pixels) if given.frames is None else None
    cmap_from = "given" if given.cmap is not None else "found"
    if cmap_from == "found":
        # its own opening: a large JPEG is decoded there at a reduced DCT scale, in place
        given = replace(given, cmap=picture_colormap(open_image(data, source), source,
                                                     given.value("low_row")))
    if given.duration is not None and counted is not None:
        stft = StftConfig(given.value("sr"), given.value("n_fft"), given.value("hop_length"))
        stated = stft.n_frames(round(given.duration * stft.sr))
        if 0 < abs(counted - stated) <= MAX_SNAP_FRAMES:
            return Geometry(fallback_meta(replace(given, duration=None), counted), "snapped",
                            cmap_from, given_frames=stated,
                            pixels_per_frame=image.size[0] / counted)
    fallback = fallback_meta(given)
    if fallback is not None:
        return Geometry(fallback, "given", cmap_from,
                        pixels_per_frame=image.size[0] / fallback.n_frames)
    if counted is None:
        raise InputError(source, "has no specimg metadata and its frames cannot be counted "
                         f"from its pixels (under {MIN_PIXELS_PER_FRAME:g} px per frame, or no "
                         "regular column edges); give --duration or --frames, or the folder's "
                         "--card")
    return Geometry(fallback_meta(given, counted), "counted", cmap_from,
                    pixels_per_frame=image.size[0] / counted)


def picture_n_iter(data: bytes, source: str | os.PathLike, geometry: Geometry) -> int:
    """The iterations a picture gets when none are given
    (:func:`specimg.phase.budget.default_n_iter`): by its STFT, its axis and the width of its
    frames in pixels (of the plot area, for a figure)."""
    image = open_image(data, source)
    meta = geometry.meta or read_meta(image, source)
    width = (geometry.plot.plot[2] - geometry.plot.plot[0] if geometry.plot is not None
             else image.size[0])
    return default_n_iter(meta.stft, meta.n_frames, meta.y_axis, width / meta.n_frames)


def consistency_checked(geometry: Geometry) -> bool:
    """Whether :func:`consistency_warning` can judge a picture: its parameters come from what
    was given, defaults and its pixels, and its frames are at least
    :data:`MIN_CHECKED_PIXELS_PER_FRAME` wide."""
    return (geometry.pixels_per_frame is not None
            and geometry.pixels_per_frame >= MIN_CHECKED_PIXELS_PER_FRAME)


def consistency_warning(sc_db: float, geometry: Geometry, given: ForeignParams,
                        names: Mapping[str, str] | None = None) -> str:
    """A warning for a picture whose parameters came from what was given, defaults and its
    pixels (not its own metadata, a card, a preset or a figure's axes), when its consistency SC
    is worse than :data:`CONSISTENCY_LIMIT_DB` allows its kind: naming the values left to
    defaults or guesses, most likely first (``names``: how to call them, e.g. the command's
    flags; by default their keywords); else ``""``, and for pictures it cannot judge
    (:func:`consistency_checked`)."""
    if not consistency_checked(geometry):
        return ""
    meta = geometry.meta
    kind = "grid" if meta.layout == "grid" else "mel" if meta.y_axis == "mel" else "specshow"
    if sc_db <= CONSISTENCY_LIMIT_DB[kind]:
        return ""
    suspects = [name for name in SUSPECTS[kind] if getattr(given, name) is None]
    if geometry.frames_from != "given":
        suspects.append("frames")
    said = ", ".join((names or {}).get(name, name) for name in suspects)
    return (f"consistency {sc_db:.1f} dB, worse than {CONSISTENCY_LIMIT_DB[kind]:g} dB, which "
            f"right parameters keep under for {kind} pictures: check {said or 'those given'}")


def invert_picture(
    data: bytes,
    source: str | os.PathLike,
    given: ForeignParams,
    *,
    method: str | None = None,
    n_iter: int | str | None = None,
    seed: int = 0,
    floor_silence: bool = True,
    max_pixels: int = MAX_PIXELS,
    workers: int = -1,
    score: bool = False,
) -> tuple[Inversion, Geometry]:
    """One picture file to audio, as ``specimg invert`` does it: its own metadata, else the
    parameters :func:`picture_geometry` finds from ``given``.

    Returns the :class:`specimg.inversion.Inversion` (normalised to
    :data:`NORMALISED_PEAK_DBFS` when the loudness is unknown) and the :class:`Geometry` it
    used, with the iterations run. ``n_iter`` None: :func:`picture_n_iter`'s. The other
    parameters are those of
    :func:`specimg.inversion.invert_image` (``seed``: its ``random_state``).
    """
    geometry = picture_geometry(data, source, given, max_pixels)
    geometry = replace(geometry, n_iter=n_iter if n_iter is not None
                       else picture_n_iter(data, source, geometry))
    options = PhaseOptions(n_iter=geometry.n_iter, random_state=seed)
    result = invert_image(
        data, source, **{**options.keywords(), "method": method}, fallback=geometry.meta,
        loudness_known=given.peak_db is not None, normalise_dbfs=NORMALISED_PEAK_DBFS,
        floor_silence=floor_silence, max_pixels=max_pixels, workers=workers, score=score,
        plot=geometry.plot,
    )
    return result, geometry
