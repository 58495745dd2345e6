"""How to save spectrograms for an image model: a parameter sweep on DVC's experiment queue.

    python benchmarks/sweep.py            # make sweep: queue, run, and write metrics/sweep.md

Queues one `dvc exp run --queue` per combination of STFT size, dB range, picture density and
JPEG quality (36 experiments), runs them with `dvc queue start -j <cores>` (DVC's own queue and
workers), waits for them (do not commit meanwhile: experiments belong to the commit they start
from), and writes `dvc exp show --md` with the columns that matter, sorted by the default
method's spectral convergence, to `metrics/sweep.md`. The sweep's study is lighter
than the default one: the first 10 s of every recording, one picture (the specshow encoding,
styled per experiment) and two methods (the true phase and the default).
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import time
from pathlib import Path

from specimg.util.parallel import available_cores

REPO = Path(__file__).resolve().parents[1]
DVC = str(Path(sys.executable).parent / "dvc")
STYLE = "encode.specshow.specshow"
#: Picture densities: (name, width per second (px/s), height (px), shrunk size or None).
DENSITIES = (
    ("user", 333.333, 20000, None),   # 20000 x 20000 px per 60 s, the typical user's
    ("2000px", 200, 2000, None),      # 2000 x 2000 px per 10 s
    ("gan512", 200, 2000, "[8.5333,512]"),  # the user's picture shrunk to 512 x 512 per 60 s
)
N_FFTS = (1024, 2048)
TOP_DBS = (60, 80, 100)
QUALITIES = (95, 75)
LIGHT = ("segment.step_seconds=3600", "segment.tail=drop", "parallel.n_jobs=1",
         "encode.encodings=[specshow]", "invert.methods=[oracle,pghi_raar]",
         "evaluate.convergence_encoding=specshow", "report.encoding=specshow",
         "report.method=pghi_raar")
COLUMNS = (r"Experiment|stft\.n_fft|stft\.top_db|" + STYLE.replace(".", r"\.")
           + r"\.(height|quality|shrink_to)|specshow\.bytes_per_second|"
           r"specshow\.oracle\.sc_db|specshow\.pghi_raar\.(sc_db|pesq_wb|stoi)")


def dvc(*args: str) -> str:
    done = subprocess.run([DVC, *args], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: dvc {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout


def experiments() -> list[tuple[str, list[str]]]:
    """(name, -S overrides) of every combination."""
    runs = []
    for n_fft, top_db, (density, width, height, shrink), quality in itertools.product(
            N_FFTS, TOP_DBS, DENSITIES, QUALITIES):
        overrides = [*LIGHT, f"stft.n_fft={n_fft}", f"stft.top_db={top_db}",
                     f"{STYLE}.width_per_second={width}", f"{STYLE}.height={height}",
                     f"{STYLE}.quality={quality}",
                     *([f"+{STYLE}.shrink_to={shrink}"] if shrink else [])]
        runs.append((f"n{n_fft}-db{top_db}-{density}-q{quality}", overrides))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--out", type=Path, default=REPO / "metrics/sweep.md")
    args = parser.parse_args()
    baseline = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, check=True).stdout.strip()
    dvc("queue", "remove", "--all")  # a fresh sweep: no tasks or experiments of an old one
    dvc("exp", "remove", "--all-commits")
    for name, overrides in experiments():
        dvc("exp", "run", "--queue", "-n", name, *(a for o in overrides for a in ("-S", o)))
    start = time.perf_counter()
    dvc("queue", "start", "-j", str(args.jobs))
    while True:
        time.sleep(10)
        status = dvc("queue", "status")
        if not any(word in status for word in ("Queued", "Running")):
            break
    failed = [line for line in status.splitlines() if "Failed" in line]
    if failed:
        sys.exit("error: experiments failed (see `dvc queue logs NAME`):\n" + "\n".join(failed))
    minutes = (time.perf_counter() - start) / 60
    table = dvc("exp", "show", "--md", "--no-pager", "--hide-workspace", "--hide-queued",
                "--rev", baseline, "--drop", ".*", "--keep", COLUMNS, "--sort-by",
                "metrics/summary.json:specshow.pghi_raar.sc_db", "--sort-order", "asc")
    args.out.write_text(
        "# Sweep: how to save spectrograms for an image model\n\n"
        f"`make sweep` (`benchmarks/sweep.py`): {len(experiments())} experiments on DVC's queue "
        f"with {args.jobs} workers, {minutes:.0f} min on {available_cores()} cores. Each: the "
        "first 10 s of every recording, drawn by specshow at one density and JPEG quality, "
        "inverted with the true phase (oracle) and the default method (pghi_raar). SC in dB "
        "(lower is better), sorted by pghi_raar's.\n\n" + table, encoding="utf-8")
    print(f"{args.out}: {len(experiments())} experiments in {minutes:.1f} min")


if __name__ == "__main__":
    main()
