"""What a picture's pixels reveal about its STFT grid."""

from __future__ import annotations

import os
from typing import NamedTuple

import numpy as np
import scipy.fft
import scipy.ndimage

from ..util.errors import InputError
from .codec import check_pixels, open_image

__all__ = ["FrameCount", "count_frames", "edge_profile", "estimate_n_frames", "grid_contrast",
           "harmonic_contrast", "jpeg_block_line", "measure_grid", "picture_profile"]

#: A frame count is trusted only if its spectral line stands this far above its neighbourhood
#: (benchmarks/frame-counting.json: true lines of specshow pictures at 2.6 to 8 px per frame
#: 8.15 upwards, JPEG viridis the weakest; chance peaks of pictures with one pixel per frame
#: reach 10.2 but fail the tests below) ...
MIN_LINE_RATIO = 8.0
#: ... its phase says the grid starts at the picture's left edge, as specshow's does (true
#: lines: within 0.12 rad at 2.6 px per frame and more; chance peaks any phase) ...
MAX_PHASE_ERROR = 0.4
#: ... the steps in the middle of its frames are weaker than those on its edges
#: (:func:`grid_contrast`; true lines at most 0.64) ...
MAX_CONTRAST = 0.75
#: ... and at most this fraction of all steps is strong: a line folded from a grid finer than
#: 2 px per frame (``width - n`` frames) has edges on more than half the steps (true lines at
#: most 0.38).
MAX_STRONG_FRACTION = 0.45
#: Frames narrower than this are not counted: at 2.5 px per frame half the pixel columns tie
#: between two frames and matplotlib's rasteriser no longer draws a regular grid (measured:
#: every such picture refused, none counted wrong).
MIN_PIXELS_PER_FRAME = 2.6
#: A line is the half of a grid drawn under 2.6 px per frame (whose own line is not looked
#: for) if the line at twice its count is this much stronger (measured: 1.8 to 2.4 for such
#: halves, 0.8 to 1.1 for true counts and their harmonics).
HALF_RATIO = 1.4
#: Spectral lines tried, strongest first.
CANDIDATES = 8


class FrameCount(NamedTuple):
    """A frame count and the evidence for it: the line's height over its neighbourhood, the
    phase error (rad), the :func:`grid_contrast` and strong fraction, and whether a much
    stronger line at twice the count makes it the half of a grid too fine to count."""

    n_frames: int
    ratio: float
    phase_error: float
    contrast: float
    strong_fraction: float
    half_of_finer: bool


def edge_profile(pixels: np.ndarray, rows_at_once: int = 512) -> np.ndarray:
    """Sum over rows (and channels) of the absolute step between neighbouring columns,
    ``width - 1`` values.

    Parameters
    ----------
    pixels : np.ndarray
        Levels, ``(height, width)`` or ``(height, width, channels)``, any numeric dtype (uint8
        stays uint8 in memory).
    rows_at_once : int
        Rows converted at a time, so a 20000 x 20000 picture needs no float copy of itself.
    """
    profile = np.zeros(pixels.shape[1] - 1)
    for start in range(0, pixels.shape[0], rows_at_once):
        block = pixels[start : start + rows_at_once].astype(np.int32)
        steps = np.abs(np.diff(block, axis=1))
        profile += steps.sum(axis=(0, 2)) if steps.ndim == 3 else steps.sum(axis=0)
    return profile


def grid_contrast(profile: np.ndarray, n_frames: int) -> tuple[float, float]:
    """How well a grid of ``n_frames`` explains the profile's steps.

    Steps within 0.5 px of a frame edge ``i * width / n_frames`` are its edges, those within
    0.75 px of the middle between two edges (and 0.75 px or more from an edge) its middles:
    the edges of a grid drawn at 2.5 px per frame, 2 and 3 px apart, fall in the middles of
    its half.

    Returns
    -------
    contrast : float
        Mean step in the middles over mean step on the edges: small for a true grid (and for
        its harmonics, which :func:`estimate_n_frames` passes over), near 1 or more for half a
        grid (whose middles are edges), a JPEG's 8 px blocks or a harmonic of the content.
    strong_fraction : float
        The fraction of all steps stronger than halfway between those means: about one per
        frame for a true grid, over half for a line folded from a grid finer than 2 px per
        frame (``width - n`` frames, each under 2 px, put most steps on edges).
    """
    width = len(profile) + 1
    period = width / n_frames
    position = np.arange(1, width) / period
    distance = np.abs(position - np.round(position)) * period
    edges, middles = profile[distance <= 0.5], profile[distance >= max(0.75, period / 2 - 0.75)]
    if len(middles) == 0 or len(edges) == 0:
        return 1.0, 1.0
    edge, middle = float(np.mean(edges)), float(np.mean(middles))
    strong = np.count_nonzero(profile > (edge + middle) / 2)
    return middle / max(edge, 1e-12), strong / len(profile)


def measure_grid(profile: np.ndarray, n_frames: int | None = None) -> list[FrameCount]:
    """The candidate frame counts of a profile, strongest line first (or only ``n_frames``)."""
    width = len(profile) + 1
    spectrum = scipy.fft.rfft(np.append(profile - profile.mean(), 0.0))
    highest = int(width / MIN_PIXELS_PER_FRAME)
    if highest < 4:
        return []
    magnitude = np.abs(spectrum)
    ratio = magnitude / (scipy.ndimage.median_filter(magnitude, size=31, mode="nearest") + 1e-12)
    ratio[:4] = 0.0  # the picture's slow changes, not its grid
    every = ratio.copy()
    ratio[highest + 1 :] = 0.0
    bins = [n_frames] if n_frames is not None else np.argsort(ratio)[::-1][:CANDIDATES]
    found = []
    for k in bins:
        k = int(k)
        if not 4 <= k < len(ratio):
            continue
        # Edges between columns i * width / n - 1 and i * width / n put the line's phase at
        # 2 pi n / width; a chance peak has any phase.
        phase = _phase_error(spectrum, k, width)
        double = [j for j in (2 * k - 1, 2 * k, 2 * k + 1) if j < len(every)
                  and every[j] > HALF_RATIO * every[k]
                  and abs(_phase_error(spectrum, j, width)) <= MAX_PHASE_ERROR]
        found.append(FrameCount(k, float(every[k]), phase, *grid_contrast(profile, k),
                                bool(double)))
    return found


def _phase_error(spectrum: np.ndarray, k: int, width: int) -> float:
    return float(np.angle(spectrum[k] * np.exp(-2j * np.pi * k / width)))


def _passes(line: FrameCount) -> bool:
    return (line.ratio >= MIN_LINE_RATIO and abs(line.phase_error) <= MAX_PHASE_ERROR
            and line.contrast <= MAX_CONTRAST and line.strong_fraction <= MAX_STRONG_FRACTION
            and not line.half_of_finer)


def harmonic_contrast(profile: np.ndarray, n_frames: int, divisor: int) -> float:
    """Mean step where a grid of ``divisor * n_frames`` has edges that one of ``n_frames``
    lacks, over the mean step on the edges of ``n_frames``: small when the finer grid's line
    is a harmonic of this one's, near 1 when the finer grid is the picture's."""
    width = len(profile) + 1
    period = width / n_frames
    phase = np.arange(1, width) / period % 1.0
    edges = np.minimum(phase, 1.0 - phase) * period <= 0.5
    extra = np.zeros_like(edges)
    for j in range(1, divisor):
        extra |= np.abs(phase - j / divisor) * period <= 0.5
    if not edges.any() or not extra.any():
        return 1.0
    return float(profile[extra].mean() / max(profile[edges].mean(), 1e-12))


def jpeg_block_line(n_frames: int, width: int) -> bool:
    """Whether a line at ``n_frames`` is one of a JPEG's 8 px blocks (``m * width / 8``)."""
    return any(abs(n_frames - m * width / 8) <= 1.5 for m in range(1, 8))


def estimate_n_frames(profile: np.ndarray, *, jpeg: bool = False) -> int | None:
    """The number of STFT frames of a picture whose frames are uniform columns of cells.

    Cell edges make the column-step profile (:func:`edge_profile`) a pulse train with exactly
    ``n_frames`` periods across the width, so its spectrum has a line at bin ``n_frames`` (and
    at its multiples). Of the strongest lines, those that stand :data:`MIN_LINE_RATIO` above
    their neighbourhood, have the grid's phase (:data:`MAX_PHASE_ERROR`), weak steps in the
    middle of their frames (:data:`MAX_CONTRAST`) and not too many strong steps
    (:data:`MAX_STRONG_FRACTION`) and are no half of a finer grid (:data:`HALF_RATIO`) pass;
    the strongest is the count, or the half or third of it that passes too and has no edges
    where the strongest's grid has them (:func:`harmonic_contrast`: a pulse train's harmonics
    can match its fundamental). In a JPEG, lines of its 8 px blocks (:func:`jpeg_block_line`)
    count only where no other line passes, and among them the one with the weakest middles
    wins (the blocks' own lines pass the tests when the blocks' edges are strong, and a grid of
    exactly 4 or 8 px per frame lies on them), and a count is halved onto one only where the
    finer grid's edges are clearly missing (half :data:`MAX_CONTRAST`).

    Parameters
    ----------
    profile : np.ndarray
        :func:`edge_profile` of the picture.
    jpeg : bool
        The picture is a JPEG.

    Returns
    -------
    int or None
        The frame count, or None when no line passes (frames under
        :data:`MIN_PIXELS_PER_FRAME` px are not looked for).
    """
    passed = [line for line in measure_grid(profile) if _passes(line)]
    if not passed:
        return None
    width = len(profile) + 1

    def block(k: int) -> bool:
        return jpeg and jpeg_block_line(k, width)

    # block lines last, and among them the best grid (the blocks' own lines have edges inside)
    n_frames = min(passed, key=lambda line: (block(line.n_frames), line.contrast)
                   if block(line.n_frames) else (False, -line.ratio)).n_frames
    while True:
        lower = [(k, divisor) for divisor in (2, 3)
                 for k in range(round(n_frames / divisor) - 1, round(n_frames / divisor) + 2)
                 if any(_passes(line) for line in measure_grid(profile, k))]
        # onto a block line only where the finer grid's edges are clearly missing: the
        # blocks' own edges strengthen a block line's edges against its middles
        lower = [k for k, divisor in lower if harmonic_contrast(profile, k, divisor)
                 <= (MAX_CONTRAST / 2 if block(k) else MAX_CONTRAST)]
        if not lower:
            return n_frames
        n_frames = max(lower)


#: Pixels decoded to count frames: a JPEG beyond this is counted at a reduced DCT scale, which
#: keeps its cell edges as long as a frame stays 3 px wide (:func:`estimate_n_frames`).
COUNT_PIXELS = 120_000_000


def picture_profile(data: bytes, path: str | os.PathLike,
                    max_pixels: int) -> tuple[np.ndarray, bool]:
    """:func:`edge_profile` of an image file: of its luminance for a JPEG (whose colour is
    stored at half resolution, in blocks that would show as edges) or a grey picture, of all
    three colour channels for any other.

    The picture must fit ``max_pixels`` at full resolution (it is decoded so to invert it); a
    JPEG over :data:`COUNT_PIXELS` is counted at 1/2, 1/4 or 1/8 scale. Returns the profile
    and whether the picture is a JPEG.
    """
    image = open_image(data, path)
    check_pixels(image.size, max_pixels, path)
    width, height = image.size
    scales = (1, 2, 4, 8) if image.format == "JPEG" else (1,)
    scale = next((s for s in scales if (width / s) * (height / s) <= COUNT_PIXELS), scales[-1])
    if scale > 1:  # Pillow's draft takes the largest scale that keeps at least this size
        image.draft("L", (width // scale, height // scale))
    grey = image.format == "JPEG" or image.mode in ("1", "L", "LA", "I", "I;16", "I;16B",
                                                     "I;16L", "F")
    try:
        pixels = np.asarray(image.convert("L") if grey else image.convert("RGB"))
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None
    return edge_profile(pixels), image.format == "JPEG"


def count_frames(data: bytes, path: str | os.PathLike, max_pixels: int) -> int | None:
    """:func:`estimate_n_frames` of an image file (:func:`picture_profile`)."""
    profile, jpeg = picture_profile(data, path, max_pixels)
    return estimate_n_frames(profile, jpeg=jpeg)
