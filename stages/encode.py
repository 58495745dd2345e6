"""encode: magnitude spectrograms -> images of one encoding, and their bytes per second."""

from __future__ import annotations

import argparse
from functools import partial

import numpy as np

from specimg.core.spectrum import StftConfig
from specimg.image.codec import encode_magnitude, image_suffix, parse_encoding
from specimg.image.drawing import SpecshowStyle
from specimg.util.errors import InputError
from specimg.util.fileio import write_atomic, write_json
from stages.common import (
    PARAMS_FILE,
    absolute,
    load_params,
    map_items,
    read_manifest,
    run,
    stft_config,
)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoding", required=True)
    parser.add_argument("clips_dir", type=absolute, help="for the manifest")
    parser.add_argument("spec_dir", type=absolute)
    parser.add_argument("images_dir", type=absolute)
    parser.add_argument("sizes_json", type=absolute)
    args = parser.parse_args()
    params = load_params()
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


if __name__ == "__main__":
    run("stages.encode")
