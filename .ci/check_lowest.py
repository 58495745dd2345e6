"""CI's check of the declared lowest versions (`make check-lowest`).

pyproject.toml declares ranges (`numpy>=X`); requirements-lowest.txt pins each core dependency
at its lower bound (`numpy==X`). This script builds the wheel from a copy of the checkout's
sources, installs requirements-lowest.txt into a fresh virtual environment in a temporary
folder (wheels only, from the package index), then the wheel without dependencies, and checks
that pip finds the environment consistent (`pip check`) and that the pins are the bounds.

Then the smoke inversion, the same in both environments: a 5 s clip of a recording in data/raw
encoded by this checkout's `specimg encode` (a png16 picture with metadata, and a specshow
picture saved again without it: a foreign picture, its frames counted), inverted by `specimg
invert --scores` in this environment (requirements.lock) and in the lowest one. Per picture,
SC (dB, lower is better) of each output against the clip's true STFT magnitude, after the best
single gain, and the command's own consistency SC; they must agree within TOLERANCE_DB. And
the clip encoded as jpeg75 by both: the pictures must carry the same metadata (Pillow before
9.4 writes the JPEG without its comment, silently). One line says what was found (exit 1 on
any difference).

    python .ci/check_lowest.py [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
LOWEST = REPO / "requirements-lowest.txt"
RECORDING = REPO / "data/raw/music_wesnoth-symphony.ogg"
CLIP_SECONDS = 5.0
N_ITER = "32"
#: dB: the lowest versions may decode a JPEG or round a float differently, not more.
TOLERANCE_DB = 0.1


def run(args: list, **options) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **options)
    if done.returncode:
        sys.exit(f"check-lowest: `{' '.join(map(str, args))}` failed:\n{done.stdout}"
                 f"{done.stderr}")
    return done


def pins(text: str) -> dict[str, str]:
    """``name: version`` of each ``name==version`` line (comments and others left out)."""
    found = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[canonical(name)] = version.strip()
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.strip()).lower()


def lower_bounds() -> dict[str, str]:
    """``name: X`` of each core dependency ``name>=X`` in pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    bounds = {}
    for requirement in project["dependencies"]:
        match = re.match(r"([A-Za-z0-9_.-]+)\s*>=\s*([^,;\s]+)", requirement)
        if not match:
            sys.exit(f"check-lowest: {requirement!r} in pyproject.toml has no lower bound")
        bounds[canonical(match[1])] = match[2]
    return bounds


def build_wheel(workdir: Path) -> Path:
    """The wheel of a copy of the sources (setuptools writes build/ beside them)."""
    source = workdir / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    for package in ("specimg", "stages"):
        shutil.copytree(REPO / package, source / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", workdir / "dist",
         source])
    (wheel,) = (workdir / "dist").glob("specimg-*.whl")
    return wheel


def lowest_venv(workdir: Path, wheel: Path) -> Path:
    venv = workdir / "venv"
    run([sys.executable, "-m", "venv", venv])
    pip = [venv / "bin/python", "-m", "pip", "--disable-pip-version-check", "--quiet"]
    run([*pip, "install", "--only-binary", ":all:", "-r", LOWEST])
    run([*pip, "install", "--no-deps", wheel])
    run([*pip, "check"])
    installed = pins(run([*pip, "freeze"]).stdout)
    wrong = {name: (version, installed.get(name)) for name, version in pins(LOWEST.read_text())
             .items() if installed.get(name) != version}
    if wrong:
        sys.exit(f"check-lowest: installed other versions than pinned: {wrong}")
    return venv


def pictures(workdir: Path) -> tuple[Path, np.ndarray]:
    """The png16 and the foreign picture of the clip, in one folder; the clip's samples."""
    from specimg.core.audio import encode_audio, load_audio, read_audio

    y = load_audio(RECORDING, 22050)[: round(CLIP_SECONDS * 22050)]
    clip = workdir / "clip.wav"
    clip.write_bytes(encode_audio(y, 22050, "WAV"))
    folder = workdir / "pictures"
    for encoding in ("png16", "specshow"):
        specimg(sys.executable, "encode", clip, "-o", workdir / encoding, "--format", encoding)
    folder.mkdir()
    shutil.copy(workdir / "png16/clip_000.png", folder / "own.png")
    drawn = Image.open(workdir / "specshow/clip_000.jpg")
    Image.fromarray(np.asarray(drawn)).save(folder / "foreign.jpg", quality=95)  # no metadata
    return folder, read_audio(clip)[0]


def specimg(python: Path | str, *args) -> subprocess.CompletedProcess:
    """The command from this checkout's code (this interpreter) or the installed wheel's."""
    here = str(python) == sys.executable
    env = {**os.environ, "PYTHONPATH": str(REPO)} if here else dict(os.environ)
    if not here:
        env.pop("PYTHONPATH", None)
    return run([python, "-m", "specimg.cli", *args], env=env, cwd=REPO if here else "/")


def scores(python: Path | str, folder: Path, out: Path, y: np.ndarray) -> dict:
    """Per picture: (SC against the clip, the command's consistency SC), dB."""
    from specimg.core.spectrum import StftConfig, stft
    from specimg.study.metrics import spectral_convergence_db

    done = specimg(python, "invert", folder, "-o", out, "--n-iter", N_ITER, "--scores",
                   out / "scores.csv")
    if done.stderr:
        sys.exit(f"check-lowest: `specimg invert` with {python} wrote to stderr:\n{done.stderr}")
    config = StftConfig(22050, 2048, 512)
    S = np.abs(stft(y, config))
    found = {}
    for row in csv.DictReader(io.StringIO((out / "scores.csv").read_text())):
        name = Path(row["image"]).stem
        estimate = np.abs(stft(read_output(Path(row["output"])), config))[:, : S.shape[1]]
        gain = float(np.sum(S * estimate) / max(np.sum(estimate * estimate), 1e-30))
        found[name] = (spectral_convergence_db(S, gain * estimate),
                       float(row["consistency_sc_db"]))
    return found


def same_metadata(python: Path, workdir: Path) -> bool:
    """Whether the clip's jpeg75 picture from ``python``'s specimg carries the metadata of
    this checkout's."""
    from specimg.image.codec import open_image
    from specimg.image.metadata import read_meta

    found = []
    for name, command in (("locked", sys.executable), ("lowest", python)):
        specimg(command, "encode", workdir / "clip.wav", "-o", workdir / f"jpeg-{name}",
                "--format", "jpeg75")
        path = workdir / f"jpeg-{name}/clip_000.jpg"
        found.append(read_meta(open_image(path.read_bytes(), path), path))
    return found[0] is not None and found[0] == found[1]


def read_output(path: Path) -> np.ndarray:
    from specimg.core.audio import read_audio

    return read_audio(path)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    bounds, pinned = lower_bounds(), pins(LOWEST.read_text())
    if bounds != {name: pinned.get(name) for name in bounds}:
        sys.exit(f"check-lowest: pyproject.toml's lower bounds {bounds} are not "
                 f"requirements-lowest.txt's pins {pinned}")
    with tempfile.TemporaryDirectory(prefix="check-lowest-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        venv = lowest_venv(workdir, build_wheel(workdir))
        install = time.perf_counter() - started
        folder, y = pictures(workdir)
        locked = scores(sys.executable, folder, workdir / "out-locked", y)
        lowest = scores(venv / "bin/python", folder, workdir / "out-lowest", y)
        same = {name: (workdir / "out-locked" / f"{name}.wav").read_bytes()
                == (workdir / "out-lowest" / f"{name}.wav").read_bytes() for name in locked}
        encoded = same_metadata(venv / "bin/python", workdir)
    worst = max(abs(a - b) for name in locked for a, b in zip(locked[name], lowest[name],
                                                              strict=True))
    figures = "; ".join(
        f"{name}: SC {locked[name][0]:.2f} dB locked, {lowest[name][0]:.2f} lowest "
        f"(consistency {locked[name][1]:.2f}, {lowest[name][1]:.2f}"
        f"{', same bytes' if same[name] else ''})" for name in sorted(locked))
    ok = worst <= TOLERANCE_DB and encoded
    print(f"check-lowest: {'ok' if ok else 'FAILED'}: {len(pinned)} lowest versions "
          f"({', '.join(f'{n} {v}' for n, v in sorted(pinned.items()))}) installed in "
          f"{install:.0f} s; {figures}; largest difference {worst:.3f} dB "
          f"(tolerance {TOLERANCE_DB} dB); jpeg75 metadata "
          f"{'as' if encoded else 'NOT as'} locked; {time.perf_counter() - started:.0f} s in all")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
