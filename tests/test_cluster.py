"""`specimg invert` and `specimg encode` with `--scheduler`: a real `dask scheduler` and two
`dask worker` processes, started by their commands on 127.0.0.1, give the same files, byte for
byte, the same summary and the same failure lines as the local pool; resumable the same way;
an unreachable or lost scheduler and a missing extra end in one line."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from localcluster import local_cluster

from specimg.cli import jobs, main
from specimg.core.spectrum import magnitude_to_unit, peak_db, stft
from specimg.image import ImageMeta, encode_levels, render_specshow
from specimg.util.parallel import imap

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.cluster


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory) -> Iterator[str]:
    """The address of a scheduler with two single-threaded workers, whose working folder is
    not the tests': they find the pictures by their absolute paths. They are stopped by pid
    however the tests end."""
    # a task given up at its worker's first death, and no task queued on a busy worker
    settings = {"DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "0",
                "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
    with local_cluster(tmp_path_factory.mktemp("cluster"), 2, settings) as address:
        yield address


@pytest.fixture
def pictures(tmp_path, harmonic_signal, small_config, monkeypatch) -> Path:
    """A folder (given relatively, from tmp_path) of a png16 picture (in a subfolder), a
    specshow picture and a file that is no picture."""
    S = np.abs(stft(harmonic_signal, small_config))
    peak = peak_db(S)
    levels = magnitude_to_unit(S, peak, 80.0)
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak, top_db=80.0, encoding="png16")
    folder = tmp_path / "in" / "sub"
    folder.mkdir(parents=True)
    (folder / "own.png").write_bytes(encode_levels(levels, meta))
    shown = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                      peak_db=peak, top_db=80.0, encoding="specshow")
    (tmp_path / "in/shown.jpg").write_bytes(
        render_specshow(peak - 80 + 80 * levels, shown, (4, 4), 100, 95))
    (tmp_path / "in/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    monkeypatch.chdir(tmp_path)
    return Path("in")


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_invert_on_the_cluster_writes_what_the_local_pool_writes(scheduler, pictures,
                                                                 capsys):
    flags = ["--n-iter", "8", "--scores"]
    assert main(["invert", str(pictures), "-o", "local", "-j", "2", *flags, "local.csv"]) == 1
    local = capsys.readouterr().out
    assert main(["invert", str(pictures), "-o", "cluster", "--scheduler", scheduler,
                 *flags, "cluster.csv"]) == 1
    remote = capsys.readouterr().out
    assert remote.replace("cluster", "local") == local
    assert "2 done, 0 skipped" in remote and "failed: in/broken.png:" in remote
    assert folder_bytes(Path("cluster")) == folder_bytes(Path("local"))
    assert sorted(folder_bytes(Path("cluster"))) == ["shown.wav", "sub/own.wav"]
    scores = Path("cluster.csv").read_text()
    assert scores.replace("cluster", "local") == Path("local.csv").read_text()
    assert "in/sub/own.png,cluster/sub/own.wav," in scores  # the paths as given

    assert main(["invert", str(pictures), "-o", "cluster", "--scheduler", scheduler]) == 1
    assert "0 done, 2 skipped" in capsys.readouterr().out


def test_encode_on_the_cluster_writes_what_the_local_pool_writes(scheduler, tmp_path,
                                                                 harmonic_signal, capsys,
                                                                 monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("audio").mkdir()
    for name, seconds in (("a", 2.0), ("b", 1.0)):
        sf.write(f"audio/{name}.wav", harmonic_signal[: int(8000 * seconds)], 8000,
                 subtype="PCM_16")
    flags = ["--sr", "8000", "--n-fft", "256", "--clip-seconds", "0.5"]
    assert main(["encode", "audio", "-o", "local", "-j", "2", *flags]) == 0
    local = capsys.readouterr().out
    assert main(["encode", "audio", "-o", "cluster", "--scheduler", scheduler, *flags]) == 0
    assert capsys.readouterr().out.replace("cluster", "local") == local
    assert folder_bytes(Path("cluster")) == folder_bytes(Path("local"))
    assert len(folder_bytes(Path("cluster"))) == 7  # 4 + 2 pictures and the card


def die_on_three(value: int, gate: str) -> int:
    """``value`` squared; at 3, once ``gate`` exists (the others' results are in), the worker
    process dies, as when it runs out of memory."""
    if value == 3:
        for _ in range(6000):  # at most 5 minutes
            if os.path.exists(gate):
                break
            time.sleep(0.05)
        os._exit(1)
    return value * value


def test_a_worker_dying_on_one_item_fails_that_item_only(scheduler, tmp_path):
    """(Last of the cluster tests: it costs a worker restart; the scheduler allows no
    retries, so the item is given up after its first death.)"""
    gate, results = tmp_path / "gate", {}
    for index, result in imap(partial(die_on_three, gate=str(gate)), [1, 2, 3, 4], 2,
                              executor="dask", scheduler_address=scheduler,
                              died=lambda value: ("died", value)):
        results[index] = result
        if len(results) == 3:
            gate.touch()
    assert results == {0: 1, 1: 4, 2: ("died", 3), 3: 16}


def test_no_scheduler_there_is_one_line(pictures, capsys):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        status = main(["invert", str(pictures), "-o", "out", "--scheduler",
                       "tcp://127.0.0.1:1"])
    captured = capsys.readouterr()
    assert status == 1
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith("specimg invert: error: no Dask scheduler answers at "
                                   "tcp://127.0.0.1:1")
    assert not Path("out").exists()


def test_a_lost_scheduler_is_one_line(pictures, capsys, monkeypatch):
    def lost(function, items, n_jobs, **options):
        yield 0, function(items[0])
        raise CancelledError("cancelled for reason: scheduler-connection-lost")

    monkeypatch.setattr(jobs, "imap", lost)
    status = main(["invert", str(pictures), "-o", "out", "--scheduler", "tcp://127.0.0.1:8786",
                   "--n-iter", "2"])
    captured = capsys.readouterr()
    assert status == 1 and captured.out == ""
    assert captured.err == ("specimg invert: error: lost the Dask scheduler at "
                            "tcp://127.0.0.1:8786 after 1 of 3 image(s); finished outputs are "
                            "kept, none is partial: run the same command again to do the "
                            "rest\n")


@pytest.mark.parametrize(("value", "says"), [
    ("127.0.0.1:8786", "not a Dask scheduler address; give tcp://HOST:PORT"),
    ("tcp://127.0.0.1", "not a Dask scheduler address"),
])
def test_a_bad_address_is_one_line(value, says, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["invert", "x.png", "-o", "out", "--scheduler", value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and says in err


def test_without_the_pipeline_extra_the_flag_names_it(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    with pytest.raises(SystemExit) as exit_:
        main(["encode", "audio", "-o", "out", "--scheduler", "tcp://127.0.0.1:8786"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1
    assert "pip install 'specimg[pipeline]'" in err


def test_threads_change_no_byte_and_a_bad_count_is_one_line(pictures, capsys):
    assert main(["invert", str(pictures), "-o", "one", "-j", "1", "--threads", "1",
                 "--n-iter", "4"]) == 1
    assert main(["invert", str(pictures), "-o", "two", "-j", "1", "--threads", "2",
                 "--n-iter", "4"]) == 1
    assert folder_bytes(Path("one")) == folder_bytes(Path("two"))
    assert len(folder_bytes(Path("two"))) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_:
        main(["invert", str(pictures), "-o", "out", "--threads", "0"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1 and "--threads 0 is too small" in err
