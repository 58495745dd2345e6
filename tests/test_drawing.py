"""Specshow pictures drawn at a pixel density: sizes, shrinking, and bad styles."""

import io

import numpy as np
import pytest
from PIL import Image

from specimg.core.spectrum import magnitude_to_unit, peak_db, stft
from specimg.image.codec import decode_image
from specimg.image.drawing import SpecshowStyle, draw_levels
from specimg.image.metadata import ImageMeta


@pytest.fixture
def clip(harmonic_signal, small_config):
    S = np.abs(stft(harmonic_signal, small_config))
    peak = peak_db(S)
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak, top_db=80.0, encoding="specshow_test")
    return magnitude_to_unit(S, peak, 80.0), meta


def test_pictures_have_the_density_asked_for_and_decode(clip):
    levels, meta = clip
    seconds = meta.length / meta.sr
    style = SpecshowStyle(width_per_second=1234.5, height=333)
    data, stored = draw_levels(levels, meta, style)
    assert Image.open(io.BytesIO(data)).size == (round(1234.5 * seconds), 333)
    assert stored.layout == "specshow" and stored.drawn
    decoded, read = decode_image(data)
    assert read == stored
    assert np.sqrt(np.mean((80 * (decoded - levels)) ** 2)) < 1.5


def test_shrunk_pictures_are_coarser_than_their_cells_and_still_decode(clip):
    levels, meta = clip
    seconds = meta.length / meta.sr
    style = SpecshowStyle(width_per_second=1000, height=400, shrink_to=(40, 32))
    data, _ = draw_levels(levels, meta, style)
    width, height = Image.open(io.BytesIO(data)).size
    assert (width, height) == (round(40 * seconds), 32)
    assert width < meta.n_frames and height < meta.n_rows
    decoded, _ = decode_image(data)
    assert decoded.shape == levels.shape
    assert np.sqrt(np.mean((80 * (decoded - levels)) ** 2)) < 20  # blurred, not refused


@pytest.mark.parametrize(("section", "problem"), [
    ({"width_per_second": -1, "height": 10}, "width_per_second -1 is not a positive number"),
    ({"width_per_second": 10, "height": 10, "quality": 101}, "quality 101"),
    ({"width_per_second": 10, "height": 10, "cmap": "nope"}, "cmap 'nope'"),
    ({"width_per_second": 10, "height": 10, "shrink_to": [1]}, "shrink_to must be"),
    ({"width_per_second": 10, "height": 10, "figsize": [2, 2]}, "unknown keys"),
    ({"height": 10}, "width_per_second"),
    ([1, 2], "must be a mapping"),
])
def test_bad_styles_are_named(section, problem):
    with pytest.raises(ValueError, match=r"encode\.specshow\.x") as error:
        SpecshowStyle.from_params(section, "encode.specshow.x")
    assert problem in str(error.value)
