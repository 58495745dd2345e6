"""Pictures drawn the user's way, inverted by `specimg invert`, beside the naive recipe and floors.

The embedded recordings (data/raw, resampled to 22050 Hz mono) are joined one after another and
repeated to fill a 60 s clip. It is drawn as the motivating user drew theirs:
`amplitude_to_db(abs(stft(y)))` (librosa's defaults), then `specshow(Xdb, sr=sr, cmap=CMAP,
x_axis='time', y_axis='hz')` on a 20 x 20 inch frameless figure with one full-size axes, axis
off, saved as JPEG at matplotlib's default quality (75), no specimg metadata. Pictures: dpi 1000
(20000 x 20000 px) and dpi 100 (2000 x 2000), in gray and magma, and the dpi 1000 gray picture
shrunk to 512 x 512 (Lanczos), the size an image model is trained on.

Per picture, all in this one run (SC: spectral convergence against the original clip's STFT
magnitude after the best single gain, since the picture carries no loudness; dB, lower is
better):

- `decoded_sc_db`: our decoded magnitude, before any phase step;
- `true_phase_sc_db`: our decoded magnitude with the clip's true phase, the floor a phase method
  can approach;
- `naive_*`: the naive recipe, full-resolution decode (Pillow), area average into the STFT cells
  (Pillow BOX), levels back to dB, `librosa.griffinlim` (32 and 100 iterations, momentum 0.99,
  random_state 0); colour pictures map each cell to the nearest of the colormap's 256 colours;
- `specimg_*`: `specimg invert PICTURE -o OUT` with its defaults (frames counted from the
  picture; `--duration 60` where a frame is under 3 px wide, too fine to count; `--cmap magma`
  for magma) in a subprocess: SC, wall time, and peak memory (summed resident sets of the
  command and its workers, polled every 20 ms);
- `methods`: on our decoded magnitude, SC and seconds of the phase methods at several iteration
  counts, for choosing the default on lossy pictures;
- speed references: the naive recipe's seconds, and the bare FFT floor (one `scipy.fft` rfft +
  irfft pass over the clip's frames, times 100);
- dpi 1000 pictures: `decoded_sc_db_by_dct_scale`, the decoded magnitude when the JPEG is
  decoded at 1/2, 1/4, 1/8 of its size (what a reduced DCT scale would cost);
- the 512 px picture: `decoded_sc_db_by_order` and `true_phase_sc_db_by_order`, its cells read by
  cubic (3, ours), linear (1) and blocky (0: nearest pixel) enlargement.

Then `colour_maps`: the decoded magnitude's SC of the same clip drawn at dpi 1000 in gray, magma,
viridis and inferno (read by lightness), to compare colour maps with gray.

    python benchmarks/user_pictures.py [--json benchmarks/user-pictures.json] [--quick]

--quick leaves out the dpi 1000 pictures (a minute instead of about fifteen).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import librosa
import librosa.display
import numpy as np
import psutil
import scipy.fft
from matplotlib.figure import Figure
from PIL import Image
from scipy.spatial import cKDTree

from specimg.core.audio import AUDIO_EXTENSIONS, load_audio, read_audio
from specimg.core.spectrum import StftConfig, unit_to_magnitude
from specimg.image.codec import decode_image
from specimg.image.colormap import colormap_table, luminance_curve, luminance_to_level
from specimg.image.metadata import ImageMeta
from specimg.image.raster import cells_from_image
from specimg.inversion import image_to_magnitude
from specimg.phase import reconstruct
from specimg.study.metrics import spectral_convergence_db
from specimg.util.parallel import available_cores

SR, SECONDS, HOP, N_FFT = 22050, 60.0, 512, 2048
CONFIG = StftConfig(SR, N_FFT, HOP)
Image.MAX_IMAGE_PIXELS = None  # our own 400 Mpixel pictures, as the user must allow for theirs
METHOD_RUNS = [("pghi_raar", 100), ("pghi_agla", 100), ("pghi_fgla", 100), ("pghi_raar", 300),
               ("pghi_agla", 300), ("pghi_fgla", 300)]


def sixty_seconds(raw_dir: Path) -> np.ndarray:
    files = sorted(p for p in raw_dir.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    y = np.concatenate([load_audio(p, SR) for p in files])
    return np.resize(y, int(SR * SECONDS))  # repeats the recordings to fill 60 s


def draw_like_the_user(y: np.ndarray, path: Path, dpi: float, cmap: str) -> None:
    Xdb = librosa.amplitude_to_db(np.abs(librosa.stft(y)))
    figure = Figure(figsize=(20, 20), dpi=dpi, frameon=False)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.axis("off")
    librosa.display.specshow(Xdb, sr=SR, cmap=cmap, x_axis="time", y_axis="hz", ax=axes)
    figure.savefig(path)


def run_measured(command: list[str]) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a command; return it, its wall time (s) and the peak summed RSS of its tree (MB)."""
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
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr), wall, \
        peak / 2**20


def sc_after_gain(S: np.ndarray, estimate: np.ndarray) -> float:
    """SC of ``estimate`` against ``S`` after the single gain that fits it best."""
    estimate = estimate[:, : S.shape[1]]
    gain = float(np.sum(S * estimate) / max(np.sum(estimate * estimate), 1e-30))
    return spectral_convergence_db(S, gain * estimate)


def magnitude_of(z: np.ndarray) -> np.ndarray:
    return np.abs(librosa.stft(z, n_fft=N_FFT, hop_length=HOP))


def naive_magnitude(path: Path, n_frames: int, cmap: str) -> np.ndarray:
    """Full-resolution decode, Pillow BOX into the cells, levels to magnitude (80 dB span)."""
    image = Image.open(path)
    n_bins = 1 + N_FFT // 2
    if cmap == "gray":
        levels = np.asarray(image.convert("L").resize((n_frames, n_bins), Image.Resampling.BOX),
                            np.float64) / 255.0
    else:
        cells = np.asarray(image.convert("RGB").resize((n_frames, n_bins),
                                                       Image.Resampling.BOX), np.float64)
        _, nearest = cKDTree(colormap_table(cmap)).query(cells.reshape(-1, 3))
        levels = nearest.reshape(cells.shape[:2]) / 255.0
    return librosa.db_to_amplitude(np.flipud(levels) * 80.0 - 80.0)


def fft_floor_seconds(n_frames: int, n_iter: int = 100, *, n_fft: int = N_FFT,
                      workers: int = 1) -> float:
    """Seconds of ``n_iter`` bare rfft + irfft passes over ``n_frames`` frames: the floor of
    any method that takes one STFT pair per iteration (``workers`` -1: every core)."""
    frames = np.zeros((n_frames, n_fft), np.float32)
    start = time.perf_counter()
    for _ in range(n_iter):
        scipy.fft.irfft(scipy.fft.rfft(frames, axis=1, workers=workers), n=n_fft, axis=1,
                        workers=workers)
    return time.perf_counter() - start


def picture_meta(n_frames: int, length: int, cmap: str) -> ImageMeta:
    return ImageMeta(StftConfig(SR, N_FFT, HOP), n_frames=n_frames, length=length, peak_db=0.0,
                     top_db=80.0, encoding="foreign", cmap=cmap, layout="specshow")


def true_phase_sc(S: np.ndarray, S_decoded: np.ndarray, D: np.ndarray, length: int) -> float:
    floor = librosa.istft(S_decoded * np.exp(1j * np.angle(D)), hop_length=HOP, length=length)
    return sc_after_gain(S, magnitude_of(floor))


def decoded_at_dct_scale(path: Path, meta: ImageMeta, scale: int) -> np.ndarray:
    """Magnitude of a JPEG decoded by luminance at 1/scale of its size, cells as ours."""
    image = Image.open(path)
    image.draft("L", (image.size[0] // scale, image.size[1] // scale))
    image.load()
    values = cells_from_image(image, meta, np.asarray)
    levels = luminance_to_level(values, luminance_curve(meta.cmap, True))
    return unit_to_magnitude(levels, 0.0, 80.0, floor_silence=True)


def measure(picture: dict, y: np.ndarray, S: np.ndarray, D: np.ndarray, out_dir: Path) -> dict:
    path, cmap = picture["path"], picture["cmap"]
    n_frames = S.shape[1]
    row = {"picture": picture["name"], "pixels": list(Image.open(path).size),
           "bytes": path.stat().st_size, "cmap": cmap}

    meta = picture_meta(n_frames, len(y), cmap)
    S_ours, _ = image_to_magnitude(path.read_bytes(), path, fallback=meta)
    row["decoded_sc_db"] = sc_after_gain(S, S_ours)
    row["true_phase_sc_db"] = true_phase_sc(S, S_ours, D, len(y))
    if row["pixels"][0] >= 20000:
        row["decoded_sc_db_by_dct_scale"] = {
            scale: round(sc_after_gain(S, decoded_at_dct_scale(path, meta, scale)), 2)
            for scale in (2, 4, 8)}
    if row["pixels"][0] < n_frames:
        row["decoded_sc_db_by_order"], row["true_phase_sc_db_by_order"] = {}, {}
        for order in (3, 1, 0):
            levels, _ = decode_image(path.read_bytes(), path, meta, order=order)
            S_order = unit_to_magnitude(levels, 0.0, 80.0, floor_silence=True)
            row["decoded_sc_db_by_order"][order] = round(sc_after_gain(S, S_order), 2)
            row["true_phase_sc_db_by_order"][order] = round(true_phase_sc(S, S_order, D, len(y)),
                                                            2)

    start = time.perf_counter()
    S_naive = naive_magnitude(path, n_frames, cmap)
    naive_decode = time.perf_counter() - start
    row["naive_decoded_sc_db"] = sc_after_gain(S, S_naive)
    for n_iter in (32, 100):
        start = time.perf_counter()
        z = librosa.griffinlim(S_naive, n_iter=n_iter, hop_length=HOP, n_fft=N_FFT,
                               random_state=0, length=len(y))
        row[f"naive_gla{n_iter}_seconds"] = naive_decode + time.perf_counter() - start
        row[f"naive_gla{n_iter}_sc_db"] = sc_after_gain(S, magnitude_of(z))

    command = ["specimg", "invert", str(path), "-o", str(out_dir), "--overwrite",
               *picture["flags"]]
    done, wall, peak_mb = run_measured(command)
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    z, _ = read_audio(out_dir / f"{path.stem}.wav")
    row.update(specimg_command=" ".join(command[:2] + command[2:3] + picture["flags"]),
               specimg_sc_db=sc_after_gain(S, magnitude_of(z)), specimg_seconds=wall,
               specimg_peak_mb=peak_mb)

    row["methods"] = []
    for method, n_iter in METHOD_RUNS:
        start = time.perf_counter()
        z = reconstruct(S_ours, CONFIG, method, length=len(y), n_iter=n_iter, random_state=0,
                        workers=available_cores())
        row["methods"].append({"method": method, "n_iter": n_iter,
                               "seconds": time.perf_counter() - start,
                               "sc_db": sc_after_gain(S, magnitude_of(z))})
    row["fft_floor_100_seconds"] = fft_floor_seconds(n_frames)
    return {key: round(value, 2) if isinstance(value, float) else value
            for key, value in row.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/specimg-user-pictures"))
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--quick", action="store_true", help="leave out the dpi 1000 pictures")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)

    y = sixty_seconds(args.raw)
    D = librosa.stft(y, n_fft=N_FFT, hop_length=HOP)
    S = np.abs(D)
    pictures = []
    for dpi in (100,) if args.quick else (1000, 100):
        for cmap in ("gray", "magma"):
            path = args.workdir / f"{cmap}_dpi{dpi}.jpg"
            start = time.perf_counter()
            draw_like_the_user(y, path, dpi, cmap)
            print(f"drew {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
            flags = [] if cmap == "gray" else ["--cmap", cmap]
            if dpi < 1000:  # under 3 px per frame: too fine to count, the user gives the length
                flags += ["--duration", str(SECONDS)]
            pictures.append({"name": f"{cmap}, dpi {dpi}", "path": path, "cmap": cmap,
                             "flags": flags})
    source = pictures[0]["path"]
    small = args.workdir / "gray_512px.jpg"
    Image.open(source).convert("RGB").resize((512, 512), Image.Resampling.LANCZOS).save(small)
    pictures.append({"name": f"gray, {source.stem} shrunk to 512 px", "path": small,
                     "cmap": "gray", "flags": ["--duration", str(SECONDS)]})

    rows = []
    for picture in pictures:
        rows.append(measure(picture, y, S, D, args.workdir / "out"))
        print(json.dumps(rows[-1]), flush=True)
    colour_maps = {}
    for cmap in ("gray", "magma", "viridis", "inferno"):
        path = args.workdir / f"{cmap}_dpi{1000 if not args.quick else 100}.jpg"
        if not path.exists() or cmap not in ("gray", "magma"):
            draw_like_the_user(y, path, 100 if args.quick else 1000, cmap)
        decoded, _ = image_to_magnitude(path.read_bytes(), path,
                                        fallback=picture_meta(S.shape[1], len(y), cmap))
        colour_maps[cmap] = round(sc_after_gain(S, decoded), 2)
    print(json.dumps({"colour_maps_decoded_sc_db": colour_maps}), flush=True)
    result = {"clip": f"data/raw joined and repeated to {SECONDS:g} s at {SR} Hz",
              "cores": available_cores(), "pictures": rows,
              "colour_maps_decoded_sc_db": colour_maps}
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    main()
