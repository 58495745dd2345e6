"""The motivating user's picture, at the user's size, inverted by `specimg invert`.

A 60 s clip (the embedded recordings at 22050 Hz, one after another, repeated to 60 s) is drawn
exactly as the user drew theirs: `amplitude_to_db(abs(stft))` (librosa defaults), then
`specshow(Xdb, sr=sr, cmap='gray', x_axis='time', y_axis='hz')` on a 20 x 20 inch, dpi 1000,
frameless figure with one full-size axes and the axis off, saved as JPEG (matplotlib's default
quality): 20000 x 20000 pixels, no specimg metadata. Then `specimg invert` runs on it in a
subprocess with its default flags (it counts the frames from the picture), and this prints its
wall time, its peak
memory (summed resident sets of the command and its workers, polled) and the spectral convergence of
the result against the original clip.

    python benchmarks/big_jpeg.py [--dpi 1000] [--workdir /tmp/specimg-big]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import librosa
import librosa.display
import numpy as np
import psutil
from matplotlib.figure import Figure

from specimg.audio import AUDIO_EXTENSIONS, load_audio, read_audio
from specimg.metrics import spectral_convergence_db

SR, SECONDS = 22050, 60.0


def sixty_seconds(raw_dir: Path) -> np.ndarray:
    files = sorted(p for p in raw_dir.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    pieces = [load_audio(p, SR) for p in files]
    y = np.concatenate(pieces)
    return np.resize(y, int(SR * SECONDS))  # repeats the recordings to fill 60 s


def render_like_the_user(y: np.ndarray, path: Path, dpi: float) -> None:
    Xdb = librosa.amplitude_to_db(np.abs(librosa.stft(y)))
    figure = Figure(figsize=(20, 20), dpi=dpi, frameon=False)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.axis("off")
    librosa.display.specshow(Xdb, sr=SR, cmap="gray", x_axis="time", y_axis="hz", ax=axes)
    figure.savefig(path)


def run_measured(command: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command; return it, its wall time (s) and the peak summed RSS of its tree (MB).

    Polled every 20 ms: rusage's children maximum would count this process's own memory,
    inherited by the child between fork and exec.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.02)
    stdout, stderr = process.communicate()
    wall = time.perf_counter() - start
    done = subprocess.CompletedProcess(command, process.returncode, stdout, stderr)
    return done, wall, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dpi", type=float, default=1000.0)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/specimg-big"))
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    image, out = args.workdir / "clip.jpg", args.workdir / "out"

    y = sixty_seconds(args.raw)
    start = time.perf_counter()
    render_like_the_user(y, image, args.dpi)
    print(f"rendered {image} ({image.stat().st_size / 1e6:.1f} MB) in "
          f"{time.perf_counter() - start:.1f} s")

    command = ["specimg", "invert", str(image), "-o", str(out), "--overwrite"]
    done, wall, peak_mb = run_measured(command)
    print(" ".join(command))
    print(done.stdout.strip())
    if done.returncode:
        sys.exit(done.stderr)

    S = np.abs(librosa.stft(y))
    z, _ = read_audio(out / "clip.wav")
    print(f"output: {len(z)} samples for {len(y)} in the clip")
    S_z = np.abs(librosa.stft(z, n_fft=2048))[:, : S.shape[1]]
    gain = float(np.sum(S * S_z) / np.sum(S_z * S_z))  # the picture has no loudness
    print(f"specimg invert: {wall:.1f} s wall, peak memory {peak_mb:.0f} MB")
    print(f"SC against the original: {spectral_convergence_db(S, gain * S_z):.2f} dB after the "
          f"best gain ({20 * np.log10(gain):+.1f} dB: the level the picture could not carry)")


if __name__ == "__main__":
    main()
