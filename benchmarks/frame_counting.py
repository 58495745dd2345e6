"""Where counting frames from a picture's column edges works: frameless specshow pictures of
data/raw clips (benchmarks/foreign_pictures.py) at 2.5 to 6 px per frame, 10 s and 16 s, gray,
viridis and magma, JPEG 75 and PNG; 300 px high.

For each picture: the true frame count, the count found (specimg.image.geometry.count_frames),
and the evidence of the true line and of the strongest wrong candidate that passed the line
ratio (ratio, phase error, contrast, strong fraction of steps), to set the thresholds.

    python benchmarks/frame_counting.py [--quick]

Prints one JSON line per picture, then a JSON summary: per px-per-frame, pictures counted right,
wrong, refused; and the ranges of each statistic for true lines and for wrong candidates.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from foreign_pictures import HOP, raw_clips, specshow_picture

from specimg.image.geometry import (
    MIN_LINE_RATIO,
    count_frames,
    measure_grid,
    picture_profile,
)

PPF = (2.5, 2.6, 2.84, 2.9, 3.3, 4.0, 4.6, 6.0, 8.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="2 clips, JPEG only")
    args = parser.parse_args()
    rows = []
    formats = (("JPEG", 75),) if args.quick else (("JPEG", 75), ("PNG", None))
    for seconds in (10.0, 16.0):
        for name, y in raw_clips(seconds, 2 if args.quick else 3):
            n = 1 + len(y) // HOP
            for ppf in PPF:
                width = round(ppf * n)
                for cmap in ("gray", "viridis"):
                    for fmt, quality in formats:
                        data = specshow_picture(y, cmap=cmap, size=(width, 300), fmt=fmt,
                                                quality=quality or 75)
                        profile, _ = picture_profile(data, "x", 10**9)
                        true = measure_grid(profile, n)
                        wrong = [c for c in measure_grid(profile)
                                 if c.n_frames != n and c.ratio >= MIN_LINE_RATIO]
                        row = {"clip": name, "seconds": seconds, "ppf": ppf, "width": width,
                               "cmap": cmap, "format": fmt, "true": n,
                               "found": count_frames(data, "x", 10**9),
                               "true_line": [round(float(v), 3) for v in true[0]] if true else None,
                               "wrong_lines": [[round(float(v), 3) for v in c] for c in wrong]}
                        rows.append(row)
                        print(json.dumps(row), flush=True)
    summary = {}
    for ppf in PPF:
        at = [r for r in rows if r["ppf"] == ppf]
        summary[str(ppf)] = {"right": sum(r["found"] == r["true"] for r in at),
                             "wrong": sum(r["found"] not in (None, r["true"]) for r in at),
                             "refused": sum(r["found"] is None for r in at)}
    names = ("ratio", "phase_error", "contrast", "strong_fraction")
    ranges = {}
    for key, lines in (("true", [r["true_line"] for r in rows if r["true_line"]]),
                       ("wrong", [c for r in rows for c in r["wrong_lines"]])):
        values = np.array([line[1:5] for line in lines]) if lines else np.zeros((0, 4))
        ranges[key] = {name: [float(np.min(np.abs(values[:, i]))),
                              float(np.percentile(np.abs(values[:, i]), 5)),
                              float(np.percentile(np.abs(values[:, i]), 95)),
                              float(np.max(np.abs(values[:, i])))]
                       for i, name in enumerate(names)} if len(values) else {}
    print(json.dumps({"by_px_per_frame": summary, "min_p5_p95_max": ranges}))


if __name__ == "__main__":
    main()
