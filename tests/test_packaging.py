"""`pip install` of specimg gives the command with only what it needs: a wheel built from the
checkout, installed into a fresh virtual environment with the pinned versions, runs the
`specimg` command from a folder outside the checkout, and brings neither DVC nor Dask. It ships
the library only: the stages' work as `specimg.pipeline` (what Dask workers import), not the
checkout's `stages/` scripts. Its dependencies are ranges (`>=`, no exact pin), whose core
lower bounds requirements-lowest.txt pins (`make check-lowest` installs and runs those)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import numpy as np
from tinyproject import REPO

from specimg.core.spectrum import StftConfig
from specimg.image.codec import encode_levels
from specimg.image.metadata import ImageMeta

PIPELINE_ONLY = {"dvc", "dask", "distributed", "pandas", "pyyaml", "pesq", "pystoi"}
#: The stages' modules that import without the pipeline extra (evaluate and report need pandas).
CORE_PIPELINE = ("common", "encode", "invert", "model_pictures", "model_summary", "segment",
                 "stft")


def run(args: list, cwd: Path) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_dependencies_are_ranges_whose_lower_bounds_are_pinned_in_the_lowest_set():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    everything = [*project["dependencies"], *(requirement for extra in
                                              project["optional-dependencies"].values()
                                              for requirement in extra)]
    assert all(">=" in r and "==" not in r for r in everything), everything
    bounds = {name.lower(): version for name, version in
              (r.split(">=") for r in project["dependencies"])}
    lines = [line for line in (REPO / "requirements-lowest.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert dict(line.lower().split("==") for line in lines) == bounds


def requirement_names(lines: list[str]) -> set[str]:
    return {re.split(r"[\s=<>!;\[(]", line, maxsplit=1)[0].lower().replace("_", "-")
            for line in lines}


def source_copy(destination: Path) -> Path:
    """What the wheel is built from, copied: setuptools writes build/ and *.egg-info beside
    the sources, and a stale build/ in the checkout would ship modules deleted since."""
    for name in ("pyproject.toml", "README.md"):
        destination.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / name, destination / name)
    for package in ("specimg", "stages"):
        shutil.copytree(REPO / package, destination / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def test_the_wheel_installs_the_command_without_the_pipeline(tmp_path):
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp_path / "dist",
         source_copy(tmp_path / "source")], cwd=tmp_path)
    (wheel,) = (tmp_path / "dist").glob("specimg-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = archive.read(name).decode()
        packaged = {n.split("/")[0] for n in archive.namelist()}
    requires = [line.removeprefix("Requires-Dist: ") for line in metadata.splitlines()
                if line.startswith("Requires-Dist: ")]
    core = requirement_names([r for r in requires if "extra ==" not in r])
    assert all(">=" in r.split(";")[0] and "==" not in r.split(";")[0] for r in requires)
    assert "numba" in core and not core & PIPELINE_ONLY
    assert PIPELINE_ONLY <= requirement_names([r for r in requires if "extra == \"pipeline\""
                                               in r.replace("'", '"')])
    assert "specimg" in packaged and "stages" not in packaged, packaged

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path)
    pip = [venv / "bin/python", "-m", "pip", "--disable-pip-version-check"]
    run([*pip, "install", "--quiet", "-c", REPO / "requirements.lock", wheel], cwd=tmp_path)
    installed = requirement_names(run([*pip, "freeze"], cwd=tmp_path).splitlines())
    assert not installed & PIPELINE_ONLY, installed & PIPELINE_ONLY
    modules = ", ".join(f"specimg.pipeline.{name}" for name in CORE_PIPELINE)
    where = run([venv / "bin/python", "-c", f"import {modules}, specimg.pipeline as p; "
                 "print(p.__file__)"], cwd=tmp_path)
    assert str(venv) in where, where

    config = StftConfig(sr=8000, n_fft=256, hop_length=64)
    length = 4000
    levels = np.random.default_rng(0).random((config.n_bins, config.n_frames(length)))
    meta = ImageMeta(config, n_frames=levels.shape[1], length=length, peak_db=0.0,
                     top_db=80.0, encoding="png16")
    (tmp_path / "picture.png").write_bytes(encode_levels(levels, meta))
    run([venv / "bin/specimg", "invert", "picture.png", "-o", "audio", "--n-iter", "4"],
        cwd=tmp_path)
    assert (tmp_path / "audio/picture.wav").stat().st_size > 2 * length
