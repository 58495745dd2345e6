"""``specimg invert`` interrupted (Ctrl-C or SIGTERM) at chosen points: it exits non-zero, without
a traceback, leaves only complete outputs, and a rerun does the rest.

The points are made certain, not hoped for: some inputs are named pipes (gates) that block the
worker reading them until the test writes the picture (or nothing, which fails that one
picture). The run cannot finish before the test lets it, so the signal always lands while work
is left, whatever the machine's load. A gate the test never opens keeps a run that lost its
signal from finishing: it would hang there and fail the test, instead of exiting 0 unseen.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(),
                                reason="named pipes and /proc/<pid>/status (Linux)")

SPECIMG = str(Path(sys.executable).parent / "specimg")
STARTED: list[subprocess.Popen] = []
SIGNALS = [signal.SIGINT, signal.SIGTERM]
SR, SECONDS = 8000, 4.0


def picture(index: int, count: int) -> bytes:
    """One small specimg picture of a tone (4 s at 8 kHz)."""
    from specimg.core.spectrum import StftConfig, magnitude_to_unit, peak_db, stft
    from specimg.image import ImageMeta, encode_levels

    config = StftConfig(sr=SR, n_fft=256, hop_length=64)
    t = np.arange(int(SECONDS * SR)) / SR
    y = 0.3 * np.sin(2 * np.pi * 440 * t) * (1 + 0.5 * np.sin(2 * np.pi * 2 * t))
    S = np.abs(stft((y * (1 + index / count)).astype(np.float32), config))
    meta = ImageMeta(config, n_frames=S.shape[1], length=len(y), peak_db=peak_db(S),
                     top_db=80.0, encoding="png16")
    return encode_levels(magnitude_to_unit(S, peak_db(S), 80.0), meta)


def inputs(folder: Path, names: list[str]) -> list[Path]:
    """Pictures, and a named pipe for each name starting with ``gate``."""
    folder.mkdir(parents=True)
    for index, name in enumerate(names):
        if name.startswith("gate"):
            os.mkfifo(folder / name)
        else:
            (folder / name).write_bytes(picture(index, len(names)))
    return [folder / name for name in names]


def default_signals() -> None:
    """Ctrl-C and SIGTERM as a terminal gives them. A program started in the background of a
    non-interactive shell (``make test &``, some CI runners) inherits Ctrl-C as ignored, and
    Python then keeps ignoring it: the interrupt would be lost by design, not by a race."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def no_run_left_behind():
    """A failed test leaves no run waiting at a gate: its whole process group is killed."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def start(paths: list[Path], out: Path, jobs: int = 2) -> subprocess.Popen:
    command = [SPECIMG, "invert", *map(str, paths), "-o", str(out), "-j", str(jobs),
               "--n-iter", "200"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=default_signals, start_new_session=True)
    STARTED.append(process)
    return process


def open_gate(gate: Path) -> int | None:
    """The write end of a gate once a worker is reading it (blocked in its open), else None."""
    try:
        fd = os.open(gate, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # no reader yet
            return None
        raise
    os.set_blocking(fd, True)
    return fd


def release(fd: int, data: bytes = b"") -> None:
    with os.fdopen(fd, "wb") as end:
        end.write(data)


def wait_for(predicate, what: str, seconds: float = 120.0):
    deadline = time.monotonic() + seconds
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return value


def signal_masks(process: subprocess.Popen, *fields: str) -> list[int] | None:
    """The process's signal masks named ``fields`` in /proc/<pid>/status; None once it is gone."""
    try:
        status = Path(f"/proc/{process.pid}/status").read_text().splitlines()
    except FileNotFoundError:
        return None
    return [int(line.split()[1], 16) for line in status if line.startswith(fields)]


def delivered(process: subprocess.Popen, sig: int) -> bool:
    """Whether ``sig`` has reached the process's handler (no longer pending; Linux)."""
    masks = signal_masks(process, "SigPnd", "ShdPnd")
    return masks is None or not any(mask & (1 << (sig - 1)) for mask in masks)


def in_main(process: subprocess.Popen) -> bool:
    """Whether the command's ``main`` runs: its first step is catching SIGTERM. Before it, the
    interpreter is starting, and a Ctrl-C there is CPython's own affair (it prints a traceback
    from its start-up, or even swallows it while it sets up ``sys.path``)."""
    masks = signal_masks(process, "SigCgt")
    return masks is None or bool(masks[0] & (1 << (signal.SIGTERM - 1)))


def finish(process: subprocess.Popen, gates: dict[Path, bool]) -> str:
    """Wait for the process to exit, failing the pictures at the gates it reads that may be
    opened (``gates[gate]``); a gate that may not be opened and is read means the run went on
    to the end after the signal."""
    deadline = time.monotonic() + 120
    while process.poll() is None:
        for gate, may_open in gates.items():
            fd = open_gate(gate)
            if fd is not None:
                if not may_open:
                    process.kill()
                    release(fd)
                    pytest.fail(f"the run reached {gate.name} after the signal: it was lost")
                release(fd)
        assert time.monotonic() < deadline, "the interrupted run did not exit"
        time.sleep(0.02)
    return process.stderr.read()


def complete_outputs(out: Path) -> list[str]:
    names = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert all(n.endswith(".wav") and not n.startswith(".") for n in names), names
    for name in names:
        y, _ = sf.read(out / name)
        assert len(y) == SR * SECONDS
    return names


def assert_interrupted_cleanly(process: subprocess.Popen, stderr: str) -> None:
    assert process.returncode != 0, "an interrupted run exited 0"
    assert "Traceback" not in stderr, stderr


def rerun_does_the_rest(paths: list[Path], out: Path, done_before: int) -> None:
    for gate in (p for p in paths if p.name.startswith("gate")):
        gate.unlink()
        gate.write_bytes(picture(0, 1))
    again = subprocess.run([SPECIMG, "invert", *map(str, paths), "-o", str(out), "-j", "2",
                            "--n-iter", "200"], capture_output=True, text=True)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"{len(paths) - done_before} done, {done_before} skipped" in again.stdout
    assert len(complete_outputs(out)) == len(paths)


@pytest.mark.parametrize("sig", SIGNALS)
@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0])
def test_interrupted_while_starting(tmp_path, sig, delay):
    """Before the pool starts: as the command's main begins, during the imports of numpy and
    librosa (a second or more), the job list."""
    names = [*(f"img{i:02d}.png" for i in range(8)), "gate_end.png"]
    paths = inputs(tmp_path / "images", names)
    out = tmp_path / "out"
    process = start(paths, out)
    wait_for(lambda: in_main(process), "the command's main")
    time.sleep(delay)
    process.send_signal(sig)
    stderr = finish(process, {paths[-1]: False})
    assert_interrupted_cleanly(process, stderr)
    rerun_does_the_rest(paths, out, len(complete_outputs(out)))


@pytest.mark.parametrize("sig", SIGNALS)
def test_interrupted_while_workers_run(tmp_path, sig):
    """One worker waits at a gate while the other has finished a picture: the signal stops the
    queued pictures, the running ones finish or fail, none is left partial."""
    names = ["gate_first.png", *(f"img{i:02d}.png" for i in range(8)), "gate_end.png"]
    paths = inputs(tmp_path / "images", names)
    out = tmp_path / "out"
    process = start(paths, out)
    held = wait_for(lambda: open_gate(paths[0]), "a worker at the first gate")
    wait_for(lambda: out.exists() and any(p.suffix == ".wav" for p in out.iterdir()),
             "the first output")
    process.send_signal(sig)
    wait_for(lambda: delivered(process, sig), "the signal to be delivered")
    release(held)  # that picture fails (empty), so the pool can shut down
    stderr = finish(process, {paths[-1]: False})
    assert_interrupted_cleanly(process, stderr)
    first = complete_outputs(out)
    assert 0 < len(first) < len(paths) - 1
    rerun_does_the_rest(paths, out, len(first))


@pytest.mark.parametrize("sig", SIGNALS)
@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupted_while_the_last_picture_runs(tmp_path, sig, jobs):
    """Every other picture done, the last one running: with a pool it is finished and written
    whole; in one process (``-j 1``) it is abandoned with no partial file. Either way the exit
    says the run was interrupted."""
    names = [*(f"img{i:02d}.png" for i in range(4)), "gate_end.png"]
    paths = inputs(tmp_path / "images", names)
    out = tmp_path / "out"
    process = start(paths, out, jobs)
    held = wait_for(lambda: open_gate(paths[-1]), "the last picture to start")
    wait_for(lambda: out.exists() and len(list(out.glob("*.wav"))) == len(paths) - 1,
             "every other output")
    process.send_signal(sig)
    wait_for(lambda: delivered(process, sig), "the signal to be delivered")
    try:
        release(held, picture(0, 1))
    except BrokenPipeError:  # -j 1: the reader was interrupted and is gone
        pass
    stderr = finish(process, {})
    assert_interrupted_cleanly(process, stderr)
    left = complete_outputs(out)
    assert len(left) == (len(paths) if jobs > 1 else len(paths) - 1)
    rerun_does_the_rest(paths, out, len(left))
