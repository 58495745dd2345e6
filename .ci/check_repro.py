"""CI's reproducibility check (`make check-repro`), in two parts.

This checkout: `dvc status` must show no code, data or params dependency changed since dvc.lock
was written, so the committed dvc.lock and metrics are those of the committed code and params.
Cached outputs that are only absent are fine (a fresh clone has no DVC cache, and the project
no remote).

The study: the tracked files copied to a temporary folder, and the default study run there
from scratch (`dvc repro`, no dvc.lock); every output's md5 in the rerun's dvc.lock and every
metrics file must be those committed, byte for byte. The one exception (tests/reprocompare.py,
CPU_DEPENDENT): on a CPU without AVX2, what librosa.griffinlim makes (librosa_fgla, and the
picture-size study's naive rows) may differ within their tolerances. A table names what
differs. About 6 minutes on 2 cores; `--skip-study` leaves it out.

The tiny study's own check (`dvc repro`, `dvc status` clean, `dvc repro -f` writing the same
dvc.lock) is in the suite that CI runs first:
tests/test_pipeline.py::test_repro_is_complete_reproducible_and_incremental.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
BIN = Path(sys.executable).parent
NOT_PULLED = "not in cache"  # a cached output neither produced nor pulled here


def dvc(project: Path, *args: str) -> str:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "DVC_NO_ANALYTICS": "1"}
    done = subprocess.run([str(BIN / "dvc"), *args], cwd=project, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"`dvc {' '.join(args)}` failed in {project}:\n{done.stdout}{done.stderr}")
    return done.stdout


def status(project: Path) -> dict:
    out = dvc(project, "status", "--json")
    return json.loads(out[out.index("{"):])


def pipeline_outs(lock: dict) -> set[str]:
    """Every output path that dvc.lock records."""
    return {out["path"] for stage in lock.get("stages", {}).values()
            for out in stage.get("outs", [])}


def produced(path: str, outs: set[str]) -> bool:
    """Whether ``path`` is, holds or lies in a pipeline output (data/images holds
    data/images/png16; data/clips/manifest.csv lies in data/clips)."""
    return any(path == out or path.startswith(f"{out}/") or out.startswith(f"{path}/")
               for out in outs)


def stale(report: dict, outs: set[str], locked: set[str]) -> list[tuple[str, str]]:
    """(stage, what) for each thing in ``dvc status --json`` that calls for a rerun: a stage
    missing from dvc.lock, a changed param, a changed dependency that no stage produces (code,
    data/raw), an output that is there but not as recorded, or absent though it is no cached
    output (a metrics file, `cache: false`, belongs in git). A cached output that is only
    absent, and so any dependency on a pipeline output, is not: a fresh clone has none."""
    outs = outs | {path for items in report.values() for item in items
                   if isinstance(item, dict) for path in item.get("changed outs", {})}
    found = []
    for name, items in report.items():
        if name not in locked:
            found.append((name, "not in dvc.lock (never run)"))
            continue
        for item in items:
            if not isinstance(item, dict):
                found.append((name, str(item)))
                continue
            for kind, changes in item.items():
                if not isinstance(changes, dict):
                    found.append((name, kind))
                    continue
                for path, state in changes.items():
                    if isinstance(state, dict):  # a params file: {key: state}
                        found += [(name, f"param {key} {what}") for key, what in state.items()]
                    elif kind == "changed outs":
                        if state != NOT_PULLED:
                            found.append((name, f"output {path} {state}"))
                    elif not produced(path, outs):
                        found.append((name, f"{path} {state}"))
    return found


def check_checkout() -> bool:
    started = time.perf_counter()
    lock_file = REPO / "dvc.lock"
    lock = yaml.safe_load(lock_file.read_text()) if lock_file.exists() else {}
    found = stale(status(REPO), pipeline_outs(lock), set(lock.get("stages", {})))
    seconds = time.perf_counter() - started
    if not found:
        print("checkout: dvc status names no code or params change since dvc.lock "
              f"({seconds:.0f} s)")
        return True
    stages: dict[str, list[str]] = {}
    for name, what in found:
        stages.setdefault(what, []).append(name)
    print(f"checkout: dvc.lock is behind the code or params ({seconds:.0f} s); changed since:")
    for what, names in stages.items():
        where = ", ".join(names) if len(names) <= 3 else f"{len(names)} stages"
        print(f"  {what} ({where})")
    print("  run `make repro`, then commit dvc.lock and metrics/")
    return False


def tracked_copy(destination: Path) -> Path:
    """The files git tracks in this checkout (as they are in the working tree), copied to
    ``destination``, with git and DVC set up there as in a fresh clone."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, names):
        source = REPO / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    subprocess.run(["git", "init", "-q"], cwd=destination, check=True)
    return destination


def committed_results(project: Path) -> dict[str, bytes]:
    """dvc.lock and the metrics files that pipeline outputs hold, from ``project``."""
    lock = (project / "dvc.lock").read_bytes()
    outs = pipeline_outs(yaml.safe_load(lock) or {})
    files = {"dvc.lock": lock}
    for path in sorted((project / "metrics").rglob("*")):
        name = path.relative_to(project).as_posix()
        if path.is_file() and produced(name, outs):
            files[name] = path.read_bytes()
    return files


def rerun_study(workdir: Path) -> tuple[dict[str, bytes], float]:
    """The default study run from scratch in a tracked copy under ``workdir``: its dvc.lock
    and metrics files (:func:`committed_results`), and the seconds `dvc repro` took."""
    project = tracked_copy(workdir / "study")
    lock = yaml.safe_load((project / "dvc.lock").read_text()) or {}
    for out in pipeline_outs(lock):  # nothing committed may stand in for a rerun's output
        target = project / out
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    (project / "dvc.lock").unlink()
    started = time.perf_counter()
    dvc(project, "repro")
    return committed_results(project), time.perf_counter() - started


def check_study() -> bool:
    from reprocompare import differences, lock_outs, numpy_has_avx2, table

    committed = committed_results(REPO)
    with tempfile.TemporaryDirectory(prefix="check-repro-study-") as tmp:
        rerun, seconds = rerun_study(Path(tmp))
    tolerant = not numpy_has_avx2()
    rows = differences(committed, rerun, tolerant=tolerant)
    what = (f"the md5 of every out in dvc.lock ({len(lock_outs(committed['dvc.lock']))}) and "
            f"{len(committed) - 1} metrics files")
    if rows:
        print(f"study (dvc repro from scratch, {seconds:.0f} s): {len(rows)} differ from the "
              "committed results:")
        print(table(rows))
        print("  if the code or params changed on purpose, run `make repro` and commit "
              "dvc.lock and metrics/")
        return False
    print(f"study (dvc repro from scratch, {seconds:.0f} s): {what} as committed"
          + (" (librosa_fgla within tolerance: no AVX2)" if tolerant else ", byte for byte"))
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-study", action="store_true",
                        help="leave out the rerun of the default study (about 6 min)")
    args = parser.parse_args()
    results = [check_checkout()]
    if not args.skip_study:
        results.append(check_study())
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
