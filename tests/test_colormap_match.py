import io

import numpy as np
import pytest
from PIL import Image

from specimg.image.colormap import colormap_table
from specimg.image.colormap_match import (
    MAX_MATCH_DISTANCE,
    candidate_colormaps,
    loud_low_rows,
    match_colormap,
)


def spectrogram_levels(seed=0, n_bins=30, n_frames=60, px_per_frame=4, px_per_bin=4):
    """Levels 0..1 like a spectrogram's, lowest band at the bottom: louder low down, cells
    drawn as uniform columns of ``px_per_frame`` px."""
    rng = np.random.default_rng(seed)
    loudness = np.linspace(0.15, 0.75, n_bins)[:, None]  # row 0 (top) quiet
    cells = np.clip(loudness + 0.12 * rng.standard_normal((n_bins, n_frames)), 0, 1)
    return np.repeat(np.repeat(cells, px_per_bin, axis=0), px_per_frame, axis=1)


def drawn(levels, cmap, fmt="PNG", quality=90):
    rgb = np.round(colormap_table(cmap)[np.round(levels * 255).astype(int)]).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format=fmt, **({"quality": quality}
                                                     if fmt == "JPEG" else {}))
    return Image.open(io.BytesIO(buffer.getvalue()))


@pytest.mark.parametrize("cmap", ["viridis", "magma", "jet", "cividis"])
@pytest.mark.parametrize(("fmt", "quality"), [("PNG", None), ("JPEG", 75), ("JPEG", 95)])
def test_finds_the_colour_map_a_picture_was_drawn_with(cmap, fmt, quality):
    match = match_colormap(drawn(spectrogram_levels(), cmap, fmt, quality or 90))
    assert match.cmap == cmap
    assert match.distance <= MAX_MATCH_DISTANCE


def test_a_reversed_map_is_told_by_where_the_loud_bands_are():
    levels = spectrogram_levels(1)
    assert match_colormap(drawn(levels, "magma_r")).cmap == "magma_r"
    # the same colours with the lowest band on top read as magma forwards
    assert match_colormap(drawn(levels, "magma_r"), low_row="top").cmap == "magma"


def test_grey_pictures_stay_grey_and_inverted_grey_is_told_apart():
    levels = spectrogram_levels(2)
    grey = Image.fromarray(np.round(levels * 255).astype(np.uint8))
    assert match_colormap(grey).cmap == "gray"
    inverted = Image.fromarray(np.round((1 - levels) * 255).astype(np.uint8))
    assert match_colormap(inverted).cmap == "gray_r"
    assert match_colormap(drawn(levels, "gray", "JPEG", 75)).cmap == "gray"  # RGB, no chroma


def test_colours_on_no_map_are_far_from_every_curve():
    rng = np.random.default_rng(3)
    pixels = np.repeat(rng.integers(0, 256, size=(120, 60, 3)), 4, axis=1).astype(np.uint8)
    assert match_colormap(Image.fromarray(pixels)).distance > MAX_MATCH_DISTANCE


def test_candidates_are_distinct_tables_with_the_usual_names_first():
    names = candidate_colormaps()
    assert names[:3] == ("gray", "magma", "viridis")
    assert not any(name.endswith("_r") for name in names)
    assert "Greys" in names  # greys of its own tone curve, not gray's reversed
    assert "grey" not in names and "gist_gray" not in names  # gray's own colours


def test_loudness_slope_follows_the_low_row():
    levels = np.array([0.1, 0.9])
    rows = np.array([0.0, 1.0])  # top quiet, bottom loud
    assert loud_low_rows(levels, rows, "bottom") == pytest.approx(0.8)
    assert loud_low_rows(levels, rows, "top") == pytest.approx(-0.8)


@pytest.mark.parametrize("cmap", ["gray", "gray_r", "magma", "magma_r"])
def test_a_band_limited_sound_on_a_log_axis_keeps_its_map_direction(cmap):
    """Telephone speech on a log axis: its lowest and highest quarters are about as quiet (no
    sound below 100 Hz, none above 4 kHz), so the slope cannot tell; most levels lie at the
    floor (silence clipped), which can."""
    rng = np.random.default_rng(1)
    rows = np.zeros((40, 60))
    rows[14:26] = np.clip(0.55 + 0.2 * rng.standard_normal((12, 60)), 0, 1)  # the voice band
    levels = np.repeat(np.repeat(rows, 4, axis=0), 4, axis=1)
    assert match_colormap(drawn(levels, cmap, "JPEG", 75)).cmap == cmap
