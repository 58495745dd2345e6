"""The ``specimg`` command: invert spectrogram images and folders of them, outside the pipeline.

    specimg invert IMAGE_OR_DIR... -o OUT_DIR [options]
    specimg info IMAGE
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..image.codec import MAX_PIXELS
from ..phase import DEFAULT_METHOD, METHODS, parse_n_iter
from ..util.fileio import exit_on_sigterm
from ..util.parallel import available_cores
from .info import command_info
from .invert import command_invert


def _n_iter(value: str) -> int | str:
    try:
        return parse_n_iter(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="specimg", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    invert = commands.add_parser(
        "invert", help="spectrogram images to audio",
        description="Invert spectrogram images to audio. Images made by specimg carry their "
        "parameters; for others, the flags give them (librosa's defaults).")
    invert.add_argument("inputs", nargs="+", type=Path, metavar="IMAGE_OR_DIR")
    invert.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR")
    invert.add_argument("-j", "--jobs", type=int, default=available_cores(),
                        help="images inverted at once (default: all cores)")
    invert.add_argument("--overwrite", action="store_true", help="redo existing outputs")
    invert.add_argument("--format", choices=("wav", "flac"), default="wav")
    invert.add_argument("--method", choices=METHODS[1:], default=DEFAULT_METHOD)
    invert.add_argument("--n-iter", type=_n_iter, default=100,
                        help="phase iterations, or 'auto': stop when they stop improving")
    invert.add_argument("--seed", type=int, default=0)
    invert.add_argument("--floor-silence", action=argparse.BooleanOptionalAction, default=True,
                        help="decode pixels at the dB floor as silence (default; raises speech "
                        "PESQ by about 1)")
    invert.add_argument("--max-pixels", type=int, default=MAX_PIXELS,
                        help="refuse images decoding to more pixels (decompression bombs)")
    foreign = invert.add_argument_group("images without specimg metadata")
    foreign.add_argument("--sr", type=int, default=22050)
    foreign.add_argument("--n-fft", type=int, default=2048)
    foreign.add_argument("--hop-length", type=int, default=512)
    foreign.add_argument("--duration", type=float, help="seconds of audio in each image")
    foreign.add_argument("--frames", type=int, help="STFT frames in each image")
    foreign.add_argument("--top-db", type=float, default=80.0,
                         help="dB range from black to white")
    foreign.add_argument("--peak-db", type=float,
                         help="level of the brightest pixel, dB re amplitude 1.0 "
                         "(unknown: output normalised)")
    foreign.add_argument("--cmap", default="gray", help="matplotlib colormap of the picture")
    foreign.add_argument("--y-axis", choices=("hz", "mel", "log"), default="hz",
                         help="specshow's y_axis; mel pictures are dB of mel power")
    foreign.add_argument("--n-mels", type=int, default=128)
    foreign.add_argument("--fmin", type=float, default=0.0, help="lowest mel frequency (Hz)")
    foreign.add_argument("--fmax", type=float, help="highest mel frequency (Hz; default sr/2)")
    foreign.add_argument("--layout", choices=("specshow", "grid"), default="specshow",
                         help="specshow: drawn by librosa.display.specshow; grid: one uniform "
                         "row per band (audio-diffusion's images)")
    foreign.add_argument("--low-row", choices=("bottom", "top"), default="bottom",
                         help="where the lowest band is (audio-diffusion: top)")
    invert.set_defaults(run=command_invert)

    info = commands.add_parser("info", help="what an image says about itself")
    info.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    info.set_defaults(run=command_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    exit_on_sigterm()
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("specimg: interrupted; finished outputs are kept, none is partial: run the same "
              "command again to do the rest", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
