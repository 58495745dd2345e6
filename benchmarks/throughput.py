"""`specimg invert` on a folder of pictures: seconds of audio per second, and what fewer
iterations cost.

Reads the pipeline's pictures (run `make repro` first): the folders data/images/specshow
(2000 x 2000 px for 10 s, with metadata) and data/images/specshow_user (the user's density,
3333 x 20000 px for 10 s), each copied N times into a scratch folder so that the run is long
enough to time. Runs `specimg invert FOLDER -o OUT --overwrite -j J [--n-iter N | --method
pghi]` in a subprocess and reports wall time, seconds of audio per second, and peak memory
(summed resident sets of the command and its worker processes, polled every 20 ms).

Quality of each run: SC (dB, lower is better) of its audio against the clip's true STFT
magnitude (data/spec), after the best single gain, mean over the folder's distinct pictures.
In the same run, per folder: the bare FFT floor of the same audio (100 rfft + irfft passes over
its frames on all cores), the naive recipe (area-average decode with Pillow's BOX filter,
80 dB span, `librosa.griffinlim` at 100 iterations, momentum 0.99, one process: its SC and
seconds of audio per second), and the true-phase floor (our decoded magnitude with the
clip's true phase).

    python benchmarks/throughput.py [--copies 4] [--json benchmarks/throughput.json]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf
from user_pictures import fft_floor_seconds, naive_magnitude, run_measured, sc_after_gain

from specimg.core.spectrum import istft, stft
from specimg.image.codec import open_image
from specimg.image.metadata import read_meta
from specimg.inversion import image_to_magnitude

DATA = Path("data")
#: (method option, --n-iter, -j) of each timed run; None: the command's default.
RUNS = [(None, "100", 1), (None, "100", 2), (None, "auto", 2), (None, "30", 2),
        (None, "10", 2), ("pghi", None, 2)]


def audio_seconds(folder: Path) -> tuple[float, int]:
    seconds, frames = 0.0, 0
    for path in sorted(folder.iterdir()):
        meta = read_meta(open_image(path.read_bytes(), path), path)
        seconds += meta.length / meta.sr
        frames += meta.n_frames
    return seconds, frames


def true_magnitude(picture: Path) -> np.ndarray:
    return np.load(DATA / "spec" / f"{picture.stem}.mag.npy")


def output_sc(pictures: list[Path], out_dir: Path) -> float:
    """Mean SC of the command's audio for ``pictures`` against the true magnitudes."""
    scores = []
    for picture in pictures:
        meta = read_meta(open_image(picture.read_bytes(), picture), picture)
        y, _ = sf.read(out_dir / f"0_{picture.stem}.wav", dtype="float32")
        scores.append(sc_after_gain(true_magnitude(picture), np.abs(stft(y, meta.stft))))
    return float(np.mean(scores))


def references(pictures: list[Path]) -> dict:
    """The naive recipe and the true-phase floor on ``pictures``."""
    naive_sc, true_phase_sc, naive_seconds, audio = [], [], 0.0, 0.0
    for picture in pictures:
        S = true_magnitude(picture)
        phase = np.load(DATA / "spec" / f"{picture.stem}.phase.npy")
        decoded, meta = image_to_magnitude(picture.read_bytes(), picture)
        floor = istft(decoded * np.exp(1j * phase), meta.stft, length=meta.length)
        true_phase_sc.append(sc_after_gain(S, np.abs(stft(floor, meta.stft))))
        start = time.perf_counter()
        naive = librosa.griffinlim(naive_magnitude(picture, meta.n_frames, "gray"), n_iter=100,
                                   hop_length=meta.stft.hop_length, momentum=0.99,
                                   random_state=0, length=meta.length)
        naive_seconds += time.perf_counter() - start
        audio += meta.length / meta.sr
        naive_sc.append(sc_after_gain(S, np.abs(stft(naive.astype(np.float32), meta.stft))))
    return {"naive_sc_db": round(float(np.mean(naive_sc)), 2),
            "naive_audio_seconds_per_second": round(audio / naive_seconds, 1),
            "true_phase_sc_db": round(float(np.mean(true_phase_sc)), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of each folder's pictures")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        for encoding in ("specshow", "specshow_user"):
            pictures = sorted((DATA / "images" / encoding).iterdir())
            folder, out_dir = Path(scratch) / encoding, Path(scratch) / "out"
            folder.mkdir()
            for copy in range(args.copies):
                for picture in pictures:
                    shutil.copy(picture, folder / f"{copy}_{picture.name}")
            seconds, frames = audio_seconds(folder)
            same_run = {"fft_floor_100_seconds": round(fft_floor_seconds(frames, workers=-1), 2),
                        **references(pictures)}
            for method, n_iter, jobs in RUNS:
                options = ["--method", method] if method else ["--n-iter", n_iter]
                command = ["specimg", "invert", str(folder), "-o", str(out_dir),
                           "--overwrite", "-j", str(jobs), *options]
                done, wall, peak_mb = run_measured(command)
                if done.returncode:
                    raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
                rows.append({
                    "pictures": encoding, "images": len(list(folder.iterdir())),
                    "audio_seconds": round(seconds, 1), "method": method or "default",
                    "n_iter": n_iter or "0", "jobs": jobs, "wall_seconds": round(wall, 2),
                    "audio_seconds_per_second": round(seconds / wall, 1),
                    "peak_mb": round(peak_mb), "processes": jobs + 1,
                    "sc_db": round(output_sc(pictures, out_dir), 2), **same_run,
                })
                print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
