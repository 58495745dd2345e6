"""What a picture's pixels reveal about its STFT grid."""

from __future__ import annotations

import os

import numpy as np
import scipy.fft
import scipy.ndimage

from ..util.errors import InputError
from .codec import check_pixels, open_image

#: A frame count is trusted only if its spectral line stands this far above its neighbourhood
#: (measured: 22 to 103 for specshow pictures, at most 10.2 for chance peaks of pictures with one
#: pixel per frame, which have no edges to find) ...
MIN_LINE_RATIO = 12.0
#: ... and its phase says the grid starts at the picture's left edge, as specshow's does
#: (measured: within 0.01 rad for every specshow picture, 0.48 to 2.34 rad for chance peaks).
MAX_PHASE_ERROR = 0.2
#: A grid finer than 2 px per frame folds its line to ``width - n_frames``, with the same phase.
#: Asking for 3 px per frame and at most this many edge columns per counted frame rejects such
#: aliases: one at ``k <= width / 3`` comes from ``n >= 2 k`` edges.
MAX_EDGES_PER_FRAME = 1.5


def edge_profile(pixels: np.ndarray, rows_at_once: int = 512) -> np.ndarray:
    """Sum over rows of the absolute step between neighbouring columns, ``width - 1`` values.

    Parameters
    ----------
    pixels : np.ndarray
        Grey levels, ``(height, width)``, any numeric dtype (uint8 stays uint8 in memory).
    rows_at_once : int
        Rows converted at a time, so a 20000 x 20000 picture needs no float copy of itself.
    """
    profile = np.zeros(pixels.shape[1] - 1)
    for start in range(0, pixels.shape[0], rows_at_once):
        block = pixels[start : start + rows_at_once].astype(np.int32)
        profile += np.abs(np.diff(block, axis=1)).sum(axis=0)
    return profile


def estimate_n_frames(profile: np.ndarray, min_pixels_per_frame: float = 3.0) -> int | None:
    """The number of STFT frames of a picture whose frames are uniform columns of cells.

    Cell edges make the column-step profile (:func:`edge_profile`) a pulse train with exactly
    ``n_frames`` periods across the width, so its spectrum has a line at bin ``n_frames``.

    Parameters
    ----------
    profile : np.ndarray
        :func:`edge_profile` of the picture.
    min_pixels_per_frame : float
        Frames narrower than this cannot be told apart: no estimate.

    Returns
    -------
    int or None
        The frame count, or None when no line stands out with the grid's phase
        (:data:`MIN_LINE_RATIO`, :data:`MAX_PHASE_ERROR`).
    """
    width = len(profile) + 1
    spectrum = scipy.fft.rfft(np.append(profile - profile.mean(), 0.0))
    highest = int(width / min_pixels_per_frame)
    if highest < 4:
        return None
    magnitude = np.abs(spectrum)
    ratio = magnitude / (scipy.ndimage.median_filter(magnitude, size=31, mode="nearest") + 1e-12)
    ratio[:4] = 0.0  # the picture's slow changes, not its grid
    ratio[highest + 1 :] = 0.0
    n_frames = int(np.argmax(ratio))
    # Edges between columns i * width / n - 1 and i * width / n put the line's phase at
    # 2 pi n / width; a chance peak has any phase.
    phase_error = np.angle(spectrum[n_frames] * np.exp(-2j * np.pi * n_frames / width))
    if ratio[n_frames] < MIN_LINE_RATIO or abs(phase_error) > MAX_PHASE_ERROR:
        return None
    edges = np.sort(profile)[::-1][: n_frames - 1]
    edge_columns = np.count_nonzero(profile > 0.5 * np.median(edges))
    return n_frames if edge_columns <= MAX_EDGES_PER_FRAME * n_frames else None


#: Pixels decoded to count frames: a JPEG beyond this is counted at a reduced DCT scale, which
#: keeps its cell edges as long as a frame stays 3 px wide (:func:`estimate_n_frames`).
COUNT_PIXELS = 120_000_000


def count_frames(data: bytes, path: str | os.PathLike, max_pixels: int) -> int | None:
    """:func:`estimate_n_frames` of an image file, decoded as grey.

    The picture must fit ``max_pixels`` at full resolution (it is decoded so to invert it); a
    JPEG over :data:`COUNT_PIXELS` is counted at 1/2, 1/4 or 1/8 scale.
    """
    image = open_image(data, path)
    check_pixels(image.size, max_pixels, path)
    width, height = image.size
    scales = (1, 2, 4, 8) if image.format == "JPEG" else (1,)
    scale = next((s for s in scales if (width / s) * (height / s) <= COUNT_PIXELS), scales[-1])
    if scale > 1:  # Pillow's draft takes the largest scale that keeps at least this size
        image.draft("L", (width // scale, height // scale))
    try:
        pixels = np.asarray(image.convert("L"))
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputError(path, f"is not a readable image ({exc})") from None
    return estimate_n_frames(edge_profile(pixels))
