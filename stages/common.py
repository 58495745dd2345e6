"""What every stage needs: params, the STFT settings, the clip manifest, and the per-clip map.

:func:`map_items` runs a stage's per-clip function over its clips on the executor that
``params.yaml``'s ``parallel`` section names: a local pool of ``n_jobs`` processes, or a Dask
cluster. Results come back in input order, so outputs do not depend on where or how many
workers ran; ``parallel`` is deliberately not a DVC param of any stage.
"""

from __future__ import annotations

import csv
import importlib
import io
import math
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from tqdm import tqdm

from specimg.core.spectrum import StftConfig
from specimg.util.errors import InputError, OutputError, ParameterError
from specimg.util.fileio import exit_on_sigterm
from specimg.util.parallel import EXECUTORS, imap
from stages.schema import check_params

if TYPE_CHECKING:  # pandas costs 0.2 s of start-up, and most stages never need it
    import pandas as pd

PARAMS_FILE = Path("params.yaml")
MANIFEST_NAME = "manifest.csv"
CONVERGENCE_NAME = "convergence.csv"  # beside each invert stage's audio
#: The manifest's numeric columns (seconds, samples, Hz) and their types.
MANIFEST_NUMBERS = {"offset_s": float, "duration_s": float, "audio_s": float, "n_samples": int,
                    "sr": int}


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


def stft_config(params: dict) -> StftConfig:
    """The pipeline's STFT: ``segment.sr`` and the ``stft`` section."""
    stft = params["stft"]
    return StftConfig(
        sr=int(params["segment"]["sr"]),
        n_fft=int(stft["n_fft"]),
        hop_length=int(stft["hop_length"]),
        window=str(stft["window"]),
        center=bool(stft["center"]),
    )


def read_manifest(clips_dir: Path) -> list[dict]:
    """The clip manifest written by the segment stage: one dict per clip, in clip order, its
    numbers as numbers (the other columns, ``clip_id`` included, as text)."""
    with open(clips_dir / MANIFEST_NAME, encoding="utf-8", newline="") as handle:
        return [{key: MANIFEST_NUMBERS.get(key, str)(value) for key, value in row.items()}
                for row in csv.DictReader(handle)]


def csv_text(rows: Iterable[Mapping], columns: Sequence[str],
             float_format: str | None = "%.4f") -> str:
    """Rows as CSV with stable bytes: a header of ``columns``, LF line ends, floats with
    ``float_format`` (4 decimals by default; None for their shortest repr), NaN and None empty."""
    def cell(value: Any) -> Any:
        if isinstance(value, float):
            if math.isnan(value):
                return ""
            return value if float_format is None else float_format % value
        return "" if value is None else value

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell(row[column]) for column in columns] for row in rows)
    return buffer.getvalue()


def frame_csv_text(frame: pd.DataFrame) -> str:
    """:func:`csv_text` of a table's rows, without its index."""
    return csv_text(frame.to_dict("records"), list(frame.columns))


def n_jobs(params: dict) -> int:
    """``parallel.n_jobs``: worker processes, below 1 (the default -1) for every core."""
    return int((params.get("parallel") or {}).get("n_jobs", -1))


def map_items(function: Callable[[Any], Any], items: Sequence, params: dict,
              description: str) -> list:
    """``[function(item) for item in items]`` on the executor of ``params['parallel']``
    (:func:`specimg.util.parallel.imap`), in input order.

    ``function`` must be picklable (a module-level function or a ``functools.partial`` of one)
    and should write its own outputs, returning only small records. A progress bar shows on a
    terminal only. An exception in any item (e.g. :class:`InputError`) is raised here.
    """
    settings = params.get("parallel") or {}
    executor = settings.get("executor", "local")
    if executor not in EXECUTORS:
        raise InputError(PARAMS_FILE, f"parallel.executor is {executor!r}; use local or dask")
    results: list = [None] * len(items)
    with tqdm(total=len(items), desc=description, disable=None, leave=False) as bar:
        for index, result in imap(function, items, n_jobs(params), executor=executor,
                                  scheduler_address=settings.get("scheduler_address")):
            results[index] = result
            bar.update()
    return results


def absolute(text: str) -> Path:
    """An argument path made absolute: work handed to a worker on another machine names its
    files by the path they have on the shared file system."""
    return Path(text).resolve()


def run(module: str) -> None:
    """Run the ``main()`` of the stage ``module``; an input problem ends it with one line.

    The stage is imported by name, not run as ``__main__``, so the functions it hands to
    worker processes or a Dask cluster pickle by reference (``stages.invert.invert_clip``).
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
