"""encode: magnitude spectrograms -> images of one encoding, and their bytes per second."""

from __future__ import annotations

import argparse
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from specimg.fileio import write_atomic, write_json
from specimg.image import ImageMeta, encode_levels, image_suffix, parse_encoding, render_specshow
from specimg.spectrum import magnitude_to_unit, peak_db
from stages.common import load_params, map_items, read_manifest, run, stft_config


def encode_clip(clip: dict, args: argparse.Namespace, params: dict) -> int:
    """Write one clip's image; its size in bytes."""
    config = stft_config(params)
    top_db = float(params["stft"]["top_db"])
    specshow = params["encode"]["specshow"]
    S = np.load(args.spec_dir / f"{clip['clip_id']}.mag.npy")
    peak = peak_db(S)
    levels = magnitude_to_unit(S, peak, top_db)
    meta = ImageMeta(**config.as_dict(), n_frames=S.shape[1], length=int(clip["n_samples"]),
                     peak_db=peak, top_db=top_db, encoding=args.encoding)
    if parse_encoding(args.encoding)[0] == "specshow":
        # The user's picture: specshow spans the dB values' own min..max.
        db = peak - top_db + top_db * levels
        meta = replace(meta, top_db=float(db.max() - db.min()), cmap=specshow["cmap"])
        data = render_specshow(db, meta, tuple(specshow["figsize"]), float(specshow["dpi"]),
                               int(specshow["quality"]))
    else:
        data = encode_levels(levels, meta)
    write_atomic(args.images_dir / f"{clip['clip_id']}{image_suffix(args.encoding)}", data)
    return len(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoding", required=True)
    parser.add_argument("clips_dir", type=Path, help="for the manifest")
    parser.add_argument("spec_dir", type=Path)
    parser.add_argument("images_dir", type=Path)
    parser.add_argument("sizes_json", type=Path)
    args = parser.parse_args()
    params = load_params()
    parse_encoding(args.encoding)  # a bad name fails here, once

    manifest = read_manifest(args.clips_dir)
    sizes = map_items(partial(encode_clip, args=args, params=params),
                      manifest.to_dict("records"), params, f"encode {args.encoding}")
    seconds = float(manifest["duration_s"].sum())
    write_json(args.sizes_json, {
        "bytes_per_second": round(sum(sizes) / seconds, 1),
        "bytes": sum(sizes),
        "images": len(manifest),
    })


if __name__ == "__main__":
    run("stages.encode")
