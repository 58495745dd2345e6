"""How well the tick-label reader reads notebook spectrogram figures, and how fast.

A grid of figures drawn the notebook way (tests/notebook_figures.py: ``specshow`` of random
-80..0 dB levels, ``colorbar``, ``title``, saved by matplotlib), varying size and dpi (6 x 3 in
at 72 and 300, 10 x 4 at 100, 8 x 3 at 150, 14 x 6 at 200), file format (PNG, JPEG quality 95,
90 and 75, matplotlib's default), y axis (hz, log, mel) and, cycling through the grid, duration
(5, 10, 30, 60 s), colour map (magma, gray, viridis), sample rate (22050, 44100, 16000 Hz),
tight_layout on or off, and colour bar format (``'%+2.0f dB'`` or none). The reader gets the
true plot area, colour bar box and tick positions (from matplotlib), so this measures the
reader alone.

Per figure: labels in view, read right, read wrong (the reader must never do this), not read;
whether each value is right (duration within 1 %, y axis type, fmax within 2 %, sr, top_db
within 0.5 dB), also with the boxes moved by up to 0.5 px and the ticks by up to 0.3 px
(uniform, seeded: what an axes finder's precision allows); seconds of ``read_figure_axes``
(cold: the first figure at each text size pays for rendering its glyphs; warm: the same figure
again). Printed as JSON with a summary.

    PYTHONPATH=. python benchmarks/figure_text.py [--json PATH] [--quick]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import numpy as np  # noqa: E402
from notebook_figures import draw  # noqa: E402

from specimg.image.figure_labels import read_tick_labels  # noqa: E402
from specimg.image.figure_text import read_figure_axes  # noqa: E402

SIZES = [((6, 3), 72), ((10, 4), 100), ((8, 3), 150), ((14, 6), 200), ((6, 3), 300)]
FORMATS = [("png", None), ("jpeg", 95), ("jpeg", 90), ("jpeg", 75)]
Y_AXES = ["hz", "log", "mel"]
SECONDS = [5, 10, 30, 60]
CMAPS = ["magma", "gray", "viridis"]
RATES = [22050, 44100, 16000]


def cases(quick: bool):
    grid = itertools.product(SIZES, FORMATS[:2] if quick else FORMATS, Y_AXES)
    for i, ((size, dpi), (fmt, quality), y_axis) in enumerate(grid):
        yield {
            "size": size, "dpi": dpi, "fmt": fmt, "quality": quality or 90, "y_axis": y_axis,
            "seconds": SECONDS[i % 4], "cmap": CMAPS[i % 3], "sr": RATES[(i // 3) % 3],
            "tight": i % 2 == 0, "colorbar_format": "%+2.0f dB" if i % 5 else None,
        }


def measure(options: dict) -> dict:
    figure = draw(**{k: v for k, v in options.items() if k != "cmap" or v != "magma"})
    args = (figure.rgb, figure.plot, figure.colorbar, figure.x_ticks, figure.y_ticks,
            figure.colorbar_ticks)
    start = time.perf_counter()
    read = read_figure_axes(*args)
    cold = time.perf_counter() - start
    start = time.perf_counter()
    read_figure_axes(*args)
    warm = time.perf_counter() - start
    labels = read_tick_labels(*args)
    counts = {}
    for axis, found, ticks, truth in (
        ("x", labels.x, figure.x_ticks, figure.x_labels),
        ("y", labels.y, figure.y_ticks, figure.y_labels),
        ("colorbar", labels.colorbar, figure.colorbar_ticks, figure.colorbar_labels),
    ):
        expected = dict(zip(ticks, truth, strict=True))
        right = int(sum(label.text == expected[label.tick] for label in found))
        counts[axis] = {"in_view": len(truth), "right": right, "wrong": len(found) - right,
                        "wrong_texts": [[label.text, expected[label.tick]] for label in found
                                        if label.text != expected[label.tick]]}

    def close(value, truth, rel):
        return value is not None and abs(value - truth) <= rel * abs(truth)

    def right(read):
        return {
            "duration": bool(close(read.duration_s, figure.duration_s, 0.01)),
            "y_axis": read.y_axis == options["y_axis"],
            "fmax": bool(close(read.fmax_hz, figure.fmax_hz, 0.02)),
            "sr": read.sr == options["sr"],
            "top_db": bool(read.top_db is not None and abs(read.top_db - 80.0) <= 0.5),
        }

    # The same figure with its boxes and ticks off by up to 0.5 px (seeded), as a finder's are.
    rng = np.random.default_rng(0)

    def jitter(values, size):
        return None if values is None else [v + rng.uniform(-size, size) for v in values]

    jittered = read_figure_axes(
        figure.rgb, tuple(jitter(figure.plot, 0.5)),
        None if figure.colorbar is None else tuple(jitter(figure.colorbar, 0.5)),
        jitter(figure.x_ticks, 0.3), jitter(figure.y_ticks, 0.3),
        jitter(figure.colorbar_ticks, 0.3),
    )
    options = {**options, "size": list(options["size"])}
    return {"figure": options, "labels": counts, "values_right": right(read),
            "values_right_boxes_jittered": right(jittered),
            "seconds_cold": round(cold, 3), "seconds_warm": round(warm, 3)}


def summarise(rows: list[dict]) -> dict:
    total = {k: sum(r["labels"][a][k] for r in rows for a in r["labels"])
             for k in ("in_view", "right", "wrong")}
    by_format = {}
    for fmt in sorted({(r["figure"]["fmt"], r["figure"]["quality"]) for r in rows}):
        subset = [r for r in rows if (r["figure"]["fmt"], r["figure"]["quality"]) == fmt]
        seen = sum(r["labels"][a]["in_view"] for r in subset for a in r["labels"])
        right = sum(r["labels"][a]["right"] for r in subset for a in r["labels"])
        name = fmt[0] if fmt[0] == "png" else f"jpeg{fmt[1]}"
        by_format[name] = round(right / seen, 4)
    by_dpi = {}
    for dpi in sorted({r["figure"]["dpi"] for r in rows}):
        subset = [r for r in rows if r["figure"]["dpi"] == dpi]
        seen = sum(r["labels"][a]["in_view"] for r in subset for a in r["labels"])
        right = sum(r["labels"][a]["right"] for r in subset for a in r["labels"])
        by_dpi[str(dpi)] = round(right / seen, 4)
    def count(key):
        return {k: int(sum(r[key][k] for r in rows)) for k in rows[0][key]}

    return {
        "figures": len(rows),
        "labels_in_view": total["in_view"],
        "fraction_read_right": round(total["right"] / total["in_view"], 4),
        "labels_read_wrong": total["wrong"],
        "fraction_read_right_by_format": by_format,
        "fraction_read_right_by_dpi": by_dpi,
        "values_right_of_figures": count("values_right"),
        "values_right_of_figures_boxes_jittered": count("values_right_boxes_jittered"),
        "median_seconds_warm": round(statistics.median(r["seconds_warm"] for r in rows), 3),
        "median_seconds_cold": round(statistics.median(r["seconds_cold"] for r in rows), 3),
        "max_seconds_cold": max(r["seconds_cold"] for r in rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--quick", action="store_true", help="PNG and JPEG 95 only")
    args = parser.parse_args()
    rows = [measure(options) for options in cases(args.quick)]
    result = {"summary": summarise(rows), "figures": rows}
    text = json.dumps(result, indent=1)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
