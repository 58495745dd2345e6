"""Spectrogram images as files: encode levels as PNG or JPEG, and decode any picture to levels.

Layout: frequency runs up (row 0 is the highest bin), time runs right. Our PNG/JPEG encodings
use one pixel per STFT cell; pictures drawn by ``specshow`` use many, or fewer when shrunk.
Decoding reads every pixel at full resolution and reduces them to cells in strips
(:mod:`specimg.image.raster`), reading colours by lightness where the colormap allows
(:mod:`specimg.image.colormap`).
"""

from __future__ import annotations

import io
import os
import re
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from ..core.spectrum import StftConfig, magnitude_to_unit, peak_db
from ..util.errors import InputError
from ..util.fileio import files_with_suffixes
from .colormap import FULL_SCALE, colour_levels, grey_map, luminance_curve, luminance_to_level
from .containers import drop_foreign_metadata, exif_payload
from .drawing import SpecshowStyle, draw_levels
from .metadata import METADATA_KEY, ImageMeta, jpeg_comment, read_meta
from .raster import cells_from_image

if TYPE_CHECKING:
    from .figure import PlotArea

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "check_pixels", "decode_image", "encode_levels",
           "encode_magnitude", "image_files", "image_suffix", "open_image", "parse_encoding"]

#: Suffixes of the pictures a folder is searched for.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")

#: Most pixels decoded from one image (a decompression-bomb guard): 500 Mpixel, room for a
#: 20000 x 25000 picture. Grey pictures and colour maps read by lightness take 1 byte a pixel
#: while decoded, others 4.
MAX_PIXELS = 500_000_000


def parse_encoding(name: str) -> tuple[str, int | None]:
    """Split an encoding name into its format and number.

    ``png16`` and ``png8`` are 16- and 8-bit grey PNG, ``jpegNN`` is grey JPEG at quality NN
    (1-100), ``specshow`` and ``specshow_NAME`` (letters, digits) are pictures drawn by
    ``librosa.display.specshow``, saved as JPEG.

    Returns
    -------
    (str, int or None)
        ``("png", bits)``, ``("jpeg", quality)`` or ``("specshow", None)``.
    """
    match = re.fullmatch(r"(png)(8|16)|(jpeg)(\d{1,3})|(specshow)(_[a-z0-9]+)?", name)
    if not match or (match[3] and not 1 <= int(match[4]) <= 100):
        raise ValueError(f"unknown encoding {name!r}: use png8, png16, jpeg1..jpeg100, specshow "
                         "or specshow_NAME")
    if match[1]:
        return "png", int(match[2])
    if match[3]:
        return "jpeg", int(match[4])
    return "specshow", None


def image_suffix(encoding: str) -> str:
    """File suffix for an encoding: ``.png`` or ``.jpg``."""
    return ".png" if parse_encoding(encoding)[0] == "png" else ".jpg"


def encode_magnitude(S: np.ndarray, config: StftConfig, *, length: int, top_db: float,
                     encoding: str, style: SpecshowStyle | None = None, **fields) -> bytes:
    """A magnitude spectrogram as a picture of one encoding, its parameters stored inside.

    Parameters
    ----------
    S : np.ndarray
        Magnitudes ``(n_rows, n_frames)`` (amplitude), of ``config``'s STFT: every bin, the
        lowest ``n_rows_kept``, or for ``y_axis="mel"`` the square root of mel power.
    config : StftConfig
        The STFT that made ``S``.
    length : int
        Length of the signal (samples).
    top_db : float
        Range kept below the peak (dB); lower levels are the floor.
    encoding : str
        ``png8``, ``png16``, ``jpegNN``, or a specshow encoding drawn with ``style``.
    style : SpecshowStyle, optional
        How a specshow picture is drawn (:func:`specimg.image.drawing.draw_levels`); None for the
        grid encodings (:func:`encode_levels`).
    **fields
        Other :class:`ImageMeta` fields of the picture (``y_axis``, ``n_mels``, ``fmin``,
        ``fmax``, ``low_row``, ``n_rows_kept``); defaults: every linear bin, lowest at the bottom.

    Returns
    -------
    bytes
        The image file.
    """
    peak = peak_db(S)
    meta = ImageMeta(config, n_frames=S.shape[1], length=length, peak_db=peak, top_db=top_db,
                     encoding=encoding, **fields)
    levels = magnitude_to_unit(S, peak, top_db)
    return encode_levels(levels, meta) if style is None else draw_levels(levels, meta, style)[0]


def image_files(folder: Path, *, recursive: bool = False) -> list[Path]:
    """The pictures in ``folder`` (by suffix, :data:`IMAGE_SUFFIXES`; hidden files left out),
    sorted; with ``recursive``, in its subfolders too."""
    return files_with_suffixes(folder, IMAGE_SUFFIXES, recursive=recursive)


def encode_levels(levels: np.ndarray, meta: ImageMeta) -> bytes:
    """Encode unit levels (``n_bins x n_frames``, low bin first) as a grey PNG or JPEG, the
    lowest bin in the bottom row (or the top row, ``meta.low_row="top"``).

    Levels are rounded, not truncated, to the format's integer steps (truncation costs several
    dB of spectral convergence).

    Parameters
    ----------
    levels : np.ndarray
        Levels in [0, 1], e.g. from :func:`specimg.core.spectrum.magnitude_to_unit`.
    meta : ImageMeta
        Stored in the image; ``meta.encoding`` picks the format (``png8``, ``png16``, ``jpegNN``).

    Returns
    -------
    bytes
        The image file.
    """
    kind, number = parse_encoding(meta.encoding)
    top_row_first = np.clip(levels, 0.0, 1.0)
    if meta.low_row == "bottom":
        top_row_first = np.flipud(top_row_first)
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
        image.save(buffer, format="JPEG", quality=number, comment=jpeg_comment(meta))
    else:
        raise ValueError(f"{meta.encoding} is drawn by draw_levels or render_specshow, "
                         "not encode_levels")
    return buffer.getvalue()


@contextmanager
def _bomb_guard_off():
    # Pillow checks the declared size on open; decode_image checks the size it will decode.
    saved, Image.MAX_IMAGE_PIXELS = Image.MAX_IMAGE_PIXELS, None
    try:
        yield
    finally:
        Image.MAX_IMAGE_PIXELS = saved


def open_image(data: bytes, path: str | os.PathLike = "<image>") -> Image.Image:
    """Open image data lazily (header only), without the metadata other programs added
    (:func:`.containers.drop_foreign_metadata`); :class:`InputError` if it is no image.

    A JPEG's EXIF data, dropped with the rest, is put back in ``info["exif"]`` (where Pillow
    keeps it, and a PNG's), for :func:`.metadata.read_meta` to find a Riffusion picture's
    parameters; Pillow only parses it when asked.
    """
    try:
        with _bomb_guard_off():
            image = Image.open(io.BytesIO(drop_foreign_metadata(data)))
            exif = exif_payload(data)
            if exif is not None:
                image.info.setdefault("exif", exif)
            return image
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


def decode_image(
    data: bytes,
    path: str | os.PathLike = "<image>",
    meta: ImageMeta | None = None,
    max_pixels: int = MAX_PIXELS,
    *,
    order: int = 3,
    plot: PlotArea | None = None,
) -> tuple[np.ndarray, ImageMeta]:
    """Decode a spectrogram image to unit levels on its STFT grid.

    Every pixel is read, at full resolution: a JPEG decoded at a reduced DCT scale blurs
    neighbouring cells together (a 20000 x 20000 specshow picture of 60 s loses 15 dB of
    spectral convergence at 1/4 scale). Each cell is the mean of the pixels whose centres it
    holds (:func:`specimg.image.raster.cells_from_image`); a colour JPEG drawn with a colormap whose
    lightness is monotonic is read from its luminance alone, which JPEG keeps at full
    resolution.

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
    order : int
        Spline order for pictures with fewer pixels than cells along an axis (3: cubic; see
        :func:`specimg.image.raster.cells_from_image`).
    plot : PlotArea, optional
        For a figure with axes (:func:`specimg.image.figure.find_plot_area`, placed by
        :func:`~specimg.image.figure_fit.fit_plot_area`): only the plot area's pixels clear of its
        frame lines are read, each in the cell that holds its centre in the figure.

    Returns
    -------
    levels : np.ndarray
        float32 levels in [0, 1], shape ``(meta.n_rows, n_frames)``, row 0 the lowest band;
        a picture of the lowest bins only (``meta.n_rows_kept``) gets every bin, those above
        its own at level 0 (the dB floor).
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
    if embedded is not None and not meta.drawn and (
            image.size[0] < meta.n_frames or image.size[1] < meta.n_rows):
        raise InputError(
            path, f"has {image.size[0]} x {image.size[1]} pixels, fewer than the "
            f"{meta.n_frames} x {meta.n_rows} cells its specimg metadata describes: the "
            "metadata does not belong to this picture (remove it and give the parameters)")
    check_pixels(image.size, max_pixels, path)
    if meta is None:
        raise InputError(
            path, "has no specimg metadata, so its STFT parameters must be given (specimg "
            "invert: --duration or --frames, and --sr, --n-fft, --hop-length, --top-db, "
            "--peak-db, --cmap where not librosa's defaults)"
        )
    read_strip, to_levels = _strip_reader(image, meta, path)
    try:
        with _bomb_guard_off():
            image.load()
    except (OSError, SyntaxError, ValueError, NotImplementedError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None
    if min(image.size) < 1:
        raise InputError(path, f"is empty ({image.size[0]} x {image.size[1]} pixels)")
    frame = None
    if plot is not None:
        image, frame = plot.crop(image), plot.frame()
    levels = to_levels(cells_from_image(image, meta, read_strip, order=order, frame=frame))
    levels = np.clip(levels, 0.0, 1.0).astype(np.float32)
    if meta.n_rows_kept:  # the bins above the picture's are at the dB floor
        missing = np.zeros((meta.n_bins - meta.n_rows_kept, levels.shape[1]), np.float32)
        levels = np.concatenate([levels, missing])
    return levels, meta


_SIXTEEN_BIT = ("I;16", "I;16B", "I;16L", "I")


def _strip_reader(image: Image.Image, meta: ImageMeta, path: str | os.PathLike):
    """How to read strips of ``image``, and how its cells' mean values become levels.

    Grey maps, and colour maps of monotonic lightness in a JPEG, are read by luminance (a
    colour JPEG is then decoded to its Y channel only); other colour pictures by colour. Sets
    a JPEG's decoding mode, so call it before loading.
    """
    if image.mode in _SIXTEEN_BIT:
        return _sixteen_bit_values, _fixed_point_to_level
    curve = luminance_curve(meta.cmap, meta.drawn)
    grey_picture = image.mode in ("L", "LA", "1")
    if grey_picture or (curve is not None and (image.format == "JPEG" or grey_map(meta.cmap))):
        if curve is None:
            raise InputError(path, f"is a grey picture, but colormap {meta.cmap!r} cannot be "
                             "read from lightness alone (give the colormap it was drawn with)")
        if image.format == "JPEG":
            image.draft("L", image.size)  # the full-resolution luminance, no colour conversion
        return _luminance_values, partial(luminance_to_level, curve=curve)
    if image.format == "JPEG":
        image.draft("RGB", image.size)
    return partial(_colour_levels, cmap=meta.cmap, drawn=meta.drawn), _fixed_point_to_level


def _sixteen_bit_values(strip: Image.Image) -> np.ndarray:
    return np.clip(np.asarray(strip), 0, FULL_SCALE).astype(np.uint16)


def _fixed_point_to_level(values: np.ndarray) -> np.ndarray:
    return values / FULL_SCALE


def _luminance_values(strip: Image.Image) -> np.ndarray:
    if strip.mode == "LA":
        strip = strip.getchannel(0)
    elif strip.mode != "L":
        strip = strip.convert("L")
    return np.asarray(strip)


def _colour_levels(strip: Image.Image, cmap: str, drawn: bool) -> np.ndarray:
    return colour_levels(np.asarray(strip.convert("RGB")), cmap, drawn)
