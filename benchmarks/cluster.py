"""`specimg invert` on the local pool and on a Dask cluster: pictures per minute.

Stand-ins for the user's pictures (specshow drawings, gray, matplotlib's default JPEG quality,
but 10 s and 2000 x 2000 px each where theirs are 60 s and 20000 x 20000 px, and with specimg's
metadata): `specimg encode RECORDINGS --format specshow --clip-seconds 10 --tail drop` of the
recordings in data/raw, the first N pictures. Each run is `specimg invert FOLDER -o OUT
--overwrite --n-iter 100` (the default method) in a subprocess of this checkout's code:

- `local-j1`, `local-j2`: the local pool, `-j 1` and `-j 2`;
- `cluster-1`, `cluster-2`: `--scheduler` of a cluster on 127.0.0.1 (`dask scheduler` and 1 or
  2 `dask worker --nworkers 1 --nthreads 1`, started before the timing, both clusters up
  through the whole run; tests/localcluster.py).

Rounds interleave the four runs; the figures are medians over rounds. The wall time is the
command's, start-up (imports, connecting) included. Every run's audio must be the same bytes
(`same_bytes`).

    python benchmarks/cluster.py [--pictures 16] [--rounds 3] [--json benchmarks/cluster.json]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
RECORDINGS = ["music_wesnoth-symphony.ogg", "speech_ru-demo-congrats.wav",
              "music_nexuiz-digital-pursuit.ogg", "environmental_opensfx-vehicles.flac",
              "environmental_opensfx-work-nature.flac"]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


def specimg(*args: str) -> tuple[float, str]:
    """Run the command from this checkout; its wall time (s) and output. Exits on failure."""
    command = [sys.executable, "-m", "specimg.cli", *args]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=ENV)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout


def stand_ins(folder: Path, count: int) -> list[Path]:
    """The first ``count`` of the stand-in pictures, in ``folder``."""
    specimg("encode", *(str(REPO / "data/raw" / name) for name in RECORDINGS), "-o",
            str(folder / "all"), "--format", "specshow", "--clip-seconds", "10",
            "--tail", "drop")
    pictures = sorted((folder / "all").glob("*.jpg"))[:count]
    if len(pictures) < count:
        sys.exit(f"only {len(pictures)} stand-in pictures; ask for fewer --pictures")
    (folder / "pictures").mkdir()
    for picture in pictures:
        (folder / "pictures" / picture.name).write_bytes(picture.read_bytes())
    return pictures


def digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for path in sorted(folder.rglob("*.wav")):
        sha.update(path.name.encode() + path.read_bytes())
    return sha.hexdigest()


def main() -> None:
    from localcluster import local_cluster
    from PIL import Image

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pictures", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as scratch, \
            contextlib.ExitStack() as stack:
        scratch = Path(scratch)
        load_before = os.getloadavg()[1]
        pictures = stand_ins(scratch, args.pictures)
        width, height = Image.open(pictures[0]).size
        started = time.perf_counter()
        one = stack.enter_context(local_cluster(scratch / "cluster1", 1))
        two = stack.enter_context(local_cluster(scratch / "cluster2", 2))
        startup = time.perf_counter() - started
        runs = {"local-j1": ["-j", "1"], "local-j2": ["-j", "2"],
                "cluster-1": ["--scheduler", one], "cluster-2": ["--scheduler", two]}
        walls: dict[str, list[float]] = {name: [] for name in runs}
        digests = set()
        for round_ in range(args.rounds):
            for name, flags in runs.items():
                out = scratch / "out" / name
                seconds, _ = specimg("invert", str(scratch / "pictures"), "-o", str(out),
                                     "--overwrite", "--n-iter", "100", *flags)
                walls[name].append(round(seconds, 2))
                digests.add(digest(out))
                print(f"round {round_ + 1} {name}: {seconds:.1f} s", file=sys.stderr)
    audio = 10.0 * len(pictures)
    result = {
        "stand_ins": f"{len(pictures)} specshow pictures of 10 s (gray JPEG q75, {width} x "
                     f"{height} px, with metadata) from {', '.join(RECORDINGS)}",
        "pictures": len(pictures), "audio_seconds": audio, "rounds": args.rounds,
        "cores": os.cpu_count(), "cluster_startup_seconds": round(startup, 1),
        # the 5-minute load average: above the cores, other work shared them
        "load_average": [round(load_before, 1), round(os.getloadavg()[1], 1)],
        "same_bytes": len(digests) == 1,
        "runs": {name: {"wall_seconds": times, "median_seconds": statistics.median(times),
                        "pictures_per_minute": round(60 * len(pictures)
                                                     / statistics.median(times), 1),
                        "audio_seconds_per_second": round(audio / statistics.median(times), 1)}
                 for name, times in walls.items()},
    }
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
