"""The pixel-to-cell geometry of specshow pictures, checked cell by cell on drawn pictures."""

import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from specimg.core.spectrum import StftConfig
from specimg.image.codec import decode_image
from specimg.image.colormap import luminance_curve
from specimg.image.drawing import specshow_figure
from specimg.image.metadata import ImageMeta
from specimg.image.raster import uniform_cells


def drawn_png(codes: np.ndarray, meta: ImageMeta, figsize, dpi) -> bytes:
    """specshow of 8-bit grey codes (entry k of ``gray`` for code k), saved as PNG."""
    figure = specshow_figure(codes + 0.5, meta, figsize, dpi, cmap="gray", vmin=0, vmax=256)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(buffer, format="PNG")
    return buffer.getvalue()


def foreign_meta(n_fft: int, n_frames: int, hop_length: int = 512) -> ImageMeta:
    return ImageMeta(StftConfig(22050, n_fft, hop_length), n_frames=n_frames,
                     length=(n_frames - 1) * hop_length, peak_db=0.0,
                     top_db=80.0, encoding="foreign", layout="specshow")


# Non-integer pixels per cell everywhere; the last two are the user's 20 x 20 in at dpi 1000 (for
# 2584 frames and 1025 bins of a 60 s clip), cut to a strip of 2000 px each way to stay fast.
@pytest.mark.parametrize(
    ("figsize", "dpi", "n_fft", "n_frames"),
    [((7, 3), 123, 256, 200), ((5, 4), 77, 254, 131), ((20, 2), 1000, 2048, 2584),
     ((2, 20), 1000, 2048, 258)],
)
def test_every_cell_of_a_specshow_picture_decodes_exactly(figsize, dpi, n_fft, n_frames):
    meta = foreign_meta(n_fft, n_frames)
    codes = np.random.default_rng(n_frames).integers(0, 256, (meta.n_rows, n_frames))
    data = drawn_png(codes, meta, figsize, dpi)
    assert Image.open(io.BytesIO(data)).size == (round(figsize[0] * dpi), round(figsize[1] * dpi))
    decoded, _ = decode_image(data, "drawn.png", meta=meta)
    # the middle of entry k's levels; entry 0 holds the dB floor
    expected = np.where(codes == 0, 0.0, (codes + 0.5) / 256).astype(np.float32)
    assert np.count_nonzero(decoded != expected) == 0


def test_uniform_cells_take_the_pixel_centre():
    assert uniform_cells(4, 4).tolist() == [0, 1, 2, 3]
    assert uniform_cells(5, 2).tolist() == [0, 0, 1, 1, 1]  # centre 2.5 px lies in cell 1
    assert uniform_cells(3, 3, reverse=True).tolist() == [2, 1, 0]


@pytest.mark.parametrize("cmap", ["gray", "Greys", "magma", "inferno", "viridis", "plasma",
                                  "cividis", "hot", "binary", "gray_r"])
def test_maps_of_monotonic_lightness_are_read_by_it(cmap):
    curve = luminance_curve(cmap, True)
    assert curve is not None
    luminance, levels = curve
    assert np.all(np.diff(luminance) > 0)
    assert np.all(np.diff(levels) >= 0) or np.all(np.diff(levels) <= 0)
    assert levels.min() == 0.0  # the floor's colour reads as the floor


@pytest.mark.parametrize("cmap", ["jet", "turbo", "rainbow"])
def test_maps_whose_lightness_rises_and_falls_are_read_by_colour(cmap):
    assert luminance_curve(cmap, True) is None
