"""The checks between the flags of ``specimg invert`` (each flag's own check is its argparse
type): the same :mod:`specimg.util.checks` that ``params.yaml`` goes through."""

from __future__ import annotations

import argparse

from ..image.presets import PRESETS
from ..util import checks
from ..util.errors import ParameterError
from .jobs import UsageError

__all__ = ["check_invert_flags"]


def check_invert_flags(args: argparse.Namespace) -> None:
    """Hop within n_fft, ``0 <= fmin < fmax <= sr / 2``, a ``--duration`` of two frames or
    more, and not both ``--frames`` and ``--duration``: :class:`UsageError` (one line, exit 2)
    otherwise.

    ``args`` has its parameters filled (``resolve_flags``; ``args.given`` names the flags
    given); with ``--preset``, a flag left out takes the preset's value.
    """
    preset = PRESETS[args.preset].meta(2) if args.preset is not None else None
    sr, n_fft, hop, fmin = (
        getattr(args, name) if preset is None or name in args.given
        else getattr(preset if name == "fmin" else preset.stft, name)
        for name in ("sr", "n_fft", "hop_length", "fmin"))
    fmax = args.fmax if args.fmax is not None or preset is None else preset.fmax or None
    names = checks.flag_names("sr", "n_fft", "hop_length", "fmin", "fmax", "frames", "duration")
    try:
        checks.check_stft(n_fft=n_fft, hop_length=hop, names=names)
        checks.check_band(fmin=fmin, fmax=fmax, sr=sr, names=names)
        checks.check_length(frames=args.frames, duration=args.duration, sr=sr, hop_length=hop,
                            names=names)
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
