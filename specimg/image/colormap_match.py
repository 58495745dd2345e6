"""Which matplotlib colour map drew a picture that does not say: found from its pixels.

Every colour of a picture drawn with a colour map lies on the map's colour curve (its colours
joined by straight segments). A subsample of the picture's pixels is measured against each
registered map's curve, in JPEG's own colour space (Y, Cb, Cr) with the chroma weighed down
(:data:`CHROMA_WEIGHT`): JPEG halves the chroma in both directions and smears it across cell
edges, while it keeps the lightness at full resolution. A map and its reverse (``_r``) share a
curve; which end is loud is told by the picture's spectrum: the lowest frequencies of a sound
are louder than the highest (:func:`loud_low_rows`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from PIL import Image

from ..util.errors import InputError
from .colormap import colormap_table

__all__ = [
    "MAX_MATCH_DISTANCE",
    "ColormapMatch",
    "candidate_colormaps",
    "curve_distance",
    "loud_low_rows",
    "match_colormap",
    "picture_colormap",
    "sample_pixels",
]

#: JPEG's RGB -> (Y, Cb, Cr) (ITU-R BT.601 full range), without the 128 offsets.
YCBCR = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])
#: Weight of the chroma distance against the lightness distance (squared units).
CHROMA_WEIGHT = 0.25
#: Points per segment of a map's colour curve.
CURVE_STEPS = 8
#: Colours measured (2 x 2 px block means): a regular grid of at most this many, whatever the
#: picture's size, after every map is screened on every :data:`SCREEN_STRIDE`-th of them and
#: only the best :data:`FINALISTS` maps kept.
SAMPLE_PIXELS = 8_000
SCREEN_STRIDE = 8
FINALISTS = 4
#: A JPEG over this many pixels is decoded at a reduced scale to be sampled.
DECODED_PIXELS = 16 * SAMPLE_PIXELS
#: Distances are counted up to this (8-bit units): nearer than any colour map's pixels come to
#: a wrong map's, far enough that the search stays quick.
FAR = 24.0
#: The worst fraction of pixels left out of the mean distance (cell edges a JPEG blurred).
TRIM = 0.1
#: A picture whose best map lies further than this (8-bit units, trimmed mean) fits no map
#: (measured in benchmarks/colour_match.py: see docs/incoming/cmapgeo.md).
MAX_MATCH_DISTANCE = 8.0
#: A picture whose pixels all lie within this of grey (8-bit chroma, trimmed mean) is grey.
MAX_GREY_CHROMA = 1.5
#: Maps named first among equals (several registered maps draw the same colours): the usual.
PREFERRED = ("gray", "magma", "viridis", "inferno", "plasma", "cividis", "Greys", "jet", "turbo",
             "hot")
#: How much louder (in unit levels, mean) the lowest quarter of bands must be than the highest
#: quarter, or quieter, for that to say whether a map reads forwards or reversed ...
REVERSE_MARGIN = 0.05
#: ... and, where it is less (a log axis, whose lowest quarter holds the few bins below 100 Hz,
#: band-limited speech on it), which end the picture's extremes gather at: silence clips at the
#: floor, so a forward reading has more levels under this than over 1 minus it (measured on 108
#: frameless pictures: 12 recordings x hz, log, mel x gray, gray_r, magma_r, JPEG 75; the two
#: rules together read every one right, the slope alone at 0.02 read 9 log pictures wrong;
#: benchmarks/colour_direction.py).
EXTREME_LEVEL = 0.05


class ColormapMatch(NamedTuple):
    """The best colour map for a picture and how well it fits.

    Attributes
    ----------
    cmap : str
        The map (``gray`` for a grey picture), ``_r`` when read reversed.
    distance : float
        Trimmed mean distance of the pixels from its curve (8-bit units; 0 for grey pictures).
    runner_up : str or None
        The best map that draws other colours, and ``runner_up_distance`` its distance.
    runner_up_distance : float
    loudness_slope : float
        :func:`loud_low_rows` with the map read forwards.
    """

    cmap: str
    distance: float
    runner_up: str | None
    runner_up_distance: float
    loudness_slope: float


@lru_cache(maxsize=1)
def candidate_colormaps() -> tuple[str, ...]:
    """Registered matplotlib maps of 256 colours or more (not the reverses, not the
    qualitative maps of a few colours), one name for each distinct table, preferred names
    (:data:`PREFERRED`) first."""
    import matplotlib

    names = [name for name in matplotlib.colormaps
             if not name.endswith("_r") and matplotlib.colormaps[name].N >= 256]
    names.sort(key=lambda name: (PREFERRED.index(name) if name in PREFERRED else len(PREFERRED),
                                 name))
    seen, distinct = set(), []
    for name in names:
        key = np.round(colormap_table(name)).astype(np.uint8).tobytes()
        if key not in seen:
            seen.add(key)
            distinct.append(name)
    return tuple(distinct)


def _weighted(rgb: np.ndarray) -> np.ndarray:
    ycc = np.asarray(rgb, np.float64) @ YCBCR.T
    ycc[:, 1:] *= np.sqrt(CHROMA_WEIGHT)
    return ycc


@lru_cache(maxsize=256)
def _curve(cmap: str):
    from scipy.spatial import cKDTree

    colours = np.round(colormap_table(cmap)).astype(np.float64)
    steps = np.linspace(0.0, 1.0, CURVE_STEPS, endpoint=False)
    points = (colours[:-1, None, :] * (1 - steps[None, :, None])
              + colours[1:, None, :] * steps[None, :, None]).reshape(-1, 3)
    points = np.vstack([points, colours[-1:]])
    levels = np.append(((np.arange(len(colours) - 1)[:, None] + steps) / (len(colours) - 1))
                       .reshape(-1), 1.0)
    return cKDTree(_weighted(points)), levels


def curve_distance(rgb: np.ndarray, cmap: str) -> tuple[float, np.ndarray]:
    """Trimmed mean distance of pixels from ``cmap``'s colour curve, and their levels.

    Parameters
    ----------
    rgb : np.ndarray
        Colours, ``(n, 3)``, 0..255 (:func:`sample_pixels`).
    cmap : str
        A matplotlib colour map.

    Returns
    -------
    distance : float
        Mean over the pixels but the furthest :data:`TRIM` of the weighted (Y, Cb, Cr)
        distance to the curve (at most :data:`FAR`), 8-bit units.
    levels : np.ndarray
        Each pixel's level on the curve, 0..1 (0: the map's first colour).
    """
    tree, levels = _curve(cmap)
    colours, inverse = np.unique(np.round(rgb * 4), axis=0, return_inverse=True)
    distance, nearest = tree.query(_weighted(colours / 4), distance_upper_bound=FAR)
    far = ~np.isfinite(distance)  # no curve point within FAR: counted as FAR
    distance[far], nearest[far] = FAR, 0
    distance, nearest = distance[inverse], nearest[inverse]
    kept = np.sort(distance)[: max(1, round(len(distance) * (1 - TRIM)))]
    return float(kept.mean()), levels[nearest]


def loud_low_rows(levels: np.ndarray, rows: np.ndarray, low_row: str) -> float:
    """Mean level of the lowest quarter of bands minus that of the highest quarter.

    ``rows`` are the pixels' heights in the picture, 0 (top) .. 1 (bottom); ``low_row`` says
    where the lowest band is (``bottom`` or ``top``).
    """
    height = rows if low_row == "top" else 1.0 - rows
    low, high = levels[height < 0.25], levels[height >= 0.75]
    if len(low) == 0 or len(high) == 0:
        return 0.0
    return float(low.mean() - high.mean())


def sample_pixels(image: Image.Image) -> tuple[np.ndarray, np.ndarray, bool]:
    """A regular grid of at most :data:`SAMPLE_PIXELS` of a picture's 2 x 2 px blocks.

    Each sample is the mean colour of a block at even coordinates: a JPEG stores one chroma
    value for each such block, so the mean holds the block's colour as drawn, where single
    pixels have their neighbours' chroma smeared into them. A JPEG of more than
    :data:`DECODED_PIXELS` is decoded at a reduced DCT scale (1/2 .. 1/8), which averages
    its blocks alike and costs a 20000 x 20000 px picture little.

    Returns
    -------
    rgb : np.ndarray
        ``(n, 3)`` mean colours, 0..255 (grey pictures repeated over three channels).
    rows : np.ndarray
        Each block's height, 0 (top row) .. 1 (bottom row).
    grey : bool
        Whether the picture is stored as grey (one channel).
    """
    grey = image.mode in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "F")
    width, height = image.size
    if image.format == "JPEG" and width * height > DECODED_PIXELS:
        scale = np.sqrt(DECODED_PIXELS / (width * height))
        image.draft(image.mode, (int(width * scale), int(height * scale)))
    pixels = np.asarray(image.convert("L") if grey else image.convert("RGB"), np.float64)
    if grey:
        pixels = pixels[:, :, None]
    height, width = pixels.shape[:2]
    n_rows = max(1, min(height // 2, int(np.sqrt(SAMPLE_PIXELS * height / width))))
    n_columns = max(1, min(width // 2, SAMPLE_PIXELS // n_rows))
    top = 2 * ((np.arange(n_rows) + 0.5) * (height // 2) / n_rows).astype(int)
    left = 2 * ((np.arange(n_columns) + 0.5) * (width // 2) / n_columns).astype(int)
    down, right = min(1, height - 1), min(1, width - 1)  # a picture 1 px high or wide
    block = sum(pixels[top + dy][:, left + dx] for dy in {0, down} for dx in {0, right})
    block = block / (len({0, down}) * len({0, right}))
    rgb = np.repeat(block.reshape(-1, 1), 3, axis=1) if grey else block.reshape(-1, 3)
    rows = np.repeat((top + 1.0) / height, n_columns)
    return rgb, rows, grey


def match_colormap(image: Image.Image, low_row: str = "bottom") -> ColormapMatch:
    """The registered matplotlib map whose colours a picture's pixels lie on.

    Parameters
    ----------
    image : PIL.Image.Image
        The picture (decoded here; a JPEG is decoded at a reduced DCT scale if large).
    low_row : {"bottom", "top"}
        Where the picture's lowest band is: the louder end of the map is expected there.

    Returns
    -------
    ColormapMatch
        The best map, reversed (``_r``) when the picture's highest bands read louder than its
        lowest by :data:`REVERSE_MARGIN`, or, nearer even, when more of its levels sit at the
        top end than at the floor (:data:`EXTREME_LEVEL`). Whether it fits at all is for the
        caller to judge against :data:`MAX_MATCH_DISTANCE`. Grey pictures (one channel, or
        colours within :data:`MAX_GREY_CHROMA` of grey) are ``gray`` (``gray_r`` when reversed).
    """
    rgb, rows, grey = sample_pixels(image)
    chroma = np.abs(rgb.astype(np.float64) @ YCBCR[1:].T).max(axis=1)
    if grey or float(np.sort(chroma)[: int(len(chroma) * (1 - TRIM)) or 1].mean()) \
            <= MAX_GREY_CHROMA:
        scored = [("gray", *curve_distance(rgb, "gray"))]
    else:
        screen = rgb[::SCREEN_STRIDE]
        screened = sorted(candidate_colormaps(), key=lambda name: curve_distance(screen, name)[0])
        scored = [(name, *curve_distance(rgb, name)) for name in screened[:FINALISTS]]
    scored.sort(key=lambda entry: entry[1])
    best, distance, levels = scored[0]
    slope = loud_low_rows(levels, rows, low_row)
    runner_up = scored[1] if len(scored) > 1 else (None, float("inf"))
    if abs(slope) >= REVERSE_MARGIN:
        reversed_map = slope < 0
    else:
        reversed_map = np.mean(levels > 1 - EXTREME_LEVEL) > np.mean(levels < EXTREME_LEVEL)
    name = best + "_r" if reversed_map else best
    return ColormapMatch(name, distance, runner_up[0], runner_up[1], slope)


def picture_colormap(image: Image.Image, path: str | os.PathLike, low_row: str = "bottom") -> str:
    """The colour map a picture without metadata was drawn with (:func:`match_colormap`).

    Raises
    ------
    InputError
        Naming ``path``, when its colours lie on no registered map within
        :data:`MAX_MATCH_DISTANCE`: ``--cmap`` must say.
    """
    match = match_colormap(image, low_row)
    if match.distance > MAX_MATCH_DISTANCE:
        raise InputError(path, "has no specimg metadata and its colours lie on no matplotlib "
                         f"colour map (nearest: {match.cmap}, {match.distance:.1f} off its "
                         "curve in 8-bit units); give the map it was drawn with, --cmap")
    return match.cmap
