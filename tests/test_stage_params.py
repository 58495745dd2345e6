"""Bad values in params.yaml stop a stage with one line naming the key, before any work."""

from __future__ import annotations

import copy
import os
import subprocess
import sys

import pytest
import yaml
from tinyproject import REPO, TINY


def with_change(section: str, key: str, value) -> dict:
    params = copy.deepcopy(TINY)
    params[section][key] = value
    return params


CASES = [
    (["stages.invert", "--method", "pghi_agla", "images", "spec", "recon"],
     with_change("invert", "n_iter", "lots"), "invert.n_iter lots is not a whole number"),
    (["stages.invert", "--method", "pghi_agla", "images", "spec", "recon"],
     with_change("invert", "n_iter", 0), "invert.n_iter 0 is too small: use a positive integer"),
    (["stages.encode", "--encoding", "specshow", "clips", "spec", "images", "sizes.json"],
     with_change("encode", "specshow", {"specshow": {"width_per_second": 0, "height": 10}}),
     "encode.specshow.specshow: width_per_second 0 is not a positive number"),
    (["stages.encode", "--encoding", "specshow_big", "clips", "spec", "images", "sizes.json"],
     TINY, "encode.specshow has no entry 'specshow_big'"),
    (["stages.encode", "--encoding", "gif", "clips", "spec", "images", "sizes.json"],
     TINY, "encode.encodings: unknown encoding 'gif'"),
    # every key is checked whichever stage runs, before any work: a typo, a value not allowed
    (["stages.segment", "raw", "clips", "skipped.json"], with_change("segment", "tail",
     "lastwindow"), "segment.tail lastwindow is not allowed: use one of drop, pad, last_window"),
    (["stages.segment", "raw", "clips", "skipped.json"], with_change("segment", "tial", "drop"),
     "segment.tial is not a key of segment (keys: sr, clip_seconds, step_seconds, tail, "
     "mixdown)"),
    (["stages.stft", "clips", "spec"], with_change("stft", "hop_length", 4096),
     "stft.hop_length 4096 is larger than stft.n_fft 256"),
    (["stages.report", "a", "b", "c", "d", "e", "f", "g"], with_change("invert", "seed", -1),
     "invert.seed -1 is too small"),
]


@pytest.mark.parametrize(("command", "params", "message"), CASES)
def test_bad_params_get_one_line(tmp_path, command, params, message):
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    done = subprocess.run([sys.executable, "-m", *command], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: params.yaml: "), done.stderr
    assert message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["params.yaml"]
