"""What every stage script needs: ``params.yaml``, its argument paths, and running its main.

The stages' work (the manifest, the per-clip map, the tables) lives in
:mod:`specimg.pipeline`; this module is the DVC side of it.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import yaml

from specimg.pipeline.common import PARAMS_FILE
from specimg.util.errors import InputError, OutputError, ParameterError
from specimg.util.fileio import exit_on_sigterm
from stages.schema import check_params


def load_params() -> dict:
    """All of ``params.yaml``, every key checked (:func:`stages.schema.check_params`);
    :class:`InputError` naming the first problem, before the stage does any work."""
    try:
        with open(PARAMS_FILE, encoding="utf-8") as handle:
            params = yaml.safe_load(handle)
    except OSError as exc:
        raise InputError(PARAMS_FILE, f"cannot be read ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        raise InputError(PARAMS_FILE, f"is not valid YAML ({getattr(exc, 'problem', exc)}"
                         + (f", line {where.line + 1})" if where else ")")) from None
    try:
        check_params(params)
    except ParameterError as exc:
        raise InputError(PARAMS_FILE, str(exc)) from None
    return params


def absolute(text: str) -> Path:
    """An argument path made absolute: work handed to a worker on another machine names its
    files by the path they have on the shared file system."""
    return Path(text).resolve()


def run(module: str) -> None:
    """Run the ``main()`` of the stage ``module``; an input problem ends it with one line.

    The stage is imported by name, not run as ``__main__``, so that it runs once under one
    name; the functions it hands to worker processes or a Dask cluster live in
    :mod:`specimg.pipeline` and pickle by reference (``specimg.pipeline.invert.invert_clip``).
    """
    exit_on_sigterm()
    try:
        importlib.import_module(module).main()
    except (InputError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted: no partial output was kept; run again to finish", file=sys.stderr)
        sys.exit(130)
