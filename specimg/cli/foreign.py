"""The geometry of a picture without specimg metadata: frames, colour map, axis, layout, from
the flags given and what the pixels show. One decision, for ``specimg invert`` and
``specimg info``."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from ..core.spectrum import StftConfig
from ..image.codec import open_image
from ..image.colormap_match import MAX_MATCH_DISTANCE, match_colormap
from ..image.geometry import MIN_PIXELS_PER_FRAME, count_frames
from ..image.metadata import ImageMeta
from ..util.errors import InputError

__all__ = ["CONSISTENCY_LIMIT_DB", "MAX_SNAP_FRAMES", "WARNING_STATUS", "ForeignGeometry",
           "consistency_warning", "foreign_geometry"]

#: A given ``--duration`` whose frame count is this close (frames) to the count the picture's
#: column edges show gives way to the edges: a duration rounded to a tenth of a second is off
#: by up to 2 frames at hop 512 and 22050 Hz.
MAX_SNAP_FRAMES = 2
#: Exit status when every picture was inverted but some drew a consistency warning.
WARNING_STATUS = 3
#: Where a picture's frame count comes from when its parameters come from flags and pixels.
FOREIGN_SOURCES = ("given", "counted", "snapped")
#: Consistency SC (dB) that pictures inverted with the right flags stay under, by kind
#: (measured by benchmarks/consistency_warnings.py; docs/incoming/cmapgeo.md) ...
CONSISTENCY_LIMIT_DB = {"specshow": -19.0, "mel": -24.0, "grid": -19.0}
#: ... and the flags whose defaults are the likely culprits when they are not, by kind.
SUSPECT_FLAGS = {"specshow": (("y_axis", "--y-axis"), ("low_row", "--low-row"),
                              ("cmap", "--cmap")),
                 "mel": (("low_row", "--low-row"), ("cmap", "--cmap")),
                 "grid": (("low_row", "--low-row"), ("y_axis", "--y-axis"))}


@dataclass(frozen=True)
class ForeignGeometry:
    """What invert uses for a picture without metadata, and where each part comes from.

    Attributes
    ----------
    meta : ImageMeta
        The parameters.
    frames_from : str
        ``given`` (--frames or --duration), ``counted`` (from the column edges) or ``snapped``
        (--duration's count moved to the edges' by at most :data:`MAX_SNAP_FRAMES`).
    cmap_from : str
        ``given`` (--cmap) or ``found`` (:func:`specimg.image.colormap_match.match_colormap`).
    given_frames : int or None
        The count --duration gave, where it was snapped.
    """

    meta: ImageMeta
    frames_from: str
    cmap_from: str
    given_frames: int | None = None


def _frames(args: argparse.Namespace, data: bytes, path: str | os.PathLike
            ) -> tuple[int, int, str, int | None]:
    """Frames, length (samples), where from, and the snapped-from count."""
    stft = StftConfig(args.sr, args.n_fft, args.hop_length)
    if args.frames is not None:
        return args.frames, (args.frames - 1) * args.hop_length, "given", None
    counted = count_frames(data, path, args.max_pixels)
    if args.duration is not None:
        length = round(args.duration * args.sr)
        n_frames = stft.n_frames(length)
        if counted is not None and 0 < abs(counted - n_frames) <= MAX_SNAP_FRAMES:
            return counted, (counted - 1) * args.hop_length, "snapped", n_frames
        return n_frames, length, "given", None
    if counted is None:
        raise InputError(path, "has no specimg metadata and its frames cannot be counted from "
                         f"its pixels (under {MIN_PIXELS_PER_FRAME:g} px per frame, or no "
                         "regular column edges); give --duration or --frames, or the folder's "
                         "--card")
    return counted, (counted - 1) * args.hop_length, "counted", None


def _colormap(args: argparse.Namespace, data: bytes, path: str | os.PathLike) -> tuple[str, str]:
    if "cmap" in args.given:
        return args.cmap, "given"
    match = match_colormap(open_image(data, path), args.low_row)
    if match.distance > MAX_MATCH_DISTANCE:
        raise InputError(path, "has no specimg metadata and its colours lie on no matplotlib "
                         f"colour map (nearest: {match.cmap}, {match.distance:.1f} off its "
                         "curve in 8-bit units); give the map it was drawn with, --cmap")
    return match.cmap, "found"


def foreign_geometry(args: argparse.Namespace, data: bytes,
                     path: str | os.PathLike) -> ForeignGeometry:
    """The parameters ``specimg invert`` uses for a picture without metadata.

    Parameters
    ----------
    args : argparse.Namespace
        The command's flags, defaults filled (``invert.resolve_flags``; ``args.given`` names
        those given).
    data : bytes
        The picture's file.
    path : str or path-like
        Named in messages.

    Raises
    ------
    InputError
        Frames neither given nor countable; colours on no colour map (without --cmap).
    """
    n_frames, length, frames_from, given_frames = _frames(args, data, path)
    cmap, cmap_from = _colormap(args, data, path)
    meta = ImageMeta(
        StftConfig(args.sr, args.n_fft, args.hop_length), n_frames=n_frames, length=length,
        peak_db=args.peak_db if args.peak_db is not None else 0.0, top_db=args.top_db,
        encoding="foreign", cmap=cmap, y_axis=args.y_axis, n_mels=args.n_mels, fmin=args.fmin,
        fmax=args.fmax or 0.0, layout=args.layout, low_row=args.low_row,
    )
    return ForeignGeometry(meta, frames_from, cmap_from, given_frames)


def consistency_warning(sc_db: float, meta: ImageMeta, frames_from: str,
                        args: argparse.Namespace) -> str:
    """For a picture whose parameters came from flags, defaults and its pixels (not its own
    metadata, a card or a preset): a warning when its consistency SC is worse than
    :data:`CONSISTENCY_LIMIT_DB` allows its kind, naming the flags left to defaults or
    guesses, most likely first; else ``""``."""
    if frames_from not in FOREIGN_SOURCES:
        return ""
    kind = "grid" if meta.layout == "grid" else "mel" if meta.y_axis == "mel" else "specshow"
    if sc_db <= CONSISTENCY_LIMIT_DB[kind]:
        return ""
    suspects = [flag for name, flag in SUSPECT_FLAGS[kind] if name not in args.given]
    if frames_from != "given":
        suspects.append("--frames")
    return (f"consistency {sc_db:.1f} dB, worse than {CONSISTENCY_LIMIT_DB[kind]:g} dB, which "
            f"right flags keep under for {kind} pictures: check "
            f"{', '.join(suspects) or 'the flags given'}")
