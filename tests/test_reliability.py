"""Bad audio input through the segment stage, on_error, interruptions, n_jobs and Dask."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import yaml
from tinyproject import REPO, TINY, dvc, make_project

SR = 16000


def tone(seconds: float, sr: int = SR, channels: int = 1) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    y = 0.3 * np.sin(2 * np.pi * 440 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    return np.tile(y[:, None], (1, channels)) if channels > 1 else y


def write_bytes(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def truncated(path: Path, make) -> None:
    make(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


# name -> (writer, expected): "ok" when the file must give clips, else a phrase of the reason.
AUDIO_CASES = {
    "corrupt.wav": (lambda p: write_bytes(p, os.urandom(4000)), "cannot be read as audio"),
    "truncated.flac": (lambda p: truncated(p, lambda q: sf.write(q, tone(3), SR)), "damaged"),
    "truncated.ogg": (lambda p: truncated(p, lambda q: sf.write(q, tone(3), SR)),
                      "cannot be read as audio"),
    "page.wav": (lambda p: p.write_text("<html><body>404</body></html>"),
                 "cannot be read as audio"),
    "empty.wav": (lambda p: write_bytes(p, b""), "is empty"),
    "no_samples.wav": (lambda p: sf.write(p, np.zeros(0), SR), "holds no audio samples"),
    "nan.wav": (lambda p: sf.write(p, np.where(np.arange(SR) == 99, np.nan, tone(1)), SR,
                                   subtype="FLOAT"), "NaN or infinite"),
    "inf.wav": (lambda p: sf.write(p, np.where(np.arange(SR) == 5, np.inf, tone(1)), SR,
                                   subtype="FLOAT"), "NaN or infinite"),
    "short.wav": (lambda p: sf.write(p, tone(0.3), SR), "ok"),
    "silence.wav": (lambda p: sf.write(p, np.zeros(3 * SR), SR), "ok"),
    "mono.flac": (lambda p: sf.write(p, tone(3), SR), "ok"),
    "six_channels.wav": (lambda p: sf.write(p, tone(3, channels=6), SR), "ok"),
    "low_rate.wav": (lambda p: sf.write(p, tone(3, 8000), 8000), "ok"),
    "high_rate.wav": (lambda p: sf.write(p, tone(3, 96000), 96000), "ok"),
    "deep.wav": (lambda p: sf.write(p, tone(3), SR, subtype="PCM_24"), "ok"),
    "späte Aufnahme é.wav": (lambda p: sf.write(p, tone(3), SR), "ok"),
}


def run_segment(root: Path, on_error: str) -> subprocess.CompletedProcess:
    params = {**TINY, "on_error": on_error}
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "stages.segment", "raw", "clips", "metrics/skipped.json"],
        cwd=root, env=env, capture_output=True, text=True)


def make_raw(root: Path, names) -> dict[str, bytes]:
    raw = root / "raw"
    raw.mkdir()
    for name in names:
        AUDIO_CASES[name][0](raw / name)
    return {p.name: p.read_bytes() for p in raw.iterdir()}


@pytest.mark.parametrize("name", sorted(AUDIO_CASES))
def test_each_audio_input_is_processed_or_named_in_one_line(tmp_path, name):
    before = make_raw(tmp_path, [name, "mono.flac"])
    expected = AUDIO_CASES[name][1]
    done = run_segment(tmp_path, "fail")
    assert {p.name: p.read_bytes() for p in (tmp_path / "raw").iterdir()} == before
    assert "Traceback" not in done.stderr
    if expected == "ok":
        assert done.returncode == 0, done.stderr
        manifest = (tmp_path / "clips/manifest.csv").read_text()
        source_rows = [line for line in manifest.splitlines() if f",{name}," in line]
        assert source_rows, manifest
        for line in source_rows:
            clip_id = line.split(",")[0]
            y, sr = sf.read(tmp_path / "clips" / f"{clip_id}.flac")
            assert sr == TINY["segment"]["sr"] and np.all(np.isfinite(y))
            assert len(y) == TINY["segment"]["clip_seconds"] * sr
        if name == "silence.wav":
            assert not np.any(y)
        else:
            assert np.max(np.abs(y)) > 0.1  # the tone survived mixdown and resampling
    else:
        assert done.returncode == 1
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and expected in lines[0], done.stderr
        assert not (tmp_path / "clips/manifest.csv").exists()


def test_on_error_skip_lists_the_bad_files_and_does_the_rest(tmp_path):
    bad = [n for n, (_, expected) in AUDIO_CASES.items() if expected != "ok"]
    before = make_raw(tmp_path, [*bad, "mono.flac", "short.wav"])
    done = run_segment(tmp_path, "skip")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    skipped = json.loads((tmp_path / "metrics/skipped.json").read_text())
    assert skipped["skipped"] == len(bad)
    for name in bad:
        assert AUDIO_CASES[name][1] in skipped["files"][name]
    clips = sorted(p.name for p in (tmp_path / "clips").iterdir())
    assert clips == ["manifest.csv", "mono_000.flac", "short_000.flac"]
    assert {p.name: p.read_bytes() for p in (tmp_path / "raw").iterdir()} == before


def test_bad_on_error_value_is_one_line(tmp_path):
    make_raw(tmp_path, ["mono.flac"])
    done = run_segment(tmp_path, "ignore")
    assert done.returncode == 1 and "on_error" in done.stderr and "Traceback" not in done.stderr


# ---- interruption ----------------------------------------------------------------------------

def wait_for(predicate, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def stage_tree(root: Path, parallel: dict) -> Path:
    """segment -> stft -> encode png16 -> invert fgla on two recordings, in ``root``."""
    raw = root / "raw"
    raw.mkdir(parents=True)
    for name in ("speech_vm-options.wav", "music_introzik.ogg"):
        (raw / name).write_bytes((REPO / "data/raw" / name).read_bytes())
    params = {**TINY, "parallel": parallel}
    params["segment"] = {**TINY["segment"], "step_seconds": 2.0}
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    # the stage scripts from a copy of the checkout's, their work (specimg.pipeline) from the
    # install, as on a Dask worker
    shutil.copytree(REPO / "stages", root / "stages", ignore=shutil.ignore_patterns("__pycache__"))
    env = without_pythonpath()
    for args in (["segment", "raw", "clips", "metrics/skipped.json"],
                 ["stft", "clips", "spec"],
                 ["encode", "--encoding", "png16", "clips", "spec", "images", "sizes.json"],
                 ["invert", "--method", "fgla", "images", "spec", "recon"]):
        done = subprocess.run([sys.executable, "-m", f"stages.{args[0]}", *args[1:]], cwd=root,
                              env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    return root


def without_pythonpath() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "params.yaml"}


def test_outputs_do_not_depend_on_n_jobs_or_executor(tmp_path):
    one = tree_bytes(stage_tree(tmp_path / "one", {"n_jobs": 1, "executor": "local"}))
    two = tree_bytes(stage_tree(tmp_path / "two", {"n_jobs": 2, "executor": "local"}))
    assert len([k for k in one if k.startswith("recon/")]) > 10
    assert one.keys() == two.keys()
    assert [k for k in one if one[k] != two[k]] == []
    dask = tree_bytes(stage_tree(tmp_path / "dask", {"n_jobs": 2, "executor": "dask",
                                                      "scheduler_address": None}))
    assert [k for k in one if one[k] != dask.get(k)] == []


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def study_outputs(project: Path) -> dict[str, bytes]:
    """The bytes of everything a `dvc repro` of ``project`` wrote, dvc.lock included."""
    return {"dvc.lock": (project / "dvc.lock").read_bytes(),
            **{f"data/{k}": v for k, v in tree_bytes(project / "data").items()
               if not k.startswith("raw/")},
            **{f"metrics/{k}": v for k, v in tree_bytes(project / "metrics").items()}}


#: The tiny study on two recordings and two encodings: every stage still runs on the cluster.
CLUSTER_STUDY = {**TINY, "encode": {**TINY["encode"], "encodings": ["png16", "specshow"]}}
CLUSTER_FILES = ("music_introzik.ogg", "speech_vm-options.wav", "SOURCES.csv")


def test_a_cluster_started_by_hand_gives_the_same_bytes(tmp_path):
    """The README's cluster recipe as written: `dask scheduler` and two `dask worker`s started as
    commands in a folder outside the checkout, without PYTHONPATH, then `dvc repro` of
    :data:`CLUSTER_STUDY` with ``executor: dask`` at that address; every output, and dvc.lock,
    is that of one local job, byte for byte."""
    bin_dir = Path(sys.executable).parent
    host, port = "127.0.0.1", free_port()
    address = f"tcp://{host}:{port}"
    elsewhere = tmp_path / "cluster"
    elsewhere.mkdir()
    env = without_pythonpath()
    worker_env = {**env, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    commands = [([bin_dir / "dask", "scheduler", "--host", host, "--port", str(port),
                  "--no-dashboard"], env)]
    commands += [([bin_dir / "dask", "worker", address, "--nthreads", "1", "--no-dashboard"],
                  worker_env)] * 2
    started = []
    try:
        for command, command_env in commands:
            started.append(subprocess.Popen(command, cwd=elsewhere, env=command_env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        on_cluster = make_project(tmp_path / "dask", {
            **CLUSTER_STUDY,
            "parallel": {"n_jobs": 2, "executor": "dask", "scheduler_address": address}},
            files=CLUSTER_FILES)
        dvc(on_cluster, "repro")
    finally:
        for process in started:
            os.kill(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
    one_job = make_project(tmp_path / "one", {
        **CLUSTER_STUDY, "parallel": {"n_jobs": 1, "executor": "local", "scheduler_address": None}},
        files=CLUSTER_FILES)
    dvc(one_job, "repro")
    one, cluster = study_outputs(one_job), study_outputs(on_cluster)
    assert len([k for k in one if k.startswith("data/recon/")]) > 10
    assert "metrics/report.html" in one
    assert one.keys() == cluster.keys()
    assert [k for k in one if one[k] != cluster[k]] == []


def test_stage_killed_midway_leaves_no_partial_file_and_reruns(tmp_path):
    root = stage_tree(tmp_path, {"n_jobs": 2, "executor": "local"})
    params = yaml.safe_load((root / "params.yaml").read_text())
    params["invert"]["n_iter"] = 300
    (root / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "stages.invert", "--method", "fgla", "images", "spec",
               "slow"]
    process = subprocess.Popen(command, cwd=root, env=env, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (root / "slow").exists() and any((root / "slow").glob("*.flac")))
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode != 0 and "Traceback" not in stderr
    left = sorted(p.name for p in (root / "slow").iterdir())
    assert left and all(n.endswith(".flac") for n in left), left  # no temporary file
    assert len(left) < len(list((root / "images").iterdir()))
    for name in left:
        sf.read(root / "slow" / name)  # every file left is complete
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (root / "slow/convergence.csv").exists()
