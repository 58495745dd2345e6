"""The consistency warning on pictures inverted from flags and their pixels, at the default
iteration count: upside down and mel read as linear are flagged, right parameters are not,
and pictures whose frames are narrower than a pixel are not judged."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np
import pytest

from specimg.cli import main
from specimg.core.audio import load_audio
from specimg.foreign import ForeignParams, picture_geometry

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from foreign_pictures import specshow_picture  # the benchmark's own drawing

RECORDING = Path(__file__).parent.parent / "data/raw/environmental_opensfx-work-nature.flac"
SR = 22050


@pytest.fixture(scope="module")
def clip() -> np.ndarray:
    return load_audio(RECORDING, SR)[SR : 11 * SR]  # benchmarks/consistency_warnings.py's clip


def frameless_specshow(y: np.ndarray, path: Path, size: tuple[int, int] = (2000, 2000),
                       y_axis: str = "hz") -> Path:
    """The user's drawing, as the benchmark draws it: gray, frameless, JPEG 75."""
    path.write_bytes(specshow_picture(y, size=size, y_axis=y_axis))
    return path


def invert(picture: Path, tmp_path: Path, *flags: str) -> int:
    return main(["invert", str(picture), "-o", str(tmp_path / "out"), "--overwrite", *flags])


def test_right_flags_pass_and_upside_down_is_flagged(clip, tmp_path, capsys):
    picture = frameless_specshow(clip, tmp_path / "hz.jpg")
    assert invert(picture, tmp_path) == 0
    assert "warning" not in capsys.readouterr().out
    assert invert(picture, tmp_path, "--low-row", "top") == 3
    assert "check --y-axis, --cmap, --frames" in capsys.readouterr().out


def test_frames_are_measured_on_the_full_width_when_the_colour_map_is_found(clip, tmp_path):
    """Finding the colour map decodes a large JPEG at a reduced DCT scale: the frames' width
    in pixels, which decides whether a picture is judged, is still that of the picture."""
    picture = frameless_specshow(clip, tmp_path / "found.jpg")
    geometry = picture_geometry(picture.read_bytes(), picture, ForeignParams())
    assert geometry.cmap_from == "found" and geometry.frames_from == "counted"
    assert geometry.pixels_per_frame == 2000 / geometry.meta.n_frames


def test_a_mel_picture_read_as_linear_is_flagged_after_its_many_iterations(clip, tmp_path,
                                                                           capsys):
    picture = frameless_specshow(clip, tmp_path / "mel.jpg", y_axis="mel")
    assert invert(picture, tmp_path, "--duration", "10", "--y-axis", "mel") == 0
    capsys.readouterr()
    assert invert(picture, tmp_path, "--duration", "10") == 3  # 1000 iterations, the limit -20
    assert "warning: " in capsys.readouterr().out


def test_frames_narrower_than_a_pixel_are_not_judged(clip, tmp_path, capsys):
    picture = frameless_specshow(clip, tmp_path / "narrow.jpg", size=(333, 2000))
    scores = tmp_path / "scores.csv"
    assert invert(picture, tmp_path, "--duration", "10", "--scores", str(scores)) == 0
    printed = capsys.readouterr().out  # right flags: about -17 dB
    assert "frames narrower than a pixel" in printed and "warning" not in printed
    assert next(csv.DictReader(scores.open()))["n_iter"] == "100"  # more would not pay
