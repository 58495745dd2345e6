"""Colormap inversion: pixels of a picture drawn with a matplotlib colormap back to levels."""

from __future__ import annotations

import numpy as np
from PIL import Image

#: Colormaps linear in grey level (value: drawn reversed, white for low levels): inverted
#: exactly from luminance. Others, ``Greys`` included (not linear), by nearest colour.
GREY_COLORMAPS = {"gray": False, "grey": False, "gray_r": True, "grey_r": True, "binary": True}


def known_colormap(cmap: object) -> bool:
    """Whether ``cmap`` names a matplotlib colormap."""
    import matplotlib

    return isinstance(cmap, str) and cmap in matplotlib.colormaps


def colormap_table(cmap: str, n: int = 256) -> np.ndarray:
    """The ``n`` RGB colours (0..255, float32) matplotlib draws for levels ``0 .. 1``."""
    import matplotlib

    return (matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, n))[:, :3] * 255.0).astype(
        np.float32
    )


def image_to_unit(image: Image.Image, cmap: str = "gray") -> np.ndarray:
    """Pixel levels of a spectrogram picture, in [0, 1], row 0 at the top.

    Parameters
    ----------
    image : PIL.Image.Image
        16-bit or 8-bit grey, palette, RGB or RGBA picture (alpha is ignored).
    cmap : str
        The matplotlib colormap the picture was drawn with. Linear grey maps (``gray``,
        ``binary``) are inverted from luminance; others by the nearest of the map's 256 colours.

    Returns
    -------
    np.ndarray
        float32 levels, shape ``(height, width)``.
    """
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        levels = np.asarray(image, dtype=np.float32) / 65535.0
        return _orient(levels, cmap)
    if image.mode in ("L", "LA"):
        return _orient(np.asarray(image.getchannel(0), dtype=np.float32) / 255.0, cmap)
    rgb = np.asarray(image.convert("RGB"), dtype=np.float32)
    if cmap in GREY_COLORMAPS:
        return _orient(rgb.mean(axis=2) / 255.0, cmap)
    return _nearest_colour_levels(rgb, colormap_table(cmap))


def _orient(grey_levels: np.ndarray, cmap: str) -> np.ndarray:
    reversed_map = GREY_COLORMAPS.get(cmap, False)
    return 1.0 - grey_levels if reversed_map else grey_levels


def _nearest_colour_levels(rgb: np.ndarray, table: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree

    packed = (rgb.astype(np.uint32) * np.array([65536, 256, 1], np.uint32)).sum(axis=2)
    colours, inverse = np.unique(packed, return_inverse=True)
    unpacked = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=1)
    _, index = cKDTree(table).query(unpacked.astype(np.float32))
    levels = (index / (len(table) - 1)).astype(np.float32)
    return levels[inverse].reshape(rgb.shape[:2])
