"""Spectrogram images: encode magnitudes as PNG/JPEG or specshow renderings, and decode them.

Every image made here carries its parameters (:class:`ImageMeta`) in its own metadata: a PNG
text chunk or a JPEG comment, keyed ``specimg``. An image is therefore invertible with no side
file, and its loudness survives (a picture of dB values alone has none).

Layout: frequency runs up (row 0 is the highest bin), time runs right. A picture is a grid of
``n_bins x n_frames`` cells stretched uniformly over its pixels; our PNG/JPEG encodings use one
pixel per cell, ``specshow`` renderings many (librosa >= 0.11 draws each STFT bin as a uniform
cell centred on its frequency, with ``shading='auto'``). Decoding maps pixels back to cells by
area-averaging (Pillow's BOX filter), which unlike bilinear or Lanczos resampling does not blur
neighbouring bins together.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from .colormap import GREY_COLORMAPS, image_to_unit, known_colormap
from .errors import InputError
from .spectrum import StftConfig

METADATA_KEY = "specimg"
_JPEG_COMMENT_PREFIX = METADATA_KEY.encode() + b":"
#: Most pixels decoded from one image, Pillow's own decompression-bomb limit (2 x 89.5 Mpixel).
#: A JPEG counts at the reduced scale it is decoded at (see :func:`decode_image`).
MAX_PIXELS = 2 * 89_478_485


@dataclass(frozen=True)
class ImageMeta:
    """Everything needed to turn a spectrogram image back into audio.

    Attributes
    ----------
    sr, n_fft, hop_length, window, center
        The STFT that made the spectrogram (see :class:`specimg.spectrum.StftConfig`).
    n_frames : int
        STFT frames (image columns, in cells).
    length : int
        Length of the original signal (samples).
    peak_db : float
        Level of the brightest cell, dB re amplitude 1.0 (full scale).
    top_db : float
        Dynamic range from the darkest to the brightest level (dB).
    encoding : str
        The encoding that made the image (``png16``, ``jpeg75``, ``specshow``...).
    cmap : str
        Colormap of the picture (``gray`` for our grey images).
    y_axis : {"hz", "mel", "log"}
        Frequency axis: linear STFT bins, mel bands (levels are dB of mel *power*, as
        ``power_to_db(melspectrogram(...))``), or STFT bins on specshow's log axis.
    n_mels, fmin, fmax
        The mel bands (``fmax`` 0 means ``sr / 2``).
    layout : {"grid", "specshow"}
        ``grid``: rows are uniform cells (our PNG/JPEG, audio-diffusion's images, and specshow's
        linear axis); ``specshow``: rows drawn by specshow on its ``y_axis`` scale.
    low_row : {"bottom", "top"}
        Where the lowest band is: at the bottom (specshow, ours) or in row 0 (audio-diffusion).
    """

    sr: int
    n_fft: int
    hop_length: int
    window: str
    center: bool
    n_frames: int
    length: int
    peak_db: float
    top_db: float
    encoding: str = ""
    cmap: str = "gray"
    y_axis: str = "hz"
    n_mels: int = 128
    fmin: float = 0.0
    fmax: float = 0.0
    layout: str = "grid"
    low_row: str = "bottom"

    @property
    def stft_config(self) -> StftConfig:
        return StftConfig(self.sr, self.n_fft, self.hop_length, self.window, self.center)

    @property
    def n_bins(self) -> int:
        return self.stft_config.n_bins

    @property
    def n_rows(self) -> int:
        """Rows of the cell grid: mel bands or STFT bins."""
        return self.n_mels if self.y_axis == "mel" else self.n_bins

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, path: str | os.PathLike = "<image>") -> ImageMeta:
        """Parse metadata written by :meth:`to_json`; :class:`InputError` if malformed."""
        try:
            raw = json.loads(text)
            known = {field.name for field in fields(cls)}
            meta = cls(**{key: value for key, value in raw.items() if key in known})
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            raise InputError(path, f"has malformed specimg metadata ({exc})") from None
        meta.check(path, "specimg metadata")
        return meta

    def problems(self) -> list[str]:
        """What is wrong with these parameters: wrong types, impossible or unknown values."""
        found = []
        for field in fields(self):
            value = getattr(self, field.name)
            kind = _FIELD_KINDS[field.type]
            if kind is int and (type(value) is not int or not 0 <= value <= _LIMITS[field.name]):
                found.append(f"{field.name} {value!r} is not an integer in "
                             f"0..{_LIMITS[field.name]}")
            elif kind is float and (type(value) not in (int, float) or not math.isfinite(value)):
                found.append(f"{field.name} {value!r} is not a finite number")
            elif kind is not float and kind is not int and type(value) is not kind:
                found.append(f"{field.name} {value!r} is not a {kind.__name__}")
        if found:
            return found
        for name in ("sr", "n_fft", "hop_length", "n_frames", "n_mels"):
            if getattr(self, name) < 1:
                found.append(f"{name} is {getattr(self, name)}; it must be positive")
        for name in ("top_db", "fmin", "fmax"):
            if getattr(self, name) < 0:
                found.append(f"{name} is {getattr(self, name)}; it must not be negative")
        for name, allowed in (("y_axis", ("hz", "mel", "log")), ("layout", ("grid", "specshow")),
                              ("low_row", ("bottom", "top"))):
            if getattr(self, name) not in allowed:
                found.append(f"{name} is {getattr(self, name)!r}, not one of {allowed}")
        if self.cmap not in GREY_COLORMAPS and not known_colormap(self.cmap):
            found.append(f"cmap {self.cmap!r} is no matplotlib colormap")
        import scipy.signal

        try:
            scipy.signal.get_window(self.window, 8)
        except ValueError:
            found.append(f"window {self.window!r} is no window scipy knows")
        if not found and self.n_frames != self.stft_config.n_frames(self.length):
            found.append(f"{self.n_frames} frames do not fit {self.length} samples (which give "
                         f"{self.stft_config.n_frames(self.length)} at hop {self.hop_length})")
        return found

    def check(self, path: str | os.PathLike, what: str = "parameters") -> None:
        """:class:`InputError` naming every problem found by :meth:`problems`."""
        found = self.problems()
        if found:
            raise InputError(path, f"has impossible {what}: {'; '.join(found)}")


_FIELD_KINDS = {"int": int, "float": float, "str": str, "bool": bool}
#: Largest values accepted from metadata: far beyond any real use, small enough to compute with.
_LIMITS = {"sr": 10**7, "n_fft": 1 << 20, "hop_length": 1 << 20, "n_frames": 1 << 31,
           "length": 1 << 48, "n_mels": 1 << 16}


def parse_encoding(name: str) -> tuple[str, int | None]:
    """Split an encoding name into its format and number.

    ``png16`` and ``png8`` are 16- and 8-bit grey PNG, ``jpegNN`` is grey JPEG at quality NN
    (1-100), ``specshow`` is ``librosa.display.specshow`` rendered to JPEG.

    Returns
    -------
    (str, int or None)
        ``("png", bits)``, ``("jpeg", quality)`` or ``("specshow", None)``.
    """
    match = re.fullmatch(r"(png)(8|16)|(jpeg)(\d{1,3})|(specshow)", name)
    if not match or (match[3] and not 1 <= int(match[4]) <= 100):
        raise ValueError(f"unknown encoding {name!r}: use png8, png16, jpeg1..jpeg100 or specshow")
    if match[1]:
        return "png", int(match[2])
    if match[3]:
        return "jpeg", int(match[4])
    return "specshow", None


def image_suffix(encoding: str) -> str:
    """File suffix for an encoding: ``.png`` or ``.jpg``."""
    return ".png" if parse_encoding(encoding)[0] == "png" else ".jpg"


def encode_levels(levels: np.ndarray, meta: ImageMeta) -> bytes:
    """Encode unit levels (``n_bins x n_frames``, low bin first) as a grey PNG or JPEG.

    Levels are rounded, not truncated, to the format's integer steps (truncation costs several
    dB of spectral convergence).

    Parameters
    ----------
    levels : np.ndarray
        Levels in [0, 1], e.g. from :func:`specimg.spectrum.magnitude_to_unit`.
    meta : ImageMeta
        Stored in the image; ``meta.encoding`` picks the format (``png8``, ``png16``, ``jpegNN``).

    Returns
    -------
    bytes
        The image file.
    """
    kind, number = parse_encoding(meta.encoding)
    top_row_first = np.flipud(np.clip(levels, 0.0, 1.0))
    buffer = io.BytesIO()
    if kind == "png":
        if number == 16:
            image = Image.fromarray(np.round(top_row_first * 65535).astype(np.uint16))
        else:
            image = Image.fromarray(np.round(top_row_first * 255).astype(np.uint8))
        info = PngImagePlugin.PngInfo()
        info.add_text(METADATA_KEY, meta.to_json())
        image.save(buffer, format="PNG", pnginfo=info)
    elif kind == "jpeg":
        image = Image.fromarray(np.round(top_row_first * 255).astype(np.uint8))
        image.save(buffer, format="JPEG", quality=number, comment=_jpeg_comment(meta))
    else:
        raise ValueError(f"{meta.encoding} is rendered by render_specshow, not encode_levels")
    return buffer.getvalue()


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
    figure = specshow_figure(db, meta, figsize, dpi, cmap=meta.cmap)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="jpeg", pil_kwargs={"quality": quality, "comment": _jpeg_comment(meta)}
    )
    return buffer.getvalue()


def specshow_figure(data: np.ndarray, meta: ImageMeta, figsize, dpi, **kwargs):
    """A frameless figure filled by ``librosa.display.specshow`` of ``data``, axis off."""
    import librosa.display
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, dpi=dpi, frameon=False)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    librosa.display.specshow(
        data, sr=meta.sr, hop_length=meta.hop_length, n_fft=meta.n_fft, fmin=meta.fmin,
        fmax=meta.fmax or None, x_axis="time", y_axis=meta.y_axis, ax=axes, **kwargs,
    )
    return figure


def specshow_row_bands(meta: ImageMeta, height: int) -> np.ndarray:
    """The band (row of the cell grid, 0 = lowest) that specshow draws in each pixel row.

    Found by drawing it: a one-frame probe of ``height`` pixels whose bands have distinct
    colours, so the geometry is matplotlib's own (non-uniform on mel and log axes).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap

    n = meta.n_rows
    codes = np.arange(n)
    colours = np.stack([codes >> 16, (codes >> 8) & 255, codes & 255], axis=1) / 255.0
    probe = np.repeat(codes[:, None], 2, axis=1).astype(float)
    figure = specshow_figure(probe, meta, (4 / 100, height / 100), 100,
                              cmap=ListedColormap(colours), vmin=-0.5, vmax=n - 0.5)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[:, 1, :3].astype(np.int64)
    return (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


def _jpeg_comment(meta: ImageMeta) -> bytes:
    return _JPEG_COMMENT_PREFIX + meta.to_json().encode()


def read_meta(image: Image.Image, path: str | os.PathLike = "<image>") -> ImageMeta | None:
    """The :class:`ImageMeta` stored in an opened image, or None if it has none."""
    text = image.info.get(METADATA_KEY)
    comment = image.info.get("comment", b"")
    if text is None and comment.startswith(_JPEG_COMMENT_PREFIX):
        text = comment[len(_JPEG_COMMENT_PREFIX) :]
    return None if text is None else ImageMeta.from_json(text, path)


@contextmanager
def _bomb_guard_off():
    # Pillow checks the declared size on open; decode_image checks the size it will decode.
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def open_image(data: bytes, path: str | os.PathLike = "<image>") -> Image.Image:
    """Open image data lazily (header only); :class:`InputError` if it is no image."""
    try:
        with _bomb_guard_off():
            return Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise InputError(path, "is not an image file (no known image format)") from None
    except (OSError, SyntaxError, ValueError, NotImplementedError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None


def check_pixels(size: tuple[int, int], max_pixels: int, path: str | os.PathLike) -> None:
    """:class:`InputError` if ``width x height`` exceeds ``max_pixels``."""
    width, height = size
    if width * height > max_pixels:
        raise InputError(
            path, f"would decode to {width} x {height} = {width * height / 1e6:.0f} Mpixel, over "
            f"the limit of {max_pixels / 1e6:.0f} Mpixel that guards against decompression "
            "bombs; if you trust the file, raise the limit (specimg invert --max-pixels)"
        )


def cells_from_pixels(pixels: np.ndarray, meta: ImageMeta) -> np.ndarray:
    """Map picture levels (row 0 at the top) to the cell grid (row 0 = lowest band).

    Columns, and rows of a ``grid`` layout, are uniform: each cell is the area-weighted mean of
    the pixels it covers (Pillow's BOX filter), so one pixel per cell comes back unchanged.
    Rows of a ``specshow`` layout are averaged by the band specshow drew there
    (:func:`specshow_row_bands`); a band thinner than a pixel is interpolated.
    """
    n_rows, n_frames = meta.n_rows, meta.n_frames
    uniform_rows = meta.layout == "grid" or meta.y_axis == "hz"
    target = (n_frames, n_rows if uniform_rows else pixels.shape[0])
    if pixels.shape[::-1] != target:
        pixels = np.asarray(Image.fromarray(pixels.astype(np.float32)).resize(
            target, Image.Resampling.BOX))
    if not uniform_rows:
        bands = specshow_row_bands(meta, pixels.shape[0])
        counts = np.bincount(bands, minlength=n_rows)[:n_rows]
        sums = np.zeros((n_rows, n_frames))
        np.add.at(sums, bands, pixels)
        drawn = counts > 0
        cells = np.empty((n_rows, n_frames), np.float32)
        cells[drawn] = sums[drawn] / counts[drawn, None]
        for frame in range(n_frames):
            cells[~drawn, frame] = np.interp(np.flatnonzero(~drawn), np.flatnonzero(drawn),
                                             cells[drawn, frame])
        return cells
    if meta.low_row == "bottom":
        pixels = np.flipud(pixels)
    return np.ascontiguousarray(pixels, dtype=np.float32)


def decode_image(
    data: bytes,
    path: str | os.PathLike = "<image>",
    meta: ImageMeta | None = None,
    max_pixels: int = MAX_PIXELS,
) -> tuple[np.ndarray, ImageMeta]:
    """Decode a spectrogram image to unit levels on its STFT grid.

    A JPEG larger than its STFT grid is decoded at a reduced scale (Pillow's draft mode: 1/2,
    1/4 or 1/8, by the JPEG's own DCT) that still gives at least one pixel per cell, then
    area-averaged: a 20000 x 20000 picture of a 60 s clip decodes at 5000 x 5000.

    Parameters
    ----------
    data : bytes
        The image file's content.
    path : str or path-like
        Named in error messages.
    meta : ImageMeta, optional
        Parameters for an image without specimg metadata. The image's own metadata wins.
    max_pixels : int
        Refuse images that would decode to more pixels (a decompression-bomb guard).

    Returns
    -------
    levels : np.ndarray
        float32 levels in [0, 1], shape ``(meta.n_rows, n_frames)``, row 0 the lowest band.
    meta : ImageMeta
        The image's parameters.

    Raises
    ------
    InputError
        If the data is not a readable image, is too large, or no parameters are known for it.
    """
    image = open_image(data, path)
    embedded = read_meta(image, path)
    if embedded is None and meta is not None:
        meta.check(path)
    meta = embedded or meta
    if meta is not None:
        check_pixels((meta.n_frames, meta.n_rows), max_pixels, path)
    drawn = meta is not None and meta.encoding == "specshow"  # a drawing: any pixel grid
    if embedded is not None and not drawn and (
            image.size[0] < meta.n_frames or image.size[1] < meta.n_rows):
        raise InputError(
            path, f"has {image.size[0]} x {image.size[1]} pixels, fewer than the "
            f"{meta.n_frames} x {meta.n_rows} cells its specimg metadata describes: the "
            "metadata does not belong to this picture (remove it and give the parameters)")
    if image.format == "JPEG" and meta is not None:
        image.draft("L" if meta.cmap in GREY_COLORMAPS else "RGB", (meta.n_frames, meta.n_rows))
    check_pixels(image.size, max_pixels, path)
    if meta is None:
        raise InputError(
            path, "has no specimg metadata, so its STFT parameters must be given (specimg "
            "invert: --duration or --frames, and --sr, --n-fft, --hop-length, --top-db, "
            "--peak-db, --cmap where not librosa's defaults)"
        )
    try:
        with _bomb_guard_off():
            image.load()
    except (OSError, SyntaxError, ValueError, NotImplementedError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None
    if min(image.size) < 1:
        raise InputError(path, f"is empty ({image.size[0]} x {image.size[1]} pixels)")
    levels = image_to_unit(image, meta.cmap)
    return cells_from_pixels(levels, meta), meta
