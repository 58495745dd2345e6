"""``specimg info``: what an image says about itself, and for a picture without metadata the
parameters ``specimg invert`` would use with the same flags (the same decision:
:func:`specimg.foreign.picture_geometry`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..foreign import ForeignParams, Geometry, picture_geometry, picture_n_iter
from ..foreign.figures import describe_figure
from ..image.codec import MAX_PIXELS, open_image
from ..image.metadata import ImageMeta, read_meta
from ..util import checks
from ..util.errors import InputError
from .invert import add_foreign_arguments, resolve_flags
from .jobs import describe, flag_type

#: How each source of a frame count is told.
FRAMES_FROM = {"counted": "counted from the picture's column edges",
               "snapped": "counted from the column edges (--duration was a frame or two off)",
               "given": "from --frames or --duration", "card": "from --card",
               "preset": "from --preset",
               "figure": "from the figure's time axis and the cells of its plot area"}
#: How each source of a colour map is told.
CMAP_FROM = {"given": "given", "found": "found from its pixels",
             "figure": "read from the figure's colour bar"}


def add_parser(commands) -> None:
    """The ``info`` subcommand: the images, and the flags invert takes for pictures without
    metadata (to show what invert would use with them)."""
    info = commands.add_parser(
        "info", help="what an image says about itself",
        description="What each image's metadata says; for a picture without it, the "
        "parameters specimg invert would use with the same flags (frames counted or given, "
        "colour map found or given, a figure's axes read).")
    info.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    info.add_argument("--max-pixels", type=flag_type(checks.max_pixels, "--max-pixels"),
                      default=MAX_PIXELS,
                      help="refuse images decoding to more pixels (decompression bombs)")
    add_foreign_arguments(info)
    info.set_defaults(run=command_info)


def describe_meta(meta: ImageMeta, n_iter: int) -> list[str]:
    """The lines that tell a picture's parameters and the iterations invert would run."""
    seconds = meta.length / meta.sr
    rows = f"{meta.n_mels} mel bands" if meta.y_axis == "mel" else f"{meta.n_rows} bins"
    if meta.n_rows_kept:
        rows = f"the lowest {meta.n_rows} of {meta.n_bins} bins"
    return [f"  {rows} x {meta.n_frames} frames, {seconds:.2f} s at {meta.sr} Hz; "
            f"n_fft {meta.stft.n_fft}, hop {meta.stft.hop_length}, {meta.stft.window}, "
            f"{'centred' if meta.stft.center else 'not centred'}",
            f"  levels span {meta.peak_db - meta.top_db:.1f} .. {meta.peak_db:.1f} dB "
            f"(re amplitude 1.0), colormap {meta.cmap}, encoding {meta.encoding or '?'}",
            f"  phase iterations without --n-iter: {n_iter}"]


def describe_fallback(path: Path, data: bytes, given: ForeignParams,
                      max_pixels: int) -> list[str]:
    """What invert would use for a picture without metadata, or why it would refuse it."""
    try:
        geometry = picture_geometry(data, path, given, max_pixels)
    except InputError as exc:
        return [f"  invert would refuse it: {describe(exc)}"]
    meta = geometry.meta
    lines = describe_figure(geometry.figure) if geometry.figure is not None else []
    lines.append("  no specimg metadata; specimg invert with these flags would use:")
    lines += describe_meta(meta, picture_n_iter(data, path, geometry))
    snapped = (f" (--duration gave {geometry.given_frames})"
               if geometry.given_frames is not None else "")
    cmap = (f"; colour map {meta.cmap} ({CMAP_FROM[geometry.cmap_from]})"
            if geometry.cmap_from else "")
    lines.append(f"  frames {FRAMES_FROM.get(geometry.frames_from, geometry.frames_from)}"
                 f"{snapped}{cmap}; y axis {meta.y_axis}, layout {meta.layout}, lowest band at "
                 f"the {meta.low_row}")
    return lines


def command_info(args: argparse.Namespace) -> int:
    given = resolve_flags(args)
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
        print("\n".join(describe_meta(meta, picture_n_iter(data, path, Geometry(None, "metadata")))
                        if meta is not None
                        else describe_fallback(path, data, given, args.max_pixels)))
    return status
