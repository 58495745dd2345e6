"""Parameters of pictures without specimg metadata: the ones given, else librosa's defaults."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from .core.spectrum import StftConfig
from .image.codec import open_image
from .image.geometry import count_frames
from .image.metadata import ImageMeta, read_meta
from .image.presets import preset_meta
from .util.errors import InputError

if TYPE_CHECKING:
    from .cli.jobs import Job

#: Parameters of pictures without metadata when no flag gives them (librosa's defaults, and
#: specshow's drawing).
FOREIGN_DEFAULTS = {"sr": 22050, "n_fft": 2048, "hop_length": 512, "top_db": 80.0,
                    "cmap": "gray", "y_axis": "hz", "n_mels": 128, "fmin": 0.0,
                    "layout": "specshow", "low_row": "bottom"}


def fallback_meta(args: argparse.Namespace, counted_frames: int | None = None) -> ImageMeta | None:
    """Parameters for images without specimg metadata, from the flags (None if incomplete).

    Without ``--frames`` or ``--duration``, ``counted_frames`` (counted from the picture) gives
    the length: ``(frames - 1) * hop``, within one hop of the original.
    """
    stft = StftConfig(args.sr, args.n_fft, args.hop_length)
    if args.frames is not None or counted_frames is not None:
        n_frames = args.frames if args.frames is not None else counted_frames
        length = (n_frames - 1) * args.hop_length
    elif args.duration is not None:
        length = round(args.duration * args.sr)
        n_frames = stft.n_frames(length)
    else:
        return None
    return ImageMeta(
        stft, n_frames=n_frames, length=length,
        peak_db=args.peak_db if args.peak_db is not None else 0.0, top_db=args.top_db,
        encoding="foreign", cmap=args.cmap, y_axis=args.y_axis, n_mels=args.n_mels,
        fmin=args.fmin, fmax=args.fmax or 0.0, layout=args.layout, low_row=args.low_row,
    )


def picture_meta(job: Job, data: bytes, args: argparse.Namespace) -> tuple[ImageMeta | None, str]:
    """The fallback parameters of one picture, and where its frame count comes from:
    ``metadata`` (its own; no fallback), ``card``, ``given`` (flags) or ``counted``."""
    image = open_image(data, job.source)
    if read_meta(image, job.source) is not None:
        return None, "metadata"
    if args.card is not None:
        meta = args.card.meta_for(image.size, job.source)
        if args.peak_db is not None:
            meta = replace(meta, peak_db=args.peak_db)
        return meta, "card"
    if args.preset is not None:
        return preset_fallback(args, image.size), "preset"
    fallback = fallback_meta(args)
    if fallback is not None:
        return fallback, "given"
    counted = count_frames(data, job.source, args.max_pixels)
    if counted is None:
        raise InputError(job.source, "has no specimg metadata and its frames cannot be "
                         "counted from its pixels (under 3 px per frame, or no edges); "
                         "give --duration or --frames, or the folder's --card")
    return fallback_meta(args, counted), "counted"


def preset_fallback(args: argparse.Namespace, size: tuple[int, int]) -> ImageMeta:
    """The parameters of a picture of ``size`` (px) in ``--preset``'s format
    (:func:`specimg.image.presets.preset_meta`: one frame a column, one band a row), with the
    flags given in its place; with a flag that changes the STFT, or ``--frames`` or
    ``--duration``, the length follows from them as for any picture without metadata."""
    meta = preset_meta(args.preset, *size)
    stft = replace(meta.stft, **{name: getattr(args, name) for name in ("sr", "n_fft", "hop_length")
                                 if name in args.given})
    own = {name: getattr(args, name) for name in FOREIGN_DEFAULTS
           if name in args.given and name not in ("sr", "n_fft", "hop_length")}
    own.update({name: getattr(args, name) for name in ("fmax", "peak_db")
                if getattr(args, name) is not None})
    meta = replace(meta, stft=stft, **own)
    if args.duration is not None:
        length = round(args.duration * stft.sr)
        return replace(meta, n_frames=stft.n_frames(length), length=length)
    if args.frames is not None or stft != preset_meta(args.preset, *size).stft:
        frames = args.frames or meta.n_frames
        return replace(meta, n_frames=frames, length=(frames - 1) * stft.hop_length)
    return meta
