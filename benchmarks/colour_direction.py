"""Which way a picture's colour map runs (a map or its reverse), on pictures drawn both ways.

Frameless specshow pictures of the first 10 s of every recording in data/raw
(benchmarks/foreign_pictures.py), 600 x 300 px, JPEG at matplotlib's default quality 75, on hz,
log and mel axes, in gray, gray_r and magma_r. For each: the loudness slope
(:func:`specimg.image.colormap_match.loud_low_rows` of the map read forwards), the share of
levels at the floor end and at the top end, and which way each rule reads it: the slope alone
at 0.02 (the rule before), and specimg's (:func:`specimg.image.colormap_match.match_colormap`).

    python benchmarks/colour_direction.py [--json PATH]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))
from foreign_pictures import raw_clips, specshow_picture

from specimg.image.colormap_match import (
    EXTREME_LEVEL,
    curve_distance,
    loud_low_rows,
    match_colormap,
    sample_pixels,
)

CMAPS = ("gray", "gray_r", "magma_r")
AXES = ("hz", "log", "mel")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rows = []
    for name, y in raw_clips(10.0, 12):
        for cmap in CMAPS:
            for y_axis in AXES:
                data = specshow_picture(y, cmap=cmap, size=(600, 300), fmt="JPEG", quality=75,
                                        y_axis=y_axis)
                rgb, heights, _ = sample_pixels(Image.open(io.BytesIO(data)))
                _, levels = curve_distance(rgb, cmap.removesuffix("_r"))
                slope = loud_low_rows(levels, heights, "bottom")
                found = match_colormap(Image.open(io.BytesIO(data))).cmap
                rows.append({"clip": name, "cmap": cmap, "y_axis": y_axis,
                             "slope": round(slope, 4),
                             "floor_share": round(float(np.mean(levels < EXTREME_LEVEL)), 4),
                             "top_share": round(float(np.mean(levels > 1 - EXTREME_LEVEL)), 4),
                             "slope_alone_reversed": slope < -0.02,
                             "found": found})
    reversed_drawn = [row["cmap"].endswith("_r") for row in rows]
    summary = {
        "pictures": len(rows),
        "slope_alone_wrong": sum(row["slope_alone_reversed"] != drawn
                                 for row, drawn in zip(rows, reversed_drawn, strict=True)),
        "specimg_wrong": sum(row["found"].endswith("_r") != drawn
                             for row, drawn in zip(rows, reversed_drawn, strict=True)),
        "specimg_wrong_map": sum(row["found"].removesuffix("_r") != row["cmap"].removesuffix("_r")
                                 for row in rows),
    }
    print(json.dumps(summary))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "rows": rows}, indent=1) + "\n")


if __name__ == "__main__":
    main()
