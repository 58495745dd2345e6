"""Colormap inversion: the colours of a picture drawn with a matplotlib colormap back to levels.

Two readings:

- **Lightness** (:func:`luminance_curve`), for maps whose luminance rises or falls
  monotonically (``gray``, ``Greys``, ``magma``, ``inferno``, ``viridis``, ``plasma``,
  ``cividis``, ``hot``...): JPEG keeps luminance (Y) at full resolution and halves the chroma in
  both directions, so Y is the sharpest thing a JPEG picture holds. A cell's mean luminance is
  read through the map's luminance curve.
- **Colour** (:func:`colour_levels`), for the others (``jet``, ``turbo``: the same lightness at
  several levels) and for lossless colour pictures: each colour is projected onto the map's
  continuous colour curve (its 256 colours joined by straight segments).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

__all__ = ["colormap_table", "colour_levels", "drawn_colours", "entry_levels", "known_colormap",
           "luminance_curve", "luminance_to_level"]

#: JPEG's (and ITU-R BT.601's) luminance weights for R, G, B.
LUMA = np.array([0.299, 0.587, 0.114])
#: A map still counts as monotonic in luminance if it dips by at most this (8-bit Y steps):
#: rounding to 8-bit colours makes magma dip by 0.06 and viridis by 0.30.
MAX_LUMINANCE_DIP = 1.0
#: Points per segment of the continuous colour curve that colours are projected onto.
CURVE_STEPS = 16
#: The largest fixed-point level.
FULL_SCALE = 65535


def known_colormap(cmap: object) -> bool:
    """Whether ``cmap`` names a matplotlib colormap."""
    import matplotlib

    return isinstance(cmap, str) and cmap in matplotlib.colormaps


def colormap_table(cmap: str, n: int = 256) -> np.ndarray:
    """The ``n`` RGB colours (0..255, float32) matplotlib's ``cmap`` gives levels ``0 .. 1``."""
    import matplotlib

    return (matplotlib.colormaps[cmap](np.linspace(0.0, 1.0, n))[:, :3] * 255.0).astype(
        np.float32
    )


@lru_cache(maxsize=64)
def drawn_colours(cmap: str) -> np.ndarray:
    """The 8-bit RGB colours matplotlib's Agg draws for each of ``cmap``'s entries, ``(N, 3)``.

    Found by drawing them (``pcolormesh``, as ``specshow`` draws), so matplotlib's own rounding
    is in the table. Entry ``k`` stands for the levels ``k / N .. (k + 1) / N``.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    n = matplotlib.colormaps[cmap].N
    figure = Figure(figsize=(n, 2), dpi=1, frameon=False)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    axes.pcolormesh((np.arange(n)[None, :] + 0.5) / n, cmap=cmap, vmin=0.0, vmax=1.0)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[0, :, :3].copy()


def entry_levels(n: int, drawn: bool) -> np.ndarray:
    """The level each of a map's ``n`` entries stands for.

    A map drawn by matplotlib quantises level ``x`` to entry ``floor(x * n)``, so entry ``k``
    stands for the middle of its interval, ``(k + 0.5) / n``, except entry 0: it holds the dB
    floor, where every value below ``top_db`` was clipped, so it stands for the floor, 0. An
    image of whole level steps (our PNG/JPEG, audio-diffusion's) stores entry ``k`` for
    ``k / (n - 1)``.
    """
    if not drawn:
        return np.arange(n) / (n - 1)
    levels = (np.arange(n) + 0.5) / n
    levels[0] = 0.0
    return levels


def _table(cmap: str, drawn: bool) -> tuple[np.ndarray, np.ndarray]:
    colours = drawn_colours(cmap) if drawn else np.round(colormap_table(cmap))
    return colours.astype(np.float64), entry_levels(len(colours), drawn)


@lru_cache(maxsize=64)
def luminance_curve(cmap: str, drawn: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Luminance against level for ``cmap``, or None if its lightness is ambiguous.

    Parameters
    ----------
    cmap : str
        A matplotlib colormap.
    drawn : bool
        Drawn by matplotlib (``specshow``) rather than stored as whole level steps
        (see :func:`entry_levels`).

    Returns
    -------
    (np.ndarray, np.ndarray) or None
        Rising luminances ``Y = 0.299 R + 0.587 G + 0.114 B`` (0..255) of the map's entries and
        the level each stands for (entries sharing a luminance give their mean level): read a
        luminance by interpolating (:func:`luminance_to_level`). None when the luminance rises
        and falls by more than :data:`MAX_LUMINANCE_DIP` (``jet``, ``turbo``): read those by
        colour.
    """
    colours, levels = _table(cmap, drawn)
    luminance = colours @ LUMA
    if luminance[-1] < luminance[0]:
        luminance, levels = luminance[::-1], levels[::-1]
    if np.min(np.diff(luminance)) < -MAX_LUMINANCE_DIP:
        return None
    luminance = np.maximum.accumulate(luminance)
    values, group = np.unique(luminance, return_inverse=True)
    group_levels = np.bincount(group, levels) / np.bincount(group)
    floor = group[np.argmin(levels)]  # the floor's colour (shared or not) reads as the floor
    group_levels[floor] = 0.0
    if floor == 0 and len(values) > 1:
        # luminances nearer the floor's than the next entry's are the floor too
        values = np.insert(values, 1, (values[0] + values[1]) / 2)
        group_levels = np.insert(group_levels, 1, 0.0)
    return values, group_levels


def luminance_to_level(luminance: np.ndarray, curve: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Levels in [0, 1] of (mean) luminances 0..255, by a :func:`luminance_curve`."""
    values, levels = curve
    return np.interp(luminance, values, levels)


def grey_map(cmap: str) -> bool:
    """Whether every colour of ``cmap`` is a grey (R = G = B): its luminance says everything."""
    colours = np.round(colormap_table(cmap))
    return bool(np.all(colours == colours[:, :1]))


@lru_cache(maxsize=16)
def _colour_curve(cmap: str, drawn: bool):
    from scipy.spatial import cKDTree

    colours, levels = _table(cmap, drawn)
    steps = np.linspace(0.0, 1.0, CURVE_STEPS, endpoint=False)
    curve = (colours[:-1, None, :] * (1 - steps[None, :, None])
             + colours[1:, None, :] * steps[None, :, None]).reshape(-1, 3)
    curve_levels = (levels[:-1, None] * (1 - steps) + levels[1:, None] * steps).reshape(-1)
    curve = np.vstack([curve, colours[-1:]])
    curve_levels = np.append(curve_levels, levels[-1])
    return cKDTree(curve), np.round(curve_levels * FULL_SCALE).astype(np.uint16)


def colour_levels(rgb: np.ndarray, cmap: str, drawn: bool) -> np.ndarray:
    """Fixed-point levels of RGB pixels, by the nearest point of ``cmap``'s colour curve.

    Parameters
    ----------
    rgb : np.ndarray
        uint8 pixels, ``(height, width, 3)``.
    cmap : str
        The matplotlib colormap the picture was drawn with.
    drawn : bool
        See :func:`luminance_curve`.

    Returns
    -------
    np.ndarray
        uint16 levels in fixed point (:data:`FULL_SCALE` = 1), ``(height, width)``, so that they
        sum into cells as integers.
    """
    tree, curve_levels = _colour_curve(cmap, drawn)
    packed = (rgb.astype(np.uint32) * np.array([65536, 256, 1], np.uint32)).sum(axis=2)
    colours, inverse = np.unique(packed, return_inverse=True)
    unpacked = np.stack([colours >> 16, (colours >> 8) & 255, colours & 255], axis=1)
    _, nearest = tree.query(unpacked.astype(np.float64))
    return curve_levels[nearest][inverse].reshape(rgb.shape[:2])
