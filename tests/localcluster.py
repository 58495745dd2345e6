"""A real Dask cluster on 127.0.0.1, started by its commands (`dask scheduler`, `dask worker`)
as a user starts one, for tests/test_cluster.py and benchmarks/cluster.py.

The workers import this checkout's code (PYTHONPATH: the repository, and tests/ for the test
modules' functions) and run in their own folder, not the caller's: they find files by their
absolute paths, as on another machine sharing the folders.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tinyproject import REPO

DASK = Path(sys.executable).parent / "dask"
#: Generous: workers importing numpy on busy cores. Waits fail at this, they time nothing.
STARTUP_SECONDS = 300.0


def wait_for(predicate, what: str, processes: list[subprocess.Popen]) -> None:
    """Poll ``predicate`` until it is true; RuntimeError if one of ``processes`` exits first
    or :data:`STARTUP_SECONDS` pass."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while not predicate():
        exited = [p.args for p in processes if p.poll() is not None]
        if exited:
            raise RuntimeError(f"{exited} exited while waiting for {what}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {what} after {STARTUP_SECONDS:.0f} s")
        time.sleep(0.2)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process's group (a worker's nanny and its worker), by its pid; SIGKILL
    if it lingers."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _address(file: Path) -> str | None:
    try:
        return json.loads(file.read_text())["address"]
    except (OSError, ValueError, KeyError):  # not written yet, or half
        return None


def _start(args: list, log: Path, env: dict) -> subprocess.Popen:
    with open(log, "wb") as handle:
        return subprocess.Popen([str(a) for a in args], stdout=handle, stderr=subprocess.STDOUT,
                                env=env, cwd=log.parent, start_new_session=True)


@contextlib.contextmanager
def local_cluster(folder: Path, n_workers: int, env: dict | None = None) -> Iterator[str]:
    """A scheduler and ``n_workers`` single-threaded workers (``--nworkers 1 --nthreads 1``
    each), logging into ``folder``; yields the scheduler's address once every worker has
    joined, and stops them all by pid when the block ends, however it ends.

    ``env``: extra environment variables (Dask's settings, DASK_...) for all of them.
    """
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")]),
           **(env or {})}
    processes: list[subprocess.Popen] = []
    try:
        processes.append(_start([DASK, "scheduler", "--host", "127.0.0.1", "--port", "0",
                                 "--scheduler-file", file, "--no-dashboard"],
                                folder / "scheduler.log", env))
        wait_for(lambda: _address(file), "scheduler file", processes)
        address = _address(file)
        for index in range(n_workers):
            processes.append(_start([DASK, "worker", address, "--nworkers", "1",
                                     "--nthreads", "1", "--no-dashboard",
                                     "--local-directory", folder],
                                    folder / f"worker{index}.log", env))
        with Client(address, timeout=STARTUP_SECONDS) as client:
            wait_for(lambda: len(client.scheduler_info()["workers"]) == n_workers,
                     f"{n_workers} workers", processes)
        yield address
    finally:
        for process in reversed(processes):
            stop(process)
