"""Atomic file output: a file appears complete under its name, or not at all."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import OutputError

if TYPE_CHECKING:
    import numpy as np


def files_with_suffixes(folder: Path, suffixes: tuple[str, ...], *,
                        recursive: bool = False) -> list[Path]:
    """The files in ``folder`` whose suffix (any case) is one of ``suffixes``, hidden files left
    out, sorted; with ``recursive``, in its subfolders too."""
    found = folder.rglob("*") if recursive else folder.iterdir()
    return sorted(p for p in found if p.suffix.lower() in suffixes
                  and not p.name.startswith(".") and p.is_file())


def write_atomic(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder.

    The temporary file is renamed over ``path`` only once it is complete and flushed, so an
    interrupted run never leaves a half-written file under the final name. Its name holds the
    host's name and the process id: processes on several machines sharing a folder (a Dask
    cluster's workers) never write to the same temporary file.

    Parameters
    ----------
    path : str or path-like
        Destination. Missing parent folders are created.
    data : bytes
        The whole content.

    Returns
    -------
    Path
        The destination path.

    Raises
    ------
    OutputError
        If it cannot be written, naming ``path`` and why (:func:`output_problem`).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{socket.gethostname()}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):  # e.g. its folder is a file: there is no tmp
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(path, output_problem(path, exc)) from exc
        raise
    return path


def output_problem(path: Path, exc: OSError) -> str:
    """Why ``path`` cannot be written, from what is in the way or the error's errno."""
    if path.is_dir():
        return "a directory is in its place"
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    reasons = {errno.EACCES: f"its folder {folder} is read-only (permission denied)",
               errno.EPERM: f"its folder {folder} is read-only (permission denied)",
               errno.EROFS: "the file system is read-only",
               errno.ENOSPC: "the disk is full",
               errno.EDQUOT: "the disk quota is used up",
               errno.ENAMETOOLONG: "its name is too long"}
    return reasons.get(exc.errno, exc.strerror or str(exc))


def write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented, key-sorted JSON (stable bytes for the same content)."""
    text = json.dumps(obj, indent=2, sort_keys=True, allow_nan=False) + "\n"
    return write_atomic(path, text.encode("utf-8"))


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 text atomically."""
    return write_atomic(path, text.encode("utf-8"))


def write_npy(path: str | os.PathLike, array: np.ndarray) -> Path:
    """Write one array as ``.npy`` atomically (``.npz`` would embed zip timestamps)."""
    import numpy as np  # here: the command imports this module first thing, before numpy

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return write_atomic(path, buffer.getvalue())


def exit_on_sigterm() -> None:
    """Turn SIGTERM into ``SystemExit`` in this process.

    Python's default for SIGTERM ends the process at once, leaving a temporary file behind;
    as an exception it runs :func:`write_atomic`'s clean-up like Ctrl-C does. Call it in the
    main process and as the initializer of worker processes.
    """
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def init_worker() -> None:
    """Initializer of worker processes: SIGTERM exits cleanly; Ctrl-C is the parent's to handle
    (it cancels queued work and lets running work finish), so idle workers print nothing."""
    exit_on_sigterm()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
