"""The ``specimg`` command: recordings to spectrogram pictures and pictures back to sound,
outside the pipeline.

    specimg encode AUDIO_OR_DIR... -o OUT_DIR [--size WxH] [--format F] [options]
    specimg invert IMAGE_OR_DIR... -o OUT_DIR [--card CARD.json] [--scores FILE.csv] [options]
    specimg info IMAGE

The subcommands live in :mod:`.encode`, :mod:`.invert` and :mod:`.info`; the rules they apply
(formats, cards, inversion) in the core.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..util.fileio import exit_on_sigterm
from . import encode, invert
from .info import command_info
from .jobs import UsageError


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad flag told in one line (exit status 2) rather than usage first."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="specimg", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    encode.add_parser(commands)
    invert.add_parser(commands)
    info = commands.add_parser("info", help="what an image says about itself")
    info.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    info.set_defaults(run=command_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    exit_on_sigterm()
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"specimg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("specimg: interrupted; finished outputs are kept, none is partial: run the same "
              "command again to do the rest", file=sys.stderr)
        return 130


