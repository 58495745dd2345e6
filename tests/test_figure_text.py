"""Reading notebook spectrogram figures' tick labels and colour bars (specimg.image.figure_text)."""

from __future__ import annotations

import functools

import matplotlib
import numpy as np
import pytest
from notebook_figures import draw

from specimg.image.figure_text import colorbar_colours, read_figure_axes
from specimg.image.glyphs import GlyphReader, ink

CASES = {
    "10x4@100 png hz magma 10s": dict(),
    "10x4@100 jpeg90 log 60s": dict(fmt="jpeg", y_axis="log", seconds=60),
    "14x6@200 png mel gray 30s": dict(size=(14, 6), dpi=200, y_axis="mel", cmap="gray", seconds=30),
    "14x6@200 jpeg90 hz viridis 5s": dict(
        size=(14, 6), dpi=200, fmt="jpeg", cmap="viridis", seconds=5
    ),
    "6x3@72 png mel 5s": dict(size=(6, 3), dpi=72, y_axis="mel", seconds=5),
    "6x3@72 jpeg90 log gray 10s no tight_layout": dict(
        size=(6, 3), dpi=72, fmt="jpeg", y_axis="log", cmap="gray", tight=False
    ),
    "10x4@100 png hz 44.1k 30s, colour bar without format": dict(
        sr=44100, seconds=30, colorbar_format=None
    ),
    "10x4@150 jpeg90 16k 60s, no colour bar": dict(dpi=150, fmt="jpeg", sr=16000, seconds=60,
                                                     colorbar=False),
}


@functools.cache
def case(name: str):
    figure = draw(**CASES[name])
    read = read_figure_axes(
        figure.rgb, figure.plot, figure.colorbar, figure.x_ticks, figure.y_ticks,
        figure.colorbar_ticks,
    )
    return figure, read


@pytest.mark.parametrize("name", CASES)
def test_axes_read(name):
    figure, read = case(name)
    options = CASES[name]
    assert read.duration_s == pytest.approx(figure.duration_s, rel=0.01), read.notes
    assert read.y_axis == options.get("y_axis", "hz"), read.notes
    assert read.fmax_hz == pytest.approx(figure.fmax_hz, rel=0.02), read.notes
    assert read.sr == options.get("sr", 22050), read.notes
    if figure.colorbar is None:
        assert read.top_db is None and read.colormap_rgb is None
    else:
        assert read.top_db == pytest.approx(80.0, abs=0.5), read.notes


@pytest.mark.parametrize("name", CASES)
def test_every_label_read_right(name):
    """Each label drawn in view is read as matplotlib wrote it, or not at all."""
    figure, read = case(name)
    notes = {note.split(":")[0]: note for note in read.notes}
    shown = notes["time axis"].split(": ", 1)[1].rsplit(" (", 1)[0].split(", ")
    assert shown == [t.replace("\u2212", "-") if t.startswith("-") else t
                     for t in figure.x_labels][: len(shown)]
    assert len(shown) >= len(figure.x_labels) - 1


@pytest.mark.parametrize("name", [n for n in CASES if CASES[n].get("colorbar", True)])
def test_colormap_as_drawn(name):
    figure, read = case(name)
    colours = read.colormap_rgb.astype(float)
    n = len(colours)
    reference = matplotlib.colormaps[figure.cmap]((np.arange(n) + 0.5) / n)[:, :3] * 255
    tolerance = 6.0 if CASES[name].get("fmt") == "jpeg" else 3.0
    assert np.abs(colours - reference).mean() < tolerance


def test_digits_read_at_every_size():
    """Rendered labels read back at 72 to 300 dpi; a wrong text size reads nothing."""
    for dpi in (72, 100, 150, 200, 300):
        reader = GlyphReader(10 * dpi / 72)
        for text in ("0:05", "1.5", "12000", "\u221280", "+0", "8192"):
            label = _drawn(text, reader.px)
            rows = np.flatnonzero(label.max(axis=1) >= 0.35)
            assert reader.read(reader.cut(label, int(rows[-1])))[0] == text
    big = GlyphReader(20.0)
    label = _drawn("0:05", 14.0)
    rows = np.flatnonzero(label.max(axis=1) >= 0.35)
    assert big.read(big.cut(label, int(rows[-1])))[0] is None


def _drawn(text: str, px: float) -> np.ndarray:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(3, 1), dpi=72)
    fig.text(0.1, 0.3, text, fontsize=px)
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    plt.close(fig)
    return ink(rgb)


def test_unreadable_labels_are_none():
    """Labels in another font size or smudged are not guessed."""
    figure, _ = case("10x4@100 png hz magma 10s")
    rgb = figure.rgb.copy()
    _, _, right, bottom = (int(v) for v in figure.plot)
    rgb[bottom + 2 :, :right] = rgb[bottom + 2 :, :right] // 2 + 64  # greyed time labels
    read = read_figure_axes(rgb, figure.plot, figure.colorbar, figure.x_ticks, figure.y_ticks,
                            figure.colorbar_ticks)
    assert read.duration_s is None
    assert read.y_axis == "hz"


def test_colorbar_colours_bottom_first():
    rgb = np.zeros((40, 10, 3), np.uint8)
    rgb[:, :, 0] = np.arange(40)[::-1, None]
    colours = colorbar_colours(rgb, (0.0, 0.0, 10.0, 40.0))
    assert colours[0, 0] < colours[-1, 0]
    assert len(colours) == 38  # the outline rows left out
