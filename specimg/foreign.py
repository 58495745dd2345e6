"""Pictures without specimg metadata: their parameters from what is given (a card, a preset, the
values a user knows), else librosa's defaults; and a picture file to audio by those rules.

``specimg invert`` (its flags) and :func:`specimg.invert` (its keyword arguments) both fill a
:class:`ForeignParams` and call :func:`invert_picture`, so they decide the same way.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING

from .core.spectrum import StftConfig
from .figures import Figure, figure_meta, find_figure, read_values
from .image.codec import MAX_PIXELS, open_image
from .image.colormap_match import picture_colormap
from .image.figure import PlotArea
from .image.geometry import MIN_PIXELS_PER_FRAME, count_frames
from .image.metadata import ImageMeta, read_meta
from .image.presets import PRESETS, preset_meta
from .inversion import Inversion, invert_image
from .phase.options import PhaseOptions
from .util import checks
from .util.errors import InputError

if TYPE_CHECKING:
    from .image.card import Card

__all__ = ["CONSISTENCY_LIMIT_DB", "FOREIGN_DEFAULTS", "MAX_SNAP_FRAMES", "NORMALISED_PEAK_DBFS",
           "ForeignParams", "Geometry", "consistency_warning", "fallback_meta", "invert_picture",
           "picture_geometry", "preset_fallback"]

#: Parameters of pictures without metadata when no flag gives them (librosa's defaults, and
#: specshow's drawing).
FOREIGN_DEFAULTS = {"sr": 22050, "n_fft": 2048, "hop_length": 512, "top_db": 80.0,
                    "cmap": "gray", "y_axis": "hz", "n_mels": 128, "fmin": 0.0,
                    "layout": "specshow", "low_row": "bottom"}
#: Sample peak (dB re full scale) of audio whose picture carries no loudness.
NORMALISED_PEAK_DBFS = -1.0
#: A given duration whose frame count is this close (frames) to the count the picture's column
#: edges show gives way to the edges: a duration rounded to a tenth of a second is off by up
#: to 2 frames at hop 512 and 22050 Hz.
MAX_SNAP_FRAMES = 2
#: Consistency SC (dB) that pictures inverted with the right parameters stay under, by kind
#: (measured by benchmarks/consistency_warnings.py; docs/inverting.md) ...
CONSISTENCY_LIMIT_DB = {"specshow": -19.0, "mel": -24.0, "grid": -19.0}
#: ... and the parameters whose defaults are the likely culprits when they are not, by kind.
SUSPECTS = {"specshow": ("y_axis", "low_row", "cmap"), "mel": ("low_row", "cmap"),
            "grid": ("low_row", "y_axis")}

#: The range check of each value :class:`ForeignParams` may be given.
_VALUE_CHECKS = {"sr": checks.sample_rate, "n_fft": checks.fft_size,
                 "hop_length": checks.hop_length, "top_db": checks.top_db,
                 "n_mels": checks.n_mels, "fmin": checks.fmin, "fmax": checks.fmax,
                 "frames": checks.frame_count, "duration": checks.duration,
                 "peak_db": checks.peak_db}


@dataclass(frozen=True)
class ForeignParams:
    """What is given about pictures without specimg metadata; None: not given.

    The fields named in :data:`FOREIGN_DEFAULTS` take their default there when not given
    (:meth:`value`); a ``preset`` gives way only to those given.

    Attributes
    ----------
    sr : int, optional
        Sample rate (Hz).
    n_fft, hop_length : int, optional
        FFT size and hop (samples).
    top_db : float, optional
        dB range from black to white.
    cmap : str, optional
        matplotlib colour map the picture was drawn with.
    y_axis : {"hz", "mel", "log"}, optional
        specshow's ``y_axis``; mel pictures are dB of mel power.
    n_mels : int, optional
        Mel bands.
    fmin, fmax : float, optional
        Lowest and highest mel frequency (Hz; ``fmax`` None: ``sr / 2``).
    layout : {"specshow", "grid"}, optional
        Drawn by ``librosa.display.specshow``, or one uniform row per band.
    low_row : {"bottom", "top"}, optional
        Where the lowest band is.
    preset : str, optional
        A known format's parameters (:data:`specimg.image.presets.PRESETS`).
    frames : int, optional
        STFT frames in each picture; with neither ``frames`` nor ``duration`` they are
        counted from the picture's cell edges.
    duration : float, optional
        Seconds of audio in each picture.
    peak_db : float, optional
        Level of the brightest pixel (dB re amplitude 1.0); None: unknown, the audio is
        normalised to :data:`NORMALISED_PEAK_DBFS`.
    card : Card, optional
        The card of the folder's pictures (:func:`specimg.image.card.read_card`): every
        parameter but the loudness; nothing else but ``peak_db`` may be given with it.
    """

    sr: int | None = None
    n_fft: int | None = None
    hop_length: int | None = None
    top_db: float | None = None
    cmap: str | None = None
    y_axis: str | None = None
    n_mels: int | None = None
    fmin: float | None = None
    layout: str | None = None
    low_row: str | None = None
    fmax: float | None = None
    preset: str | None = None
    frames: int | None = None
    duration: float | None = None
    peak_db: float | None = None
    card: Card | None = None

    @property
    def given(self) -> set[str]:
        """The names of :data:`FOREIGN_DEFAULTS` given."""
        return {name for name in FOREIGN_DEFAULTS if getattr(self, name) is not None}

    def value(self, name: str) -> object:
        """The field ``name``: as given, else its :data:`FOREIGN_DEFAULTS` entry."""
        value = getattr(self, name)
        return FOREIGN_DEFAULTS.get(name) if value is None else value

    def check(self, names: Mapping[str, str] | None = None) -> None:
        """Each value given within its range, and the values together: hop within n_fft,
        ``0 <= fmin < fmax <= sr / 2``, a duration of two frames or more, not both frames and
        duration; with a preset, a value left out is the preset's.

        Parameters
        ----------
        names : mapping, optional
            How to name each value in a message (the command's flags,
            :func:`specimg.util.checks.flag_names`); by default its keyword.

        Raises
        ------
        ParameterError
            Naming the first value that is out of range, and what is allowed.
        """
        for name, check in _VALUE_CHECKS.items():
            if getattr(self, name) is not None:
                check(getattr(self, name), (names or {}).get(name, name))
        preset = PRESETS[self.preset].meta(2) if self.preset is not None else None
        sr, n_fft, hop, fmin = (
            self.value(name) if preset is None or name in self.given
            else getattr(preset if name == "fmin" else preset.stft, name)
            for name in ("sr", "n_fft", "hop_length", "fmin"))
        fmax = self.fmax if self.fmax is not None or preset is None else preset.fmax or None
        checks.check_stft(n_fft=n_fft, hop_length=hop, names=names)
        checks.check_band(fmin=fmin, fmax=fmax, sr=sr, names=names)
        checks.check_length(frames=self.frames, duration=self.duration, sr=sr, hop_length=hop,
                            names=names)

    def beside_card(self) -> list[str]:
        """The fields given that a card gives too (a card leaves only ``peak_db`` open)."""
        if self.card is None:
            return []
        return [field.name for field in fields(self)
                if field.name not in ("card", "peak_db") and getattr(self, field.name) is not None]


def fallback_meta(given: ForeignParams, counted_frames: int | None = None) -> ImageMeta | None:
    """Parameters for images without specimg metadata, from ``given`` (None if incomplete).

    Without ``frames`` or ``duration``, ``counted_frames`` (counted from the picture) gives
    the length: ``(frames - 1) * hop``, within one hop of the original.
    """
    sr, hop_length = given.value("sr"), given.value("hop_length")
    stft = StftConfig(sr, given.value("n_fft"), hop_length)
    if given.frames is not None or counted_frames is not None:
        n_frames = given.frames if given.frames is not None else counted_frames
        length = (n_frames - 1) * hop_length
    elif given.duration is not None:
        length = round(given.duration * sr)
        n_frames = stft.n_frames(length)
    else:
        return None
    return ImageMeta(
        stft, n_frames=n_frames, length=length,
        peak_db=given.peak_db if given.peak_db is not None else 0.0,
        top_db=given.value("top_db"), encoding="foreign", cmap=given.value("cmap"),
        y_axis=given.value("y_axis"), n_mels=given.value("n_mels"), fmin=given.value("fmin"),
        fmax=given.fmax or 0.0, layout=given.value("layout"), low_row=given.value("low_row"),
    )


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
    """

    meta: ImageMeta | None
    frames_from: str
    cmap_from: str | None = None
    plot: PlotArea | None = None
    given_frames: int | None = None
    figure: Figure | None = None


def picture_geometry(data: bytes, source: str | os.PathLike, given: ForeignParams,
                     max_pixels: int = MAX_PIXELS) -> Geometry:
    """What inverting one picture uses: its own metadata; else ``given.card``, else
    ``given.preset``; else, for a matplotlib figure with axes, its plot area and what its labels
    say (:func:`specimg.figures.figure_meta`); else ``given`` with the frames counted from the
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
                     else "figure" if "cmap" in read_values(figure) else "found")
        return Geometry(meta, "figure", cmap_from, plot, figure=figure)
    counted = count_frames(data, source, max_pixels) if given.frames is None else None
    cmap_from = "given" if given.cmap is not None else "found"
    if cmap_from == "found":
        given = replace(given, cmap=picture_colormap(image, source, given.value("low_row")))
    if given.duration is not None and counted is not None:
        stft = StftConfig(given.value("sr"), given.value("n_fft"), given.value("hop_length"))
        stated = stft.n_frames(round(given.duration * stft.sr))
        if 0 < abs(counted - stated) <= MAX_SNAP_FRAMES:
            return Geometry(fallback_meta(replace(given, duration=None), counted), "snapped",
                            cmap_from, given_frames=stated)
    fallback = fallback_meta(given)
    if fallback is not None:
        return Geometry(fallback, "given", cmap_from)
    if counted is None:
        raise InputError(source, "has no specimg metadata and its frames cannot be counted "
                         f"from its pixels (under {MIN_PIXELS_PER_FRAME:g} px per frame, or no "
                         "regular column edges); give --duration or --frames, or the folder's "
                         "--card")
    return Geometry(fallback_meta(given, counted), "counted", cmap_from)


def consistency_warning(sc_db: float, geometry: Geometry, given: ForeignParams,
                        names: Mapping[str, str] | None = None) -> str:
    """A warning for a picture whose parameters came from what was given, defaults and its
    pixels (not its own metadata, a card, a preset or a figure's axes), when its consistency SC
    is worse than :data:`CONSISTENCY_LIMIT_DB` allows its kind: naming the values left to
    defaults or guesses, most likely first (``names``: how to call them, e.g. the command's
    flags; by default their keywords); else ``""``."""
    if geometry.frames_from not in ("given", "counted", "snapped"):
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


def preset_fallback(given: ForeignParams, size: tuple[int, int]) -> ImageMeta:
    """The parameters of a picture of ``size`` (px) in ``given.preset``'s format
    (:func:`specimg.image.presets.preset_meta`: one frame a column, one band a row), with the
    values given in its place; with one that changes the STFT, or ``frames`` or
    ``duration``, the length follows from them as for any picture without metadata."""
    meta = preset_meta(given.preset, *size)
    stft = replace(meta.stft, **{name: getattr(given, name)
                                 for name in ("sr", "n_fft", "hop_length")
                                 if name in given.given})
    own = {name: getattr(given, name) for name in FOREIGN_DEFAULTS
           if name in given.given and name not in ("sr", "n_fft", "hop_length")}
    own.update({name: getattr(given, name) for name in ("fmax", "peak_db")
                if getattr(given, name) is not None})
    meta = replace(meta, stft=stft, **own)
    if given.duration is not None:
        length = round(given.duration * stft.sr)
        return replace(meta, n_frames=stft.n_frames(length), length=length)
    if given.frames is not None or stft != preset_meta(given.preset, *size).stft:
        frames = given.frames or meta.n_frames
        return replace(meta, n_frames=frames, length=(frames - 1) * stft.hop_length)
    return meta


def invert_picture(
    data: bytes,
    source: str | os.PathLike,
    given: ForeignParams,
    *,
    method: str | None = None,
    n_iter: int | str = 100,
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
    used. The other parameters are those of
    :func:`specimg.inversion.invert_image` (``seed``: its ``random_state``).
    """
    geometry = picture_geometry(data, source, given, max_pixels)
    options = PhaseOptions(n_iter=n_iter, random_state=seed)
    result = invert_image(
        data, source, **{**options.keywords(), "method": method}, fallback=geometry.meta,
        loudness_known=given.peak_db is not None, normalise_dbfs=NORMALISED_PEAK_DBFS,
        floor_silence=floor_silence, max_pixels=max_pixels, workers=workers, score=score,
        plot=geometry.plot,
    )
    return result, geometry
