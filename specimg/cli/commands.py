"""The command's parser: its subcommands, from :mod:`.encode`, :mod:`.invert` and :mod:`.info`."""

from __future__ import annotations

import argparse
import re

from . import encode, info, invert
from .jobs import ClusterError, UsageError

__all__ = ["ClusterError", "UsageError", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad flag told in one line (exit status 2) rather than usage first."""

    def error(self, message: str):
        # a check's message names its flag itself: "argument --n-fft: --n-fft 3 is..." once
        message = re.sub(r"^argument [^:]+: (?=-)", "", message)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from . import __doc__ as description

    parser = _Parser(prog="specimg", description=description.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    encode.add_parser(commands)
    invert.add_parser(commands)
    info.add_parser(commands)
    return parser
