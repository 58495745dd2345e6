"""What every stage needs: the STFT settings, the clip manifest, stable CSV, and the per-clip map.

:func:`map_items` runs a stage's per-clip function over its clips on the executor that
``params.yaml``'s ``parallel`` section names: a local pool of ``n_jobs`` processes, or a Dask
cluster. Results come back in input order, so outputs do not depend on where or how many
workers ran; ``parallel`` is deliberately not a DVC param of any stage.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from ..core.spectrum import StftConfig
from ..util.errors import InputError
from ..util.parallel import EXECUTORS, imap

if TYPE_CHECKING:  # pandas costs 0.2 s of start-up, and most stages never need it
    import pandas as pd

__all__ = ["CONVERGENCE_NAME", "MANIFEST_NAME", "MANIFEST_NUMBERS", "PARAMS_FILE", "csv_text",
           "frame_csv_text", "map_items", "n_jobs", "read_manifest", "stft_config"]

PARAMS_FILE = Path("params.yaml")
MANIFEST_NAME = "manifest.csv"
CONVERGENCE_NAME = "convergence.csv"  # beside each invert stage's audio
#: The manifest's numeric columns (seconds, samples, Hz) and their types.
MANIFEST_NUMBERS = {"offset_s": float, "duration_s": float, "audio_s": float, "n_samples": int,
                    "sr": int}


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
