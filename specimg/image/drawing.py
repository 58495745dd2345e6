"""Pictures drawn by ``librosa.display.specshow``: drawing them, and where their cells fell.

``specshow`` draws each STFT cell as a quad of ``pcolormesh``; matplotlib's Agg rasteriser
fills a pixel with the quad that holds the pixel's centre. Rather than re-derive that rule (and
its ties), :func:`specshow_pixel_cells` asks matplotlib: it draws a thin probe whose cells have
distinct colours and reads back which cell each pixel column or row shows. The geometry is then
matplotlib's own, for any picture size, any pixels per cell and specshow's mel and log axes.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from .metadata import ImageMeta, jpeg_comment

__all__ = ["SpecshowStyle", "draw_levels", "draw_specshow", "render_specshow",
           "specshow_cell_edges", "specshow_figure", "specshow_pixel_cells"]


@dataclass(frozen=True)
class SpecshowStyle:
    """How a study draws its specshow pictures: pixel density, JPEG quality and colormap.

    Attributes
    ----------
    width_per_second : float
        Picture width per second of audio (px/s). The motivating user's 20000 px for 60 s is
        333.3 (7.7 px per frame at hop 512 and 22050 Hz).
    height : int
        Picture height (px), whatever the clip's length (the user's: 20000, 19.5 px per bin).
    quality : int
        JPEG quality, 1..100 (matplotlib's default is 75).
    cmap : str
        matplotlib colormap.
    shrink_to : (float, int) or None
        Shrink the drawn picture (Lanczos, as an image model's data loader does) to this width
        per second (px/s) and height (px): 8.53 and 512 are the user's 60 s picture at 512 x 512.
    """

    width_per_second: float
    height: int
    quality: int = 75
    cmap: str = "gray"
    shrink_to: tuple[float, int] | None = None

    def problems(self) -> list[str]:
        """What is wrong with these values (empty if nothing)."""
        from .colormap import known_colormap

        found = []
        sizes = [("width_per_second", self.width_per_second), ("height", self.height)]
        if self.shrink_to is not None:
            sizes += [("shrink_to", value) for value in self.shrink_to]
        for name, value in sizes:
            if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                found.append(f"{name} {value!r} is not a positive number")
        if not isinstance(self.quality, int) or not 1 <= self.quality <= 100:
            found.append(f"quality {self.quality!r} is not an integer in 1..100")
        if not known_colormap(self.cmap):
            found.append(f"cmap {self.cmap!r} is no matplotlib colormap")
        return found

    @classmethod
    def from_params(cls, section: object, where: str = "encode.specshow") -> SpecshowStyle:
        """A style from a params mapping; ``ValueError`` naming ``where`` and every problem."""
        if not isinstance(section, dict):
            raise ValueError(f"{where} must be a mapping of width_per_second, height, quality, "
                             "cmap and optionally shrink_to")
        unknown = sorted(set(section) - {field for field in cls.__dataclass_fields__})
        if unknown:
            raise ValueError(f"{where} has unknown keys {unknown}")
        shrink = section.get("shrink_to")
        if shrink is not None and (not isinstance(shrink, (list, tuple)) or len(shrink) != 2):
            raise ValueError(f"{where}.shrink_to must be [width_per_second, height]")
        try:
            style = cls(**{**section, "shrink_to": None if shrink is None else tuple(shrink)})
        except TypeError as exc:
            raise ValueError(f"{where}: {exc}") from None
        found = style.problems()
        if found:
            raise ValueError(f"{where}: {'; '.join(found)}")
        return style

    def size(self, seconds: float) -> tuple[int, int]:
        """The drawn picture's width and height (px) for ``seconds`` of audio."""
        return max(1, round(self.width_per_second * seconds)), int(self.height)

    def shrunk_size(self, seconds: float) -> tuple[int, int] | None:
        if self.shrink_to is None:
            return None
        return max(1, round(self.shrink_to[0] * seconds)), int(self.shrink_to[1])


def draw_levels(
    levels: np.ndarray, meta: ImageMeta, style: SpecshowStyle
) -> tuple[bytes, ImageMeta]:
    """Draw a clip's unit levels as the user draws dB values, with ``style``.

    specshow spans the values' own ``min .. max``, so the stored ``top_db`` is that span (the
    clip's full ``meta.top_db`` only where some cell reaches the floor).

    Returns
    -------
    data : bytes
        The JPEG file.
    meta : ImageMeta
        The parameters it carries (``layout="specshow"``, ``cmap=style.cmap``).
    """
    db = meta.peak_db - meta.top_db + meta.top_db * np.asarray(levels, np.float64)
    meta = replace(meta, top_db=float(db.max() - db.min()), cmap=style.cmap, layout="specshow")
    return draw_specshow(db, meta, style), meta


def draw_specshow(db: np.ndarray, meta: ImageMeta, style: SpecshowStyle) -> bytes:
    """Draw a clip's dB spectrogram as ``style`` says, to JPEG bytes carrying ``meta``.

    The picture is ``style.size(meta.length / meta.sr)`` pixels, drawn as
    :func:`render_specshow` draws (colour limits ``db.min() .. db.max()``), then shrunk if
    ``style.shrink_to`` is set.
    """
    seconds = meta.length / meta.sr
    width, height = style.size(seconds)
    figure = specshow_figure(db, meta, _exact_figsize(width, height, 100), 100, cmap=style.cmap)
    return _jpeg(figure, meta, style.quality, shrink_to=style.shrunk_size(seconds))


def _jpeg(figure, meta: ImageMeta, quality: int, *, dpi: float | None = None,
          shrink_to: tuple[int, int] | None = None) -> bytes:
    """``figure`` rasterised by Agg (as ``savefig`` does), shrunk to ``shrink_to`` (Lanczos) if
    given, saved as JPEG carrying ``meta`` (and ``dpi`` in its JFIF header, as ``savefig``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    picture = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
    if shrink_to is not None:
        picture = picture.resize(shrink_to, Image.Resampling.LANCZOS)
    extra = {} if dpi is None else {"dpi": (dpi, dpi)}
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=quality, comment=jpeg_comment(meta), **extra)
    return buffer.getvalue()


def _exact_figsize(width: int, height: int, dpi: float) -> tuple[float, float]:
    """Inches that make exactly ``width x height`` pixels: Agg truncates ``figsize * dpi``."""
    inches = []
    for pixels in (width, height):
        size = pixels / dpi
        while size * dpi < pixels:
            size = math.nextafter(size, math.inf)
        inches.append(size)
    return inches[0], inches[1]


def render_specshow(
    db: np.ndarray,
    meta: ImageMeta,
    figsize: tuple[float, float] = (20.0, 20.0),
    dpi: float = 100.0,
    quality: int = 75,
) -> bytes:
    """Render a dB spectrogram exactly as the typical user does, to JPEG bytes.

    That is ``librosa.display.specshow(db, sr=sr, x_axis='time', y_axis='hz', cmap=cmap)``
    on a frameless figure filled by one axes with the axis off, saved as JPEG. Colour limits
    are left to matplotlib, which spans ``db.min()`` to ``db.max()``: ``meta.peak_db`` and
    ``meta.top_db`` must describe that span.

    Parameters
    ----------
    db : np.ndarray
        dB spectrogram, ``n_bins x n_frames`` (e.g. ``librosa.amplitude_to_db``).
    meta : ImageMeta
        Stored in the JPEG comment; gives sr, hop, n_fft and the colormap.
    figsize : (float, float)
        Figure size (inches).
    dpi : float
        Dots per inch: the picture is ``figsize * dpi`` pixels.
    quality : int
        JPEG quality (matplotlib's own default is 75).
    """
    return _jpeg(specshow_figure(db, meta, figsize, dpi, cmap=meta.cmap), meta, quality, dpi=dpi)


def specshow_figure(data: np.ndarray, meta: ImageMeta, figsize, dpi, *, x_axis: str | None = "time",
                    y_axis: str | None = "meta", **kwargs):
    """A frameless figure filled by ``librosa.display.specshow`` of ``data``, axis off.

    ``y_axis`` ``"meta"`` takes ``meta.y_axis``; ``kwargs`` go to ``specshow``.
    """
    import librosa.display
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi, frameon=False)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    librosa.display.specshow(
        data, sr=meta.sr, hop_length=meta.stft.hop_length, n_fft=meta.stft.n_fft, fmin=meta.fmin,
        fmax=meta.fmax or None, x_axis=x_axis, ax=axes,
        y_axis=meta.y_axis if y_axis == "meta" else y_axis, **kwargs,
    )
    return figure


def specshow_pixel_cells(meta: ImageMeta, n_pixels: int, axis: Literal["x", "y"]) -> np.ndarray:
    """The cell ``specshow`` draws in each pixel column or row of a picture.

    Parameters
    ----------
    meta : ImageMeta
        The picture's parameters (frames, rows, axis scale).
    n_pixels : int
        The picture's width (``axis="x"``) or height (``axis="y"``) in pixels.
    axis : {"x", "y"}
        ``x``: frames, left to right; ``y``: bands (0 = lowest), for pixel rows from the top.

    Returns
    -------
    np.ndarray
        int64 array of ``n_pixels`` cell indices.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap

    n = meta.n_frames if axis == "x" else meta.n_rows
    codes = np.arange(n)
    colours = np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=1) / 255.0
    style = {"cmap": ListedColormap(colours), "vmin": -0.5, "vmax": n - 0.5}
    # dpi 1 makes the figure exactly n_pixels long, whatever size and dpi drew the picture.
    if axis == "x":
        probe = np.repeat(codes[None, :], 2, axis=0).astype(float)
        figure = specshow_figure(probe, meta, (n_pixels, 2), 1, y_axis=None, **style)
    else:
        probe = np.repeat(codes[:, None], 2, axis=1).astype(float)
        figure = specshow_figure(probe, meta, (2, n_pixels), 1, **style)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    line = pixels[0, :, :3] if axis == "x" else pixels[:, 0, :3]
    line = line.astype(np.int64)
    cells = (line[:, 0] << 16) | (line[:, 1] << 8) | line[:, 2]
    return np.minimum(cells, n - 1)


def specshow_cell_edges(meta: ImageMeta, axis: Literal["x", "y"]) -> np.ndarray:
    """Where ``specshow`` puts the edges of its cells, as fractions of its axes.

    Read from the quads ``specshow`` builds (nothing is rasterised), through the axes' own
    scale (linear, or librosa's log and mel scales), so the edges are matplotlib's.

    Parameters
    ----------
    meta : ImageMeta
        The picture's parameters (frames, rows, axis scale).
    axis : {"x", "y"}
        ``x``: frame edges, from the left; ``y``: band edges, from the bottom (band 0 lowest).

    Returns
    -------
    np.ndarray
        float64, ``n + 1`` increasing fractions of the axes' width or height (0 to 1).
    """
    n_frames, n_rows = (meta.n_frames, 1) if axis == "x" else (1, meta.n_rows)
    figure = specshow_figure(np.zeros((n_rows, n_frames)), meta, (1, 1), 100,
                             y_axis=None if axis == "x" else "meta")
    axes = figure.axes[0]
    corners = axes.collections[0].get_coordinates()
    line = corners[0, :, :] if axis == "x" else corners[:, 0, :]
    fractions = axes.transAxes.inverted().transform(axes.transData.transform(line))
    return fractions[:, 0] if axis == "x" else fractions[:, 1]
