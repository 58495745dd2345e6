"""How far the consistency SC of `specimg invert` moves when a picture's flags are wrong, to
set the warning's threshold (docs/incoming/cmapgeo.md).

Pictures without metadata of 10 s data/raw clips (benchmarks/foreign_pictures.py): frameless
specshow JPEG 75 (2000 x 2000 px) in gray and viridis, the same as PNG, a mel specshow JPEG,
and a grey grid PNG (one pixel per cell, lowest band on top, 80 dB: audio-diffusion's
layout; its frame count given, as one column a frame has no edges to count), and gray
specshow JPEGs whose frames are narrower than a pixel (0.77 and 0.2 px per frame, frames
given). Each is inverted by `specimg invert` (its defaults: method, iterations) with the right
flags and with each kind of wrong one: orientation (--low-row), axis (--y-axis), length
(--frames 10 % off), colour map (--cmap). Consistency SC (dB, the command's --scores column)
of each.

    python benchmarks/consistency_warnings.py [--clips N] [--json PATH]

Prints one JSON line per inversion, then a summary: per picture kind, the right flags' SC
range and each wrong kind's, and the margin between the worst right and the best wrong.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import numpy as np
from foreign_pictures import HOP, grid_picture, raw_clips, specshow_picture

from specimg.cli import main as specimg


def pictures(y: np.ndarray) -> dict:
    """Picture kinds: (bytes, suffix, right flags, {wrong kind: wrong flags})."""
    n = 1 + len(y) // HOP
    frames = ["--frames", str(round(n * 0.9))]
    kinds = {}
    for cmap in ("gray", "viridis"):
        for fmt, suffix in (("JPEG", ".jpg"), ("PNG", ".png")):
            kinds[f"specshow_{cmap}_{fmt.lower()}"] = (
                specshow_picture(y, cmap=cmap, fmt=fmt), suffix, [],
                {"orientation": ["--low-row", "top"], "axis": ["--y-axis", "mel"],
                 "frames": frames,
                 "cmap": ["--cmap", "magma" if cmap == "gray" else "gray"]})
    kinds["specshow_mel_jpeg"] = (
        specshow_picture(y, y_axis="mel"), ".jpg", ["--y-axis", "mel"],
        {"orientation": ["--low-row", "top", "--y-axis", "mel"], "axis": [],
         "frames": [*frames, "--y-axis", "mel"]})
    # Cells narrower than a pixel, too fine to count (--frames given): the user's 60 s drawn at
    # dpi 100 (0.77 px per frame, 1.95 px per bin) and shrunk to 512 px (0.2 and 0.5).
    for kind, size in (("specshow_gray_jpeg_0.77px", (333, 2000)),
                       ("specshow_gray_jpeg_0.2px", (86, 512))):
        given = ["--frames", str(n)]
        kinds[kind] = (specshow_picture(y, size=size), ".jpg", given,
                       {"orientation": [*given, "--low-row", "top"],
                        "axis": [*given, "--y-axis", "mel"], "frames": frames,
                        "cmap": [*given, "--cmap", "magma"]})
    grid = ["--layout", "grid", "--frames", str(n)]  # one column a frame: nothing to count
    kinds["grid_png"] = (
        grid_picture(y), ".png", [*grid, "--low-row", "top"],
        {"orientation": grid, "frames": [*frames, "--layout", "grid", "--low-row", "top"]})
    return kinds


def consistency(data: bytes, suffix: str, flags: list[str], work: Path) -> tuple[int, float]:
    picture = work / f"picture{suffix}"
    picture.write_bytes(data)
    scores = work / "scores.csv"
    status = specimg(["invert", str(picture), "-o", str(work / "out"), "--overwrite",
                      "--scores", str(scores), *flags])
    with scores.open() as table:
        rows = list(csv.DictReader(table))
    return status, float(rows[0]["consistency_sc_db"]) if rows else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=4)
    parser.add_argument("--json", type=Path, help="also write the rows and the summary here")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name, y in raw_clips(10.0, args.clips):
            for kind, (data, suffix, right, wrongs) in pictures(y).items():
                for wrong, flags in [("right", right), *wrongs.items()]:
                    status, sc = consistency(data, suffix, flags, work)
                    row = {"clip": name, "kind": kind, "flags": wrong, "status": status,
                           "consistency_sc_db": sc}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    summary = {}
    for kind in dict.fromkeys(r["kind"] for r in rows):
        at = [r for r in rows if r["kind"] == kind]
        by = {}
        for r in at:
            by.setdefault(r["flags"], []).append(r["consistency_sc_db"])
        right = by.pop("right")
        summary[kind] = {"right": [min(right), max(right)],
                         **{wrong: [min(v), max(v)] for wrong, v in by.items()},
                         "margin_db": min(min(v) for v in by.values()) - max(right)}
    print(json.dumps(summary))
    if args.json:
        command = f"python benchmarks/consistency_warnings.py --clips {args.clips}"
        args.json.write_text(json.dumps({"command": command, "rows": rows, "summary": summary},
                                        indent=1) + "\n")


if __name__ == "__main__":
    main()
