"""What every stage needs: params, the STFT settings, the clip manifest, and the per-clip map.

:func:`map_items` runs a stage's per-clip function over its clips on the executor that
``params.yaml``'s ``parallel`` section names: a local pool of ``n_jobs`` processes, or a Dask
cluster. Results come back in input order, so outputs do not depend on where or how many
workers ran; ``parallel`` is deliberately not a DVC param of any stage.
"""

from __future__ import annotations

import importlib
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from tqdm import tqdm

from specimg.errors import InputError
from specimg.fileio import exit_on_sigterm, init_worker
from specimg.spectrum import StftConfig

PARAMS_FILE = Path("params.yaml")
MANIFEST_NAME = "manifest.csv"
CONVERGENCE_NAME = "convergence.csv"  # beside each invert stage's audio
EXECUTORS = ("local", "dask")


def load_params() -> dict:
    """All of ``params.yaml``."""
    with open(PARAMS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


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


def read_manifest(clips_dir: Path) -> pd.DataFrame:
    """The clip manifest written by the segment stage."""
    return pd.read_csv(clips_dir / MANIFEST_NAME, dtype={"clip_id": str}, keep_default_na=False)


def csv_text(frame: pd.DataFrame, float_format: str | None = "%.4f") -> str:
    """A table as CSV with stable bytes: no index, LF line ends, 4 decimals by default."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=float_format)
    return buffer.getvalue()


def n_jobs(params: dict) -> int:
    """``parallel.n_jobs`` as a worker count: -1 (the default) means every core we may use."""
    jobs = int((params.get("parallel") or {}).get("n_jobs", -1))
    return len(os.sched_getaffinity(0)) if jobs < 1 else jobs


def map_items(function: Callable[[Any], Any], items: Sequence, params: dict,
              description: str) -> list:
    """``[function(item) for item in items]`` on the executor of ``params['parallel']``.

    ``function`` must be picklable (a module-level function or a ``functools.partial`` of one)
    and should write its own outputs, returning only small records. A progress bar shows on a
    terminal only. An exception in any item (e.g. :class:`InputError`) is raised here.
    """
    settings = params.get("parallel") or {}
    executor = settings.get("executor", "local")
    if executor not in EXECUTORS:
        raise InputError(PARAMS_FILE, f"parallel.executor is {executor!r}; use local or dask")
    workers = min(n_jobs(params), max(len(items), 1))
    with tqdm(total=len(items), desc=description, disable=None, leave=False) as bar:
        if executor == "dask":
            return _map_dask(function, items, workers, settings.get("scheduler_address"), bar)
        if workers == 1:
            return [_tick(function(item), bar) for item in items]
        with ProcessPoolExecutor(workers, initializer=init_worker) as pool:
            futures = [pool.submit(function, item) for item in items]
            try:
                return [_tick(future.result(), bar) for future in futures]
            finally:  # on an error or interruption: drop queued items, let running ones end
                pool.shutdown(cancel_futures=True)


def _tick(result: Any, bar: tqdm) -> Any:
    bar.update()
    return result


def _map_dask(function, items, workers, address, bar) -> list:
    from distributed import Client, LocalCluster  # only where asked for: it starts slowly

    if address:
        client, cluster = Client(address), None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
        client = Client(cluster)
    try:
        futures = client.map(function, items, pure=False)
        return [_tick(future.result(), bar) for future in futures]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(module: str) -> None:
    """Run the ``main()`` of the stage ``module``; an input problem ends it with one line.

    The stage is imported by name, not run as ``__main__``, so the functions it hands to
    worker processes or a Dask cluster pickle by reference (``stages.invert.invert_clip``).
    """
    exit_on_sigterm()
    try:
        importlib.import_module(module).main()
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("interrupted: no partial output was kept; run again to finish", file=sys.stderr)
        sys.exit(130)
