"""``specimg info``: what an image says about itself."""

from __future__ import annotations

import argparse

from ..figures import describe_figure, find_figure
from ..image.codec import open_image
from ..image.metadata import read_meta
from ..util.errors import InputError
from .jobs import describe


def command_info(args: argparse.Namespace) -> int:
    status = 0
    for path in args.images:
        try:
            data = path.read_bytes()
            image = open_image(data, path)
            meta = read_meta(image, path)
            figure = find_figure(data, path) if meta is None else None
        except (OSError, InputError) as exc:
            print(f"{path}: {describe(exc)}")
            status = 1
            continue
        print(f"{path}: {image.format} {image.size[0]} x {image.size[1]} px, mode {image.mode}")
        if meta is None:
            if figure is not None:
                print("\n".join(describe_figure(figure)))
                continue
            print("  no specimg metadata: invert with --sr, --n-fft, --hop-length, --duration "
                  "(or --frames), --top-db, --peak-db, --cmap")
            continue
        seconds = meta.length / meta.sr
        rows = f"{meta.n_mels} mel bands" if meta.y_axis == "mel" else f"{meta.n_rows} bins"
        if meta.n_rows_kept:
            rows = f"the lowest {meta.n_rows} of {meta.n_bins} bins"
        print(f"  {rows} x {meta.n_frames} frames, {seconds:.2f} s at {meta.sr} Hz; "
              f"n_fft {meta.stft.n_fft}, hop {meta.stft.hop_length}, {meta.stft.window}, "
              f"{'centred' if meta.stft.center else 'not centred'}")
        print(f"  levels span {meta.peak_db - meta.top_db:.1f} .. {meta.peak_db:.1f} dB "
              f"(re amplitude 1.0), colormap {meta.cmap}, encoding {meta.encoding or '?'}")
    return status


