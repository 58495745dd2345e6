"""``specimg info``: what an image says about itself, and for a picture without metadata the
parameters ``specimg invert`` would use (the same decision: :func:`.invert.picture_meta`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..image.codec import MAX_PIXELS, open_image
from ..image.metadata import ImageMeta, read_meta
from ..util.errors import InputError
from .invert import add_foreign_arguments, picture_meta, resolve_flags
from .jobs import Job, describe

#: How each source of a frame count is told.
FRAMES_FROM = {"counted": "counted from the picture's column edges",
               "snapped": "counted from the column edges (--duration was a frame or two off)",
               "given": "from --frames or --duration", "card": "from --card",
               "preset": "from --preset"}


def add_parser(commands) -> None:
    """The ``info`` subcommand: the images, and the flags invert takes for pictures without
    metadata (to show what invert would use with them)."""
    info = commands.add_parser(
        "info", help="what an image says about itself",
        description="What each image's metadata says; for a picture without it, the "
        "parameters specimg invert would use with the same flags (frames counted or given, "
        "colour map found or given).")
    info.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    info.add_argument("--max-pixels", type=int, default=MAX_PIXELS,
                      help="refuse images decoding to more pixels (decompression bombs)")
    add_foreign_arguments(info)
    info.set_defaults(run=command_info)


def describe_meta(meta: ImageMeta) -> list[str]:
    """The lines that tell a picture's parameters."""
    seconds = meta.length / meta.sr
    rows = f"{meta.n_mels} mel bands" if meta.y_axis == "mel" else f"{meta.n_rows} bins"
    if meta.n_rows_kept:
        rows = f"the lowest {meta.n_rows} of {meta.n_bins} bins"
    return [f"  {rows} x {meta.n_frames} frames, {seconds:.2f} s at {meta.sr} Hz; "
            f"n_fft {meta.stft.n_fft}, hop {meta.stft.hop_length}, {meta.stft.window}, "
            f"{'centred' if meta.stft.center else 'not centred'}",
            f"  levels span {meta.peak_db - meta.top_db:.1f} .. {meta.peak_db:.1f} dB "
            f"(re amplitude 1.0), colormap {meta.cmap}, encoding {meta.encoding or '?'}"]


def describe_fallback(path: Path, data: bytes, args: argparse.Namespace) -> list[str]:
    """What invert would use for a picture without metadata, or why it would refuse it."""
    try:
        meta, frames_from, notes = picture_meta(Job(path, path), data, args)
    except InputError as exc:
        return [f"  invert would refuse it: {describe(exc)}"]
    found = any(note.startswith("colour map found") for note in notes)
    lines = ["  no specimg metadata; specimg invert with these flags would use:"]
    lines += describe_meta(meta)
    lines.append(f"  frames {FRAMES_FROM.get(frames_from, frames_from)}; colour map "
                 f"{meta.cmap} ({'found from its pixels' if found else 'given'}); "
                 f"y axis {meta.y_axis}, layout {meta.layout}, lowest band at the "
                 f"{meta.low_row}")
    return lines


def command_info(args: argparse.Namespace) -> int:
    resolve_flags(args)
    status = 0
    for path in args.images:
        try:
            data = path.read_bytes()
            image = open_image(data, path)
            meta = read_meta(image, path)
        except (OSError, InputError) as exc:
            print(f"{path}: {describe(exc)}")
            status = 1
            continue
        print(f"{path}: {image.format} {image.size[0]} x {image.size[1]} px, mode {image.mode}")
        print("\n".join(describe_meta(meta) if meta is not None
                        else describe_fallback(path, data, args)))
    return status
