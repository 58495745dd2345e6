"""Figures with axes: the plot area found, its cells placed, inverted like a frameless picture."""

from __future__ import annotations

import io
from dataclasses import replace
from functools import cache

import librosa
import numpy as np
import pytest
from PIL import Image

from specimg.cli import main
from specimg.core.spectrum import StftConfig, magnitude_to_unit, peak_db
from specimg.image import ImageMeta, encode_levels, render_specshow, specshow_pixel_cells
from specimg.image.drawing import SpecshowStyle, _exact_figsize, draw_levels, specshow_figure
from specimg.image.figure import find_plot_area
from specimg.image.figure_fit import fit_frames, fit_plot_area, named_colormap
from specimg.image.preset_pictures import audio_diffusion_picture
from specimg.image.raster import framed_cells
from specimg.inversion import image_to_magnitude, invert_image
from specimg.study.metrics import spectral_convergence_db

CONFIG = StftConfig(sr=8000, n_fft=256, hop_length=64)


def harmonic(seconds: float = 2.0) -> np.ndarray:
    """The conftest's harmonic_signal (2 s at 8 kHz), as a cacheable function."""
    sr = CONFIG.sr
    t = np.arange(int(sr * seconds)) / sr
    phase = 2 * np.pi * np.cumsum(220.0 + 60.0 * t) / sr
    y = sum(np.sin(k * phase) / k for k in range(1, 6))
    y *= 0.3 * (0.6 + 0.4 * np.sin(2 * np.pi * 1.5 * t))
    y += 1e-3 * np.random.default_rng(0).standard_normal(len(t))
    return y.astype(np.float32)


def spectrogram(y_axis: str) -> tuple[np.ndarray, np.ndarray, ImageMeta]:
    y = harmonic()
    S = np.abs(librosa.stft(y, n_fft=CONFIG.n_fft, hop_length=CONFIG.hop_length))
    if y_axis == "mel":
        D = librosa.power_to_db(librosa.feature.melspectrogram(S=S**2, sr=CONFIG.sr, n_mels=64),
                                ref=np.max)
    else:
        D = librosa.amplitude_to_db(S, ref=np.max)
    meta = ImageMeta(CONFIG, n_frames=S.shape[1], length=len(y), peak_db=0.0,
                     top_db=float(D.max() - D.min()), encoding="foreign", y_axis=y_axis,
                     n_mels=64, layout="specshow")
    return S, D, meta


#: figsize (in), dpi, y_axis, cmap, colour bar, tight_layout, format, title
KINDS = {
    "10x4@100 hz gray bar png": ((10, 4), 100, "hz", "gray", True, False, "png", True),
    "14x6@200 log magma bar tight png": ((14, 6), 200, "log", "magma", True, True, "png", True),
    "6x3@150 mel magma jpeg untitled": ((6, 3), 150, "mel", "magma", False, False, "jpeg",
                                        False),
    "8x4@72 hz magma bar tight jpeg": ((8, 4), 72, "hz", "magma", True, True, "jpeg", True),
    "6x3@150 mel gray bar tight png": ((6, 3), 150, "mel", "gray", True, True, "png", True),
}


@cache
def user_figure(kind: str) -> dict:
    """A figure drawn the notebook way, and what matplotlib says about it (boxes, ticks)."""
    import librosa.display
    import matplotlib.pyplot as plt

    figsize, dpi, y_axis, cmap, colorbar, tight, fmt, title = KINDS[kind]
    S, D, meta = spectrogram(y_axis)
    figure = plt.figure(figsize=figsize)
    axes = figure.gca()
    mesh = librosa.display.specshow(D, sr=CONFIG.sr, hop_length=CONFIG.hop_length,
                                    n_fft=CONFIG.n_fft, x_axis="time", y_axis=y_axis, ax=axes,
                                    cmap=cmap)
    bar = figure.colorbar(mesh, format="%+2.0f dB") if colorbar else None
    if title:
        axes.set_title("Spectrogram")
    if tight:
        figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    figure.set_dpi(dpi)
    figure.canvas.draw()
    height = figure.canvas.get_width_height()[1]

    def box(of):
        extent = of.get_window_extent()
        return (float(extent.x0), height - float(extent.y1), float(extent.x1),
                height - float(extent.y0))

    lo, hi = axes.get_xlim()
    x_ticks = [float(axes.transData.transform((value, 0))[0]) for value in axes.get_xticks()
               if lo <= value <= hi]
    truth = {"plot": box(axes), "colorbar": box(bar.ax) if bar else None, "x_ticks": x_ticks}
    plt.close(figure)
    data = buffer.getvalue()
    return {"data": data, "rgb": np.asarray(Image.open(io.BytesIO(data)).convert("RGB")),
            "meta": replace(meta, cmap=cmap), "S": S, "D": D, "format": fmt, **truth}


@pytest.mark.parametrize("kind", KINDS)
def test_plot_area_colour_bar_and_ticks_within_half_a_pixel(kind):
    drawn = user_figure(kind)
    area = find_plot_area(drawn["rgb"])
    assert area is not None
    assert np.max(np.abs(np.subtract(area.plot, drawn["plot"]))) <= 0.5
    if drawn["colorbar"] is None:
        assert area.colorbar is None
    else:
        assert np.max(np.abs(np.subtract(area.colorbar, drawn["colorbar"]))) <= 0.5
        assert len(area.colorbar_ticks) >= 3
    assert len(area.x_ticks) == len(drawn["x_ticks"])
    assert np.max(np.abs(np.subtract(area.x_ticks, drawn["x_ticks"]))) <= 0.5
    x0, y0, x1, y1 = area.interior  # pixels the frame lines leave (nearly) clear: inside
    left, top, right, bottom = drawn["plot"]
    assert left < x0 + 0.5 < left + 3 and top < y0 + 0.5 < top + 3
    assert right - 3 < x1 - 0.5 < right and bottom - 3 < y1 - 0.5 < bottom
    assert max(area.fringe) < 0.5
    grey = find_plot_area(np.asarray(Image.fromarray(drawn["rgb"]).convert("L")))
    assert grey is not None and np.max(np.abs(np.subtract(grey.plot, area.plot))) <= 0.5


@pytest.mark.parametrize("kind", [kind for kind in KINDS if KINDS[kind][2] != "hz"]
                         + ["10x4@100 hz gray bar png"])
def test_fit_places_the_box_from_the_cells(kind):
    drawn = user_figure(kind)
    area = find_plot_area(drawn["rgb"])
    fitted = fit_plot_area(drawn["rgb"], area, drawn["meta"])
    error = np.abs(np.subtract(fitted.plot, drawn["plot"]))
    assert error[[0, 2]].max() <= 0.1  # frames: wider than pixels in every kind
    if drawn["meta"].y_axis != "hz":  # bands wider than pixels (hz rows here are not)
        assert error[[1, 3]].max() <= 0.25


def test_fit_frames_finds_the_frame_count_the_cells_show():
    drawn = user_figure("6x3@150 mel gray bar tight png")
    area, meta = find_plot_area(drawn["rgb"]), drawn["meta"]
    for off in (-2, 0, 3):
        guess = replace(meta, n_frames=meta.n_frames + off)
        assert fit_frames(drawn["rgb"], area, guess, spread=0.02).n_frames == meta.n_frames


def probe_figure(meta: ImageMeta, size: tuple[int, int], box: tuple[float, ...]) -> np.ndarray:
    """Cell codes (-1 outside) Agg draws for ``meta``'s cells in axes spanning ``box`` (px)."""
    import librosa.display
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    width, height = size
    left, top, right, bottom = box
    codes = np.arange(meta.n_rows * meta.n_frames).reshape(meta.n_rows, meta.n_frames)
    flat = codes.ravel()
    colours = np.stack([flat >> 16, (flat >> 8) & 255, flat & 255], axis=1) / 255.0
    figure = Figure(figsize=(width / 100, height / 100), dpi=100, frameon=False)
    axes = figure.add_axes((left / width, (height - bottom) / height, (right - left) / width,
                            (bottom - top) / height))
    librosa.display.specshow(codes.astype(float), sr=meta.sr, hop_length=meta.stft.hop_length,
                             n_fft=meta.stft.n_fft, x_axis="time", y_axis=meta.y_axis, ax=axes,
                             cmap=ListedColormap(colours), vmin=-0.5, vmax=codes.size - 0.5)
    axes.set_axis_off()
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba()).astype(np.int64)
    found = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    return np.where(pixels[..., 3] == 255, found, -1)


@pytest.mark.parametrize("y_axis", ["hz", "log", "mel"])
def test_framed_cells_are_the_cells_agg_fills(y_axis):
    """The mapping measured: a probe of distinct cell colours drawn at fractional offsets."""
    rng = np.random.default_rng({"hz": 1, "log": 2, "mel": 3}[y_axis])
    for _ in range(3):
        n_frames = int(rng.integers(20, 60))
        meta = ImageMeta(CONFIG, n_frames=n_frames, length=(n_frames - 1) * 64, peak_db=0.0,
                         top_db=80.0, encoding="foreign", y_axis=y_axis, n_mels=40,
                         layout="specshow")
        size = (int(rng.integers(200, 400)), int(rng.integers(150, 300)))
        box = (rng.uniform(10, 40), rng.uniform(5, 30), size[0] - rng.uniform(10, 60),
               size[1] - rng.uniform(10, 40))
        codes = probe_figure(meta, size, box)
        row, column = int((box[1] + box[3]) / 2), int((box[0] + box[2]) / 2)
        inside_x = slice(int(box[0]) + 1, int(np.ceil(box[2])) - 1)
        inside_y = slice(int(box[1]) + 1, int(np.ceil(box[3])) - 1)
        columns = framed_cells(meta, size[0], "x", box)
        rows = framed_cells(meta, size[1], "y", box)
        np.testing.assert_array_equal(columns[inside_x], codes[row, inside_x] % n_frames)
        np.testing.assert_array_equal(rows[inside_y], codes[inside_y, column] // n_frames)


@pytest.mark.parametrize("y_axis", ["hz", "log", "mel"])
def test_framed_cells_of_a_full_picture_are_the_frameless_ones(y_axis):
    meta = ImageMeta(CONFIG, n_frames=50, length=49 * 64, peak_db=0.0, top_db=80.0,
                     encoding="foreign", y_axis=y_axis, n_mels=40, layout="specshow")
    for axis, n_pixels in (("x", 333), ("y", 277)):
        box = (0.0, 0.0, float(n_pixels), float(n_pixels))
        np.testing.assert_array_equal(framed_cells(meta, n_pixels, axis, box),
                                      specshow_pixel_cells(meta, n_pixels, axis))


def frameless(drawn: dict) -> bytes:
    """The same spectrogram drawn frameless (axis off) at the plot area's pixel size."""
    left, top, right, bottom = drawn["plot"]
    size = (round(right - left), round(bottom - top))
    figure = specshow_figure(drawn["D"], drawn["meta"], _exact_figsize(*size, 100), 100,
                             cmap=drawn["meta"].cmap)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=drawn["format"], dpi=100)
    return buffer.getvalue()


def end_to_end_sc(data: bytes, drawn: dict, plot=None) -> float:
    result = invert_image(data, fallback=drawn["meta"], plot=plot, n_iter=10, random_state=0)
    S = drawn["S"]
    estimate = np.abs(librosa.stft(result.y, n_fft=CONFIG.n_fft, hop_length=CONFIG.hop_length))
    gain = np.sum(S * estimate) / np.sum(estimate * estimate)
    return spectral_convergence_db(S, gain * estimate)


@pytest.mark.parametrize("kind", ["10x4@100 hz gray bar png", "6x3@150 mel magma jpeg untitled",
                                  "14x6@200 log magma bar tight png"])
def test_figure_inverts_as_well_as_the_frameless_picture_of_its_plot_area(kind):
    drawn = user_figure(kind)
    area = find_plot_area(drawn["rgb"])
    fitted = fit_plot_area(drawn["rgb"], area, drawn["meta"])
    ours = end_to_end_sc(drawn["data"], drawn, fitted)
    reference = end_to_end_sc(frameless(drawn), drawn)
    whole = end_to_end_sc(drawn["data"], drawn)  # the whole figure as a spectrogram
    assert ours <= reference + 1.5
    assert ours < whole - 3.0
    decoded, _ = image_to_magnitude(drawn["data"], fallback=drawn["meta"], plot=fitted)
    assert decoded.shape == drawn["S"].shape


def specimg_pictures() -> dict[str, bytes]:
    S, _, meta = spectrogram("hz")
    peak = peak_db(S)
    levels = magnitude_to_unit(S, peak, 80.0)
    own = replace(meta, peak_db=peak, top_db=80.0, encoding="png8", layout="grid")
    shown = replace(own, encoding="specshow", layout="specshow")
    y = harmonic()
    return {
        "png8": encode_levels(levels, own),
        "jpeg75": encode_levels(levels, replace(own, encoding="jpeg75")),
        "specshow gray": render_specshow(peak - 80 + 80 * levels, shown, (4, 3), 100, 90),
        "specshow magma": draw_levels(levels, shown, SpecshowStyle(150.0, 300, cmap="magma"))[0],
        "audio-diffusion": audio_diffusion_picture(y, CONFIG.sr),
        "white": _png(np.full((200, 300, 3), 255, np.uint8)),
        "black": _png(np.zeros((200, 300, 3), np.uint8)),
    }


def _png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def test_frameless_pictures_are_not_figures():
    for name, data in specimg_pictures().items():
        rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        assert find_plot_area(rgb) is None, name


def test_named_colormap_reads_the_strip():
    import matplotlib

    for name in ("magma", "gray", "viridis"):
        strip = matplotlib.colormaps[name](np.linspace(0, 1, 200))[:, :3] * 255
        assert named_colormap(np.round(strip)) == name
    assert named_colormap(np.random.default_rng(0).uniform(0, 255, (200, 3))) is None


def test_cli_inverts_a_figure_and_refuses_what_it_cannot_read(tmp_path, capsys):
    drawn = user_figure("10x4@100 hz gray bar png")
    path = tmp_path / "figure.png"
    path.write_bytes(drawn["data"])
    assert main(["info", str(path)]) == 0
    printed = capsys.readouterr().out
    assert "a matplotlib figure with axes" in printed and "colour bar" in printed
    flags = ["--n-fft", "256", "--hop-length", "64"]
    out = tmp_path / "out"
    assert main(["invert", str(path), "-o", str(out), *flags, "--duration", "2",
                 "--sr", "8000", "--cmap", "gray"]) == 0
    assert "matplotlib figures with axes" in capsys.readouterr().out
    y, sr = librosa.load(out / "figure.wav", sr=None)
    assert sr == 8000 and abs(len(y) - 16000) <= 64
    bare = tmp_path / "bare.png"
    rgb = drawn["rgb"].copy()
    bottom = round(drawn["plot"][3])
    rgb[bottom + 4:, :] = 255  # the time labels gone: the duration cannot be read
    bare.write_bytes(_png(rgb))
    assert main(["invert", str(bare), "-o", str(out), *flags]) == 1
    printed = capsys.readouterr().out
    assert "is a figure with axes; its time axis could not be read: give --duration" in printed
    assert "Traceback" not in printed
