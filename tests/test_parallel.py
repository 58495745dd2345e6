"""The one parallel map and the one core-count rule, shared by the command and the stages."""

from __future__ import annotations

import os
from functools import partial

import pytest

from specimg.pipeline.common import map_items
from specimg.util import parallel
from specimg.util.parallel import available_cores, imap, worker_count


def square_after(delay_unit: float, value: int) -> int:
    import time

    time.sleep(delay_unit * (5 - value % 5))  # later items finish first
    return value * value


def fail_on_three(value: int) -> int:
    if value == 3:
        raise ValueError("three")
    return value


def test_core_count_without_sched_getaffinity(monkeypatch):
    """macOS and Windows have no os.sched_getaffinity: every core is counted instead."""
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert available_cores() == 3
    assert worker_count(-1, 10) == 3
    assert worker_count(0, 2) == 2
    assert worker_count(5, 0) == 1
    results = map_items(partial(square_after, 0.0), list(range(7)),
                        {"parallel": {"n_jobs": -1, "executor": "local"}}, "squares")
    assert results == [v * v for v in range(7)]


def test_core_count_follows_the_affinity_where_there_is_one(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert available_cores() == 2


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_imap_gives_every_result_with_its_index(n_jobs):
    items = list(range(10))
    pairs = list(imap(partial(square_after, 0.01), items, n_jobs))
    assert sorted(pairs) == [(i, i * i) for i in items]
    assert map_items(partial(square_after, 0.01), items,
                     {"parallel": {"n_jobs": n_jobs}}, "squares") == [i * i for i in items]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_an_item_error_reaches_the_caller(n_jobs):
    with pytest.raises(ValueError, match="three"):
        list(imap(fail_on_three, list(range(6)), n_jobs))


def test_unknown_executor_is_refused():
    with pytest.raises(ValueError, match="local or dask"):
        list(imap(fail_on_three, [1], 1, executor="ray"))
    assert parallel.EXECUTORS == ("local", "dask")
