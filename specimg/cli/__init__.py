"""The ``specimg`` command: recordings to spectrogram pictures and pictures back to sound,
outside the pipeline.

    specimg encode AUDIO_OR_DIR... -o OUT_DIR [--size WxH] [--format F] [options]
    specimg invert IMAGE_OR_DIR... -o OUT_DIR [--card CARD.json] [--scores FILE.csv] [options]
    specimg info IMAGE

The subcommands live in :mod:`.encode`, :mod:`.invert` and :mod:`.info`; the rules they apply
(formats, cards, inversion) in the core.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Sequence

from ..util.errors import OutputError
from ..util.fileio import exit_on_sigterm

INTERRUPTED = ("specimg: interrupted; finished outputs are kept, none is partial: run the same "
               "command again to do the rest")


@contextlib.contextmanager
def _signals_held():
    """Hold Ctrl-C and SIGTERM until the block is done, then act on the first that came.

    Around the libraries' imports: a signal inside a C extension's import (numpy's) surfaces
    as an ImportError with a traceback, not as an interrupt."""
    held: list[int] = []
    previous = {sig: signal.signal(sig, lambda signum, frame: held.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if held:
        signal.raise_signal(held[0])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit status. Ctrl-C or SIGTERM at any point, the imports of the
    libraries included, ends it with one line and no partial output (status 130 or 143)."""
    exit_on_sigterm()
    try:
        with _signals_held():
            from .commands import ClusterError, UsageError, build_parser  # numpy...: seconds

        args = build_parser().parse_args(argv)
        try:
            return args.run(args)
        except (UsageError, ClusterError) as exc:
            print(f"specimg {args.command}: error: {exc}", file=sys.stderr)
            return 2 if isinstance(exc, UsageError) else 1
        except OutputError as exc:  # a file of the whole run (--scores, the card)
            print(f"specimg {args.command}: error: {exc}", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print(INTERRUPTED, file=sys.stderr)
        return 130
