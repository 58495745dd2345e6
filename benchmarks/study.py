"""Where the default study's time goes: `dvc repro` of this repository's params and recordings
in a fresh copy, stage by stage, with each stage's start-up (interpreter and imports) apart.

    python benchmarks/study.py --json benchmarks/study.json     # about 6 minutes

A stage's time is the span between DVC's "Running stage" lines. Its start-up is the median time
of `python -c "import stages.<name>"` (three runs), the price every stage process pays before
any work; the rest is work (decoding, iterations, writing). The invert stages are also summed
by method (librosa_fgla is the reference every encoding carries). Also printed: the no-op
`dvc repro` of the fresh copy (three runs) and its profile's share in DVC's YAML parsing, and
the time to decode each encoding's pictures once (one process), which bounds what decoding a
picture once for all methods instead of once per method could save. Beside them, in the same
run: the bare FFT floor of the study's iterations (the rfft + irfft passes that any method of one
STFT pair per iteration spends, for every iterative variant, on every core).
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml
from user_pictures import fft_floor_seconds

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
from tinyproject import BIN, make_project  # noqa: E402  (the tests' project copier)

from specimg.phase import FIXED_AUTO_ITER  # noqa: E402
from specimg.util.parallel import available_cores  # noqa: E402

STAGE_LINE = re.compile(r"Running stage '([^']+)'")


def import_seconds(module: str) -> float:
    """Median wall time of a fresh interpreter importing ``module`` (three runs)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], cwd=REPO, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed_stages(project: Path) -> tuple[dict[str, float], float]:
    """Seconds of each stage of one `dvc repro` (from its output lines), and the total."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    process = subprocess.Popen([str(BIN / "dvc"), "repro"], cwd=project, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    marks = []
    for line in process.stdout:
        found = STAGE_LINE.search(line)
        if found:
            marks.append((found.group(1), time.perf_counter()))
    if process.wait() != 0:
        sys.exit("error: dvc repro failed in the copy")
    total = time.perf_counter() - start
    ends = [t for _, t in marks[1:]] + [start + total]
    return {name: end - begin for (name, begin), end in zip(marks, ends, strict=True)}, total


def noop_profile(project: Path) -> dict:
    """Wall times of three no-op `dvc repro`, and the share of a profiled one in YAML."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([str(BIN / "dvc"), "repro"], cwd=project, env=env, check=True,
                       capture_output=True)
        times.append(time.perf_counter() - start)
    profile = project / "noop.prof"
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "dvc", "repro"],
                   cwd=project, env=env, check=True, capture_output=True)
    stats = pstats.Stats(str(profile))
    total = max(entry[3] for entry in stats.stats.values())
    yaml_time = sum(entry[2] for key, entry in stats.stats.items() if "ruamel" in key[0])
    return {"seconds": [round(t, 2) for t in times],
            "yaml_share": round(yaml_time / total, 2),
            "lock_bytes": (project / "dvc.lock").stat().st_size}


def decode_seconds(project: Path, encodings: list[str]) -> dict[str, float]:
    """Seconds to decode each encoding's pictures of the study once, in this process (imports
    and compilation apart: one picture of each encoding is decoded first, untimed)."""
    from specimg.inversion import image_to_magnitude

    pictures = {e: sorted((project / "data/images" / e).iterdir()) for e in encodings}
    for paths in pictures.values():
        image_to_magnitude(paths[0].read_bytes(), paths[0])
    seconds = {}
    for encoding, paths in pictures.items():
        start = time.perf_counter()
        for path in paths:
            image_to_magnitude(path.read_bytes(), path)
        seconds[encoding] = round(time.perf_counter() - start, 2)
    return seconds


def study_fft_floor(project: Path, params: dict) -> dict:
    """Seconds of the bare FFT passes of the study's iterative variants, on every core."""
    frames = sum(np.load(path, mmap_mode="r").shape[1]
                 for path in (project / "data/spec").glob("*.mag.npy"))
    iterative = [m for m in params["invert"]["methods"] if m not in ("oracle", "pghi")]
    n_iter = params["invert"]["n_iter"]
    n_iter = n_iter if isinstance(n_iter, int) else FIXED_AUTO_ITER  # auto: the fixed count
    one_variant = fft_floor_seconds(frames, n_iter, n_fft=int(params["stft"]["n_fft"]),
                                    workers=-1)
    variants = len(iterative) * len(params["encode"]["encodings"])
    return {"iterative_variants": variants, "n_iter": n_iter,
            "seconds": round(one_variant * variants, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    with tempfile.TemporaryDirectory(prefix="specimg-study-") as tmp:
        project = make_project(Path(tmp) / "project", params, files=None)
        stages, total = timed_stages(project)
        clips = len((project / "data/clips/manifest.csv").read_text().splitlines()) - 1
        noop = noop_profile(project)
        decode = decode_seconds(project, params["encode"]["encodings"])
        floor = study_fft_floor(project, params)
    variants = len(params["encode"]["encodings"]) * len(params["invert"]["methods"])
    cores = available_cores()
    startup = {kind: import_seconds(f"stages.{kind}")
               for kind in sorted({name.split("@")[0] for name in stages})}
    by_kind: dict[str, dict] = defaultdict(lambda: {"stages": 0, "seconds": 0.0})
    for name, seconds in stages.items():
        kind = name.split("@")[0]
        by_kind[kind]["stages"] += 1
        by_kind[kind]["seconds"] += seconds
    print(f"study: {clips} clips x {variants} variants, {len(stages)} stages, "
          f"{cores} cores")
    print(f"{'stage':9s} {'count':>5s} {'total s':>8s} {'start-up s':>10s} {'work s':>7s}")
    rows = []
    for kind, entry in by_kind.items():
        start_total = entry["stages"] * startup[kind]
        rows.append({"stage": kind, "count": entry["stages"],
                     "seconds": round(entry["seconds"], 1),
                     "startup_seconds_each": round(startup[kind], 2),
                     "startup_seconds": round(start_total, 1),
                     "work_seconds": round(entry["seconds"] - start_total, 1)})
        print(f"{kind:9s} {entry['stages']:5d} {entry['seconds']:8.1f} {start_total:10.1f} "
              f"{entry['seconds'] - start_total:7.1f}")
    by_method: dict[str, float] = defaultdict(float)
    for name, seconds in stages.items():
        if name.startswith("invert@"):
            by_method[name.split("-")[-1]] += seconds
    print("invert by method (s): " + ", ".join(f"{m} {t:.1f}" for m, t in by_method.items()))
    startup_total = sum(r["startup_seconds"] for r in rows)
    print(f"dvc repro: {total:.1f} s = {total / (clips * variants):.2f} s per clip-variant; "
          f"start-up {startup_total:.1f} s ({startup_total / total:.0%})")
    print(f"no-op dvc repro: {', '.join(map(str, noop['seconds']))} s; "
          f"{noop['yaml_share']:.0%} of it parsing YAML (dvc.lock {noop['lock_bytes']} bytes)")
    print(f"bare FFT floor of the study's iterations ({floor['iterative_variants']} iterative "
          f"variants x {floor['n_iter']} it., every core): {floor['seconds']:.1f} s = "
          f"{floor['seconds'] / (clips * variants):.2f} s per clip-variant")
    repeats = len(params["invert"]["methods"]) - 1  # the decodes beyond one per picture
    decode_saving = round(repeats * sum(decode.values()) / cores, 1)
    print(f"decoding every picture once: {sum(decode.values()):.1f} s on one core "
          f"({', '.join(f'{e} {t:.2f}' for e, t in decode.items())}); decoding once per "
          f"encoding instead of once per method would save at most "
          f"{decode_saving:.1f} s of wall time on {cores} cores")
    if args.json:
        result = {"clips": clips, "variants": variants, "stages": len(stages),
                  "cores": cores, "repro_seconds": round(total, 1),
                  "seconds_per_clip_variant": round(total / (clips * variants), 3),
                  "startup_seconds": round(startup_total, 1), "by_stage": rows,
                  "invert_seconds_by_method": {m: round(t, 1) for m, t in by_method.items()},
                  "noop": noop, "fft_floor": floor, "decode_seconds_by_encoding": decode,
                  "decode_repeats_seconds_at_most": decode_saving}
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
