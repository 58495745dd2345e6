import json
import os

import numpy as np
import pytest

from specimg.util.fileio import write_atomic, write_json, write_npy


def test_write_atomic_creates_parents_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "a" / "b" / "out.bin"
    write_atomic(target, b"payload")
    assert target.read_bytes() == b"payload"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.bin"]


def test_interrupted_write_leaves_neither_file_nor_temporary(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def interrupted(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_write_json_is_stable_and_refuses_nan(tmp_path):
    write_json(tmp_path / "a.json", {"b": 1.5, "a": [1, 2]})
    first = (tmp_path / "a.json").read_bytes()
    write_json(tmp_path / "a.json", {"a": [1, 2], "b": 1.5})
    assert (tmp_path / "a.json").read_bytes() == first
    assert json.loads(first) == {"a": [1, 2], "b": 1.5}
    with pytest.raises(ValueError):
        write_json(tmp_path / "nan.json", {"x": float("nan")})


def test_write_npy_round_trip(tmp_path):
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    write_npy(tmp_path / "x.npy", array)
    np.testing.assert_array_equal(np.load(tmp_path / "x.npy"), array)
