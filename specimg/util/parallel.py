"""One way to run a function over many items, for the ``specimg`` command and the pipeline.

:func:`imap` runs ``function(item)`` in worker processes (or on a Dask cluster) and yields each
result with its item's index as it completes; callers put results back in input order, so what
they write does not depend on where or how many workers ran. :func:`available_cores` is the one
rule for "every core".
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from .extras import missing_extra
from .fileio import init_worker

EXECUTORS = ("local", "dask")


def available_cores() -> int:
    """Cores this process may run on: its CPU affinity where the system has one (Linux), else
    every core (macOS, Windows)."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def worker_count(n_jobs: int, n_items: int) -> int:
    """Processes to start for ``n_items`` items: ``n_jobs``, every core if it is below 1, and
    never more than there are items (at least one)."""
    jobs = available_cores() if n_jobs < 1 else n_jobs
    return max(1, min(jobs, n_items))


def imap(function: Callable[[Any], Any], items: Sequence, n_jobs: int, *,
         executor: str = "local", scheduler_address: str | None = None,
         died: Callable[[Any], Any] | None = None) -> Iterator[tuple[int, Any]]:
    """``(index, function(items[index]))`` for every item, in order of completion.

    Parameters
    ----------
    function : callable
        Picklable (a module-level function or a ``functools.partial`` of one); it should write
        its own outputs and return small records.
    items : sequence
        Its arguments.
    n_jobs : int
        Worker processes; below 1 means :func:`available_cores`. One worker runs the items in
        this process, one after another.
    executor : {"local", "dask"}
        ``local``: a pool of processes on this machine. ``dask``: a ``dask.distributed``
        cluster (``pip install specimg[pipeline]``); its workers need specimg installed and
        the items' files at the same absolute paths.
    scheduler_address : str, optional
        The Dask scheduler (e.g. ``tcp://10.0.0.5:8786``); None starts a local cluster of
        ``n_jobs`` single-threaded worker processes for the call.
    died : callable, optional
        ``dask`` only: for an item whose workers died running it (Dask's ``KilledWorker``,
        after ``distributed.scheduler.allowed-failures`` retries), ``died(item)`` is yielded
        in place of its result and the others go on; None raises ``KilledWorker``.

    Raises
    ------
    ValueError
        For an unknown ``executor``.
    OSError
        ``dask``: no scheduler answers at ``scheduler_address`` (within
        ``distributed.comm.timeouts.connect``, 30 s by default).
    concurrent.futures.CancelledError
        ``dask``: the connection to the scheduler was lost (the items not yet yielded are lost
        with it).
    Exception
        Whatever ``function`` raised for an item, when its result is reached; queued items are
        then dropped and running ones finish.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"executor {executor!r} is unknown; use local or dask")
    workers = worker_count(n_jobs, len(items))
    if executor == "dask":
        yield from _dask_imap(function, items, workers, scheduler_address, died)
    elif workers == 1:
        for index, item in enumerate(items):
            yield index, function(item)
    else:
        with ProcessPoolExecutor(workers, initializer=init_worker) as pool:
            futures = {pool.submit(function, item): index for index, item in enumerate(items)}
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:  # an error, Ctrl-C or an abandoned generator: drop what has not started
                pool.shutdown(cancel_futures=True)


def _dask_imap(function, items, workers, address, died) -> Iterator[tuple[int, Any]]:
    try:
        from distributed import (  # slow to import: only here
            Client,
            KilledWorker,
            LocalCluster,
            as_completed,
        )
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "parallel.executor dask") from None

    if address:
        client, cluster = Client(address), None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=logging.WARNING)
        client = Client(cluster)
    try:
        futures = client.map(function, items, pure=False)
        indices = {future.key: index for index, future in enumerate(futures)}
        for future in as_completed(futures):
            index = indices[future.key]
            try:
                result = future.result()
            except KilledWorker:
                if died is None:
                    raise
                result = died(items[index])
            yield index, result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
