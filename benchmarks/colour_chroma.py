"""Does a colour JPEG's chroma add to its luminance? Decoded SC of colour-map pictures both ways.

The clip and pictures of `benchmarks/user_pictures.py` (the embedded recordings joined and
repeated to 60 s, drawn the user's way at 20 x 20 in, dpi 1000, JPEG quality 75), in each map.
Each picture is decoded as JPEG's Y, Cb and Cr at full resolution and reduced to the cells'
mean Y, Cb, Cr (the cell geometry specimg uses). Then each cell's level is read:

- from the luminance alone, through the map's luminance curve (what specimg does);
- as the nearest point of the map's continuous colour curve in (Y, w Cb, w Cr), for chroma
  weights w: chroma is at half resolution and blurred across cell edges, so it gets less weight.

Prints, as JSON, the decoded magnitude's SC against the original (after the best gain) per map
and reading, with the gray picture's for reference.

    python benchmarks/colour_chroma.py [--workdir /tmp/specimg-user-pictures]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import librosa
import numpy as np
from PIL import Image
from scipy.spatial import cKDTree
from user_pictures import draw_like_the_user, picture_meta, sc_after_gain, sixty_seconds

from specimg.core.spectrum import unit_to_magnitude
from specimg.image.colormap import CURVE_STEPS, drawn_colours, entry_levels, luminance_curve
from specimg.image.raster import cells_from_image

Image.MAX_IMAGE_PIXELS = None
WEIGHTS = (0.05, 0.1, 0.25, 0.5)
#: JPEG's (JFIF's) RGB to YCbCr.
YCBCR = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])


def cell_means(path: Path, meta, mode: str) -> np.ndarray:
    """Mean of each JPEG channel (``L``: Y; ``YCbCr``: all three) over each cell."""
    image = Image.open(path)
    image.draft(mode, image.size)
    image.load()
    bands = 1 if mode == "L" else 3

    def channel(index: int):
        return lambda strip: np.asarray(strip) if bands == 1 else np.asarray(strip)[..., index]

    return np.stack([cells_from_image(image, meta, channel(i)) for i in range(bands)], axis=-1)


def colour_curve(cmap: str) -> tuple[np.ndarray, np.ndarray]:
    """The map's drawn colours in YCbCr joined by straight segments, and their levels."""
    ycc = drawn_colours(cmap).astype(np.float64) @ YCBCR.T + [0.0, 128.0, 128.0]
    levels = entry_levels(len(ycc), True)
    steps = np.linspace(0.0, 1.0, CURVE_STEPS, endpoint=False)
    curve = (ycc[:-1, None] * (1 - steps[None, :, None]) + ycc[1:, None] * steps[None, :, None])
    curve_levels = levels[:-1, None] * (1 - steps) + levels[1:, None] * steps
    return (np.vstack([curve.reshape(-1, 3), ycc[-1:]]),
            np.append(curve_levels.reshape(-1), levels[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, default=Path("data/raw"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/specimg-user-pictures"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    y = sixty_seconds(args.raw)
    S = np.abs(librosa.stft(y))

    def score(levels: np.ndarray) -> float:
        return round(sc_after_gain(S, unit_to_magnitude(levels, 0.0, 80.0, True)), 2)

    result = {}
    for cmap in ("gray", "magma", "viridis", "inferno"):
        path = args.workdir / f"{cmap}_dpi1000.jpg"
        if not path.exists():
            draw_like_the_user(y, path, 1000, cmap)
        meta = picture_meta(S.shape[1], len(y), cmap)
        luminance, levels = luminance_curve(cmap, True)
        if cmap == "gray":
            means = cell_means(path, meta, "L")
            result[cmap] = {"luminance": score(np.interp(means[..., 0], luminance, levels))}
            continue
        means = cell_means(path, meta, "YCbCr")
        row = {"luminance": score(np.interp(means[..., 0], luminance, levels))}
        curve, curve_levels = colour_curve(cmap)
        for weight in WEIGHTS:
            scale = np.array([1.0, weight, weight])
            _, nearest = cKDTree(curve * scale).query((means * scale).reshape(-1, 3))
            row[f"chroma_weight_{weight}"] = score(curve_levels[nearest].reshape(means.shape[:2]))
        result[cmap] = row
        print(json.dumps({cmap: row}), flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
