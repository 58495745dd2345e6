"""Compare two runs of the pipeline file by file: the CPU-features test and `make check-repro`.

A file is equal when its bytes are. One that differs is compared value by value (a table's or
JSON file's numbers, a reconstruction's samples), so that a report names the largest
difference; only :data:`CPU_DEPENDENT`'s values may differ, within :data:`TOLERANCES`, and
only where the comparison is ``tolerant`` (a CPU without AVX2).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

#: The one computation whose bits still depend on the CPU: ``librosa.griffinlim`` takes
#: ``np.abs`` of complex64 inside librosa, and numpy's AVX2 kernel of it rounds differently from
#: its baseline one. It makes the ``librosa_fgla`` reference of the study and the ``naive``
#: (naive recipe or format's own inverse) reconstructions of the picture-size study. So on an
#: x86-64 CPU without AVX2 (numpy's X86_V3 target off), and only there, their reconstructions
#: and scores differ, within :data:`TOLERANCES`. Every other stored value has the same bits on
#: every CPU.
CPU_DEPENDENT = ("librosa_fgla", "naive")
#: Largest differences allowed in :data:`CPU_DEPENDENT`'s values, by column (their units),
#: and in its reconstructions' samples (``audio``, full scale 1.0). Measured on the default
#: study, AVX-512 against numpy without X86_V3 and numba generic: samples 0.0127, PESQ 0.0062,
#: LSD 0.0007 dB, SNR 0.0002 dB, SC 0.0001 dB, STOI below its 4th decimal.
TOLERANCES: dict[str, float] = {
    "sc_db": 0.01, "consistency_sc_db": 0.01, "lsd_db": 0.01, "snr_db": 0.01,
    "loudness_error_db": 0.01, "pesq_wb": 0.05, "stoi": 0.005, "audio": 0.05,
    "own_sc_db": 0.01, "full_band_sc_db": 0.01,
}
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")

Row = tuple[str, str, str, str]


def numpy_has_avx2() -> bool:
    """Whether numpy in this process dispatches its AVX2 (X86_V3) kernels: the CPU has them
    and ``NPY_DISABLE_CPU_FEATURES`` does not turn them off."""
    from numpy._core import _multiarray_umath as umath

    return bool(umath.__cpu_features__.get("X86_V3", False))


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def run_files(project: Path) -> dict[str, bytes]:
    """Every file a pipeline run wrote in ``project``: under data/ (not data/raw), metrics/,
    and dvc.lock, by path relative to the project."""
    files = {"dvc.lock": (project / "dvc.lock").read_bytes()}
    for folder in ("data", "metrics"):
        for path in sorted((project / folder).rglob("*")):
            name = path.relative_to(project).as_posix()
            if path.is_file() and not name.startswith("data/raw/"):
                files[name] = path.read_bytes()
    return files


def _numbers(name: str, data: bytes) -> dict[str, float] | None:
    """The numbers of a JSON, CSV or HTML file by where they are (``key/key``, ``row:text
    cells:column``, ``#index``), or None for another kind of file."""
    text = data.decode("utf-8", errors="replace")
    found: dict[str, float] = {}
    if name.endswith(".json"):
        def walk(value, where):
            if isinstance(value, dict):
                for key, item in value.items():
                    walk(item, f"{where}/{key}" if where else str(key))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, f"{where}[{index}]")
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                found[where] = float(value)
        walk(json.loads(text), "")
        return found
    if name.endswith(".csv"):
        for index, row in enumerate(csv.DictReader(io.StringIO(text))):
            numbers, labels = {}, []
            for column, cell in row.items():
                try:
                    numbers[column] = float(cell)
                except (TypeError, ValueError):
                    if cell:
                        labels.append(str(cell))
            found.update({f"{index}:{'/'.join(labels)}:{column}": value
                          for column, value in numbers.items()})
        return found
    if name.endswith(".html"):
        return {f"#{index}": float(match.group())
                for index, match in enumerate(_NUMBER.finditer(text))}
    return None


def _tolerance(where: str, tolerant: bool) -> float:
    """How far the number at ``where`` may move: its column's tolerance if it is one of
    :data:`CPU_DEPENDENT`'s and ``tolerant``, else 0. An HTML file's numbers are not
    labelled: each gets the largest tolerance."""
    if not tolerant:
        return 0.0
    if where.startswith("#"):
        return max(TOLERANCES.values())
    column = where.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
    return TOLERANCES.get(column, 0.0) if any(label in where for label in CPU_DEPENDENT) else 0.0


def tolerated_path(path: str) -> bool:
    """Whether ``path`` is or lies in :data:`CPU_DEPENDENT`'s reconstructions."""
    return any(label in path.split("/") for label in CPU_DEPENDENT)


def _audio_gap(old: bytes, new: bytes) -> float | None:
    import soundfile

    try:
        a, _ = soundfile.read(io.BytesIO(old), dtype="float64")
        b, _ = soundfile.read(io.BytesIO(new), dtype="float64")
    except RuntimeError:
        return None
    return float(abs(a - b).max(initial=0.0)) if a.shape == b.shape else None


def _compare(name: str, old: bytes, new: bytes, tolerant: bool) -> tuple[float, str, bool]:
    """(largest difference, where, beyond the tolerance) of two versions of a file."""
    if name.endswith((".flac", ".wav")):
        gap = _audio_gap(old, new)
        if gap is None:
            return 0.0, "", True
        allowed = TOLERANCES["audio"] if tolerant and tolerated_path(name) else 0.0
        return gap, "samples", gap > allowed
    before, after = _numbers(name, old), _numbers(name, new)
    if before is None or after is None or before.keys() != after.keys():
        return 0.0, "", True
    largest, worst, beyond = 0.0, "", False  # the largest beyond tolerance, if any
    for where, value in before.items():
        other = after[where]
        same = value == other or (math.isnan(value) and math.isnan(other))
        gap = 0.0 if same else abs(value - other)
        outside = gap > _tolerance(where, tolerant)
        if (outside, gap) > (beyond, largest):
            largest, worst, beyond = gap, where, outside
    # the numbers within tolerance: the rest of the text must be the same
    beyond |= (_NUMBER.sub("#", old.decode(errors="replace"))
               != _NUMBER.sub("#", new.decode(errors="replace")))
    return largest, worst, beyond


def differences(expected: dict[str, bytes], actual: dict[str, bytes], *,
                tolerant: bool = False) -> list[Row]:
    """(path, expected, actual, largest difference) for each file that differs: md5s (or
    'missing'), and for numbers and samples the largest absolute difference and where.

    With ``tolerant``, a file is left out when only :data:`CPU_DEPENDENT`'s values differ,
    within :data:`TOLERANCES`; dvc.lock is compared by its outputs' hashes
    (:func:`lock_differences`)."""
    rows = []
    for name in sorted(expected.keys() | actual.keys()):
        old, new = expected.get(name), actual.get(name)
        if old == new or name == "dvc.lock":
            continue
        if old is None or new is None:
            rows.append((name, "missing" if old is None else md5(old)[:12],
                         "missing" if new is None else md5(new)[:12], ""))
            continue
        largest, worst, beyond = _compare(name, old, new, tolerant)
        if beyond:
            rows.append((name, md5(old)[:12], md5(new)[:12],
                         f"{largest:.3g} at {worst}" if worst else ""))
    rows += lock_differences(expected.get("dvc.lock", b""), actual.get("dvc.lock", b""),
                             files_differing={row[0] for row in rows}, tolerant=tolerant)
    return rows


def lock_outs(lock: bytes) -> dict[str, str]:
    """Every output path in a dvc.lock and its md5 (a folder's ends in ``.dir``)."""
    import yaml

    stages = (yaml.safe_load(lock) or {}).get("stages", {})
    return {out["path"]: str(out.get("md5", out.get("hash", ""))) for stage in stages.values()
            for out in stage.get("outs", [])}


def lock_differences(expected: bytes, actual: bytes, *, files_differing: set[str] = frozenset(),
                     tolerant: bool = False) -> list[Row]:
    """(``dvc.lock: path``, md5, md5, "") of each dvc.lock output whose hash differs and that
    is not in ``files_differing``, or one row for dvc.lock if only its other entries differ.
    With ``tolerant``, the outputs that
    are or hold :data:`CPU_DEPENDENT`'s reconstructions, and the metrics files whose
    differences lie within tolerance (not in ``files_differing``), are left out: their
    contents were compared file by file."""
    if expected == actual:
        return []
    before, after = lock_outs(expected), lock_outs(actual)

    def excused(path: str) -> bool:  # listed as a file already, or compared within tolerance
        return path in files_differing or (tolerant and (
            tolerated_path(path) or path.startswith("metrics/")))

    changed = [path for path in sorted(before.keys() | after.keys())
               if before.get(path) != after.get(path)]
    rows = [(f"dvc.lock: {path}", before.get(path, "missing")[:12],
             after.get(path, "missing")[:12], "") for path in changed if not excused(path)]
    if not changed and not tolerant:
        rows.append(("dvc.lock", md5(expected)[:12], md5(actual)[:12], "outside its outs"))
    return rows


def table(rows: Iterable[Row], left: str = "committed", right: str = "rerun") -> str:
    """The rows of :func:`differences` as an aligned text table."""
    rows = [("path", left, right, "largest difference"), *rows]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(width)
                               for cell, width in zip(row, widths, strict=True)).rstrip()
                     for row in rows)
