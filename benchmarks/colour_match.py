"""How well specimg finds the colour map of a picture without metadata, and how far the right
map's curve lies from its pixels against the best wrong map's.

Frameless specshow pictures of data/raw clips (benchmarks/foreign_pictures.py), 10 s, 1000 x
600 px (2.3 px per frame), drawn in each of CMAPS, saved as PNG and JPEG at quality 75, 85 and
95. For each: the map found (specimg.image.colormap_match.match_colormap), the right map's
distance, the best wrong map's (maps drawing other colours, reverses aside), and the loudness
slope that picks a map or its reverse.

    python benchmarks/colour_match.py [--quick]

Prints one JSON line per picture, then a summary: right / wrong per map, and the ranges
(min, max) of the right map's distance and of the best wrong map's.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from foreign_pictures import raw_clips, specshow_picture
from PIL import Image

from specimg.image.colormap_match import (
    candidate_colormaps,
    curve_distance,
    match_colormap,
    sample_pixels,
)

CMAPS = ("gray", "gray_r", "magma", "viridis", "inferno", "plasma", "cividis", "jet", "turbo",
         "magma_r", "hot", "Blues")
FORMATS = (("PNG", None), ("JPEG", 75), ("JPEG", 85), ("JPEG", 95))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2 clips")
    args = parser.parse_args()
    rows = []
    for name, y in raw_clips(10.0, 2 if args.quick else 6):
        for cmap in CMAPS:
            for fmt, quality in FORMATS:
                data = specshow_picture(y, cmap=cmap, size=(1000, 600), fmt=fmt,
                                        quality=quality or 75)
                image = Image.open(io.BytesIO(data))
                found = match_colormap(image)
                base = cmap.removesuffix("_r")
                rgb, _, _ = sample_pixels(Image.open(io.BytesIO(data)))
                right = curve_distance(rgb, base)[0]
                wrong = min((curve_distance(rgb, other)[0], other)
                            for other in candidate_colormaps() if other != base)
                row = {"clip": name, "cmap": cmap, "format": fmt, "quality": quality,
                       "found": found.cmap, "distance": round(found.distance, 3),
                       "right_distance": round(right, 3), "best_wrong": wrong[1],
                       "best_wrong_distance": round(wrong[0], 3),
                       "loudness_slope": round(found.loudness_slope, 4)}
                rows.append(row)
                print(json.dumps(row), flush=True)
    summary = {cmap: {"right": sum(r["found"] == cmap for r in rows if r["cmap"] == cmap),
                      "wrong": sorted({r["found"] for r in rows
                                       if r["cmap"] == cmap and r["found"] != cmap})}
               for cmap in CMAPS}
    colour = [r for r in rows if not r["cmap"].startswith("gray")]
    print(json.dumps({"found": summary,
                      "right_distance_range": [min(r["right_distance"] for r in colour),
                                               max(r["right_distance"] for r in colour)],
                      "best_wrong_distance_range": [min(r["best_wrong_distance"] for r in colour),
                                                    max(r["best_wrong_distance"]
                                                        for r in colour)]}))


if __name__ == "__main__":
    main()
