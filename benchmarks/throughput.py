"""`specimg invert` on a folder of pictures: seconds of audio per second, with -j 1 and -j 2.

Reads the pipeline's pictures (run `make repro` first): the folders data/images/specshow
(2000 x 2000 px for 10 s, with metadata) and data/images/specshow_user (the user's density,
3333 x 20000 px for 10 s), each copied N times into a scratch folder so that the run is long
enough to time. Runs `specimg invert FOLDER -o OUT --overwrite -j J [--n-iter N]` in a
subprocess and reports wall time, seconds of audio per second, and peak memory (summed resident
sets of the command and its worker processes, polled every 20 ms). The bare FFT floor of
the same audio (100 rfft + irfft passes over its frames on all cores) is timed in the same run.

    python benchmarks/throughput.py [--copies 4] [--json benchmarks/throughput.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.fft
from user_pictures import run_measured

from specimg.codec import open_image
from specimg.metadata import read_meta

DATA = Path("data")


def audio_seconds(folder: Path) -> tuple[float, int]:
    seconds, frames = 0.0, 0
    for path in sorted(folder.iterdir()):
        meta = read_meta(open_image(path.read_bytes(), path), path)
        seconds += meta.length / meta.sr
        frames += meta.n_frames
    return seconds, frames


def fft_floor_seconds(frames: int, n_fft: int = 2048, n_iter: int = 100) -> float:
    block = np.zeros((frames, n_fft), np.float32)
    start = time.perf_counter()
    for _ in range(n_iter):
        scipy.fft.irfft(scipy.fft.rfft(block, axis=1, workers=-1), n=n_fft, axis=1, workers=-1)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of each folder's pictures")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for encoding in ("specshow", "specshow_user"):
            folder = Path(scratch) / encoding
            folder.mkdir()
            for copy in range(args.copies):
                for picture in sorted((DATA / "images" / encoding).iterdir()):
                    shutil.copy(picture, folder / f"{copy}_{picture.name}")
            seconds, frames = audio_seconds(folder)
            floor = fft_floor_seconds(frames)
            for n_iter in ("100", "auto"):
                for jobs in (1, 2):
                    command = ["specimg", "invert", str(folder), "-o", str(Path(scratch) / "out"),
                               "--overwrite", "-j", str(jobs), "--n-iter", n_iter]
                    done, wall, peak_mb = run_measured(command)
                    if done.returncode:
                        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
                    rows.append({
                        "pictures": encoding, "images": len(list(folder.iterdir())),
                        "audio_seconds": round(seconds, 1), "n_iter": n_iter, "jobs": jobs,
                        "wall_seconds": round(wall, 2),
                        "audio_seconds_per_second": round(seconds / wall, 1),
                        "peak_mb": round(peak_mb), "processes": jobs + 1,
                        "fft_floor_100_seconds": round(floor, 2),
                    })
                    print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
