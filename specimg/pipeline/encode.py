"""encode: magnitude spectrograms -> images of one encoding, and their bytes per second."""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np

from ..core.spectrum import StftConfig
from ..image.codec import encode_magnitude, image_suffix, parse_encoding
from ..image.drawing import SpecshowStyle
from ..util.errors import InputError
from ..util.fileio import write_atomic, write_json
from .common import PARAMS_FILE, map_items, read_manifest, stft_config

__all__ = ["encode_clip", "run_stage", "specshow_style"]


def encode_clip(clip: dict, args: argparse.Namespace, config: StftConfig, top_db: float,
                style: SpecshowStyle | None) -> int:
    """Write one clip's image; its size in bytes."""
    S = np.load(args.spec_dir / f"{clip['clip_id']}.mag.npy")
    data = encode_magnitude(S, config, length=int(clip["n_samples"]), top_db=top_db,
                            encoding=args.encoding, style=style)
    write_atomic(args.images_dir / f"{clip['clip_id']}{image_suffix(args.encoding)}", data)
    return len(data)


def specshow_style(params: dict, encoding: str) -> SpecshowStyle:
    """The drawing style ``encode.specshow.<encoding>`` of a specshow encoding."""
    styles = params["encode"].get("specshow") or {}
    if encoding not in styles:
        raise InputError(PARAMS_FILE, f"encode.specshow has no entry {encoding!r}: add one "
                         "(width_per_second, height, quality, cmap) for this encoding")
    try:
        return SpecshowStyle.from_params(styles[encoding], f"encode.specshow.{encoding}")
    except ValueError as exc:
        raise InputError(PARAMS_FILE, str(exc)) from None


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: every clip's spectrogram (``args.spec_dir``) as an ``args.encoding`` picture
    in ``args.images_dir``; their sizes to ``args.sizes_json``."""
    try:
        kind, _ = parse_encoding(args.encoding)
    except ValueError as exc:
        raise InputError(PARAMS_FILE, f"encode.encodings: {exc}") from None
    style = specshow_style(params, args.encoding) if kind == "specshow" else None

    manifest = read_manifest(args.clips_dir)
    work = partial(encode_clip, args=args, config=stft_config(params),
                   top_db=float(params["stft"]["top_db"]), style=style)
    sizes = map_items(work, manifest, params, f"encode {args.encoding}")
    seconds = sum(clip["duration_s"] for clip in manifest)
    write_json(args.sizes_json, {
        "bytes_per_second": round(sum(sizes) / seconds, 1),
        "bytes": sum(sizes),
        "images": len(manifest),
    })
