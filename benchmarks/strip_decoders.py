"""Reading a 20000 x 20000 JPEG's luminance in strips: Pillow (what specimg uses) against pyvips.

Each reader opens the picture, gets JPEG's luminance (Y) and reads it top to bottom in strips of
256 rows, summing each strip as specimg's decoder does (a stand-in for the per-strip work). Each
run is a fresh subprocess: wall time, and peak resident memory of that process alone
(`ru_maxrss`). Readers:

- `pillow`: `draft('L', size)` (libjpeg outputs Y only, no colour conversion), `load()`, `crop`;
- `pyvips_band0`: pyvips, sequential access, band 0 (equals Y only for grey pictures), strips by
  `crop().write_to_memory()`;
- `pyvips_luma`: the same with BT.601 luma `recomb([[0.299, 0.587, 0.114]])`, right for colour.

pyvips is no dependency of specimg: `pip install pyvips pyvips-binary` (libvips bundled) first.

    python benchmarks/strip_decoders.py PICTURE.jpg [...] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import numpy as np

STRIP = 256


def strips_pillow(path: str):
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    image = Image.open(path)
    image.draft("L", image.size)
    image.load()
    width, height = image.size
    for top in range(0, height, STRIP):
        yield np.asarray(image.crop((0, top, width, min(height, top + STRIP))))


def strips_pyvips(path: str, luma: bool):
    import pyvips

    image = pyvips.Image.new_from_file(path, access="sequential")
    if image.bands > 1:
        image = ((image.recomb([[0.299, 0.587, 0.114]]) + 0.5).cast("uchar") if luma
                 else image.extract_band(0))
    for top in range(0, image.height, STRIP):
        rows = min(STRIP, image.height - top)
        data = image.crop(0, top, image.width, rows).write_to_memory()
        yield np.frombuffer(data, np.uint8).reshape(rows, image.width)


READERS = {"pillow": strips_pillow,
           "pyvips_band0": lambda path: strips_pyvips(path, luma=False),
           "pyvips_luma": lambda path: strips_pyvips(path, luma=True)}


def child(reader: str, path: str) -> None:
    start = time.perf_counter()
    total, columns = 0, None
    for strip in READERS[reader](path):
        total += int(strip.sum(dtype=np.uint64))
        summed = strip.sum(axis=0, dtype=np.uint64)
        columns = summed if columns is None else columns + summed
    print(json.dumps({"reader": reader, "seconds": time.perf_counter() - start,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "total": total}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pictures", nargs="+")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    try:
        import pyvips
    except ImportError:
        sys.exit("pyvips is not installed: pip install pyvips pyvips-binary")
    libvips = ".".join(str(pyvips.version(i)) for i in range(3))
    rows = []
    for path in args.pictures:
        runs = {reader: [] for reader in READERS}
        for _ in range(args.repeats):  # alternate the readers within each repeat
            for reader in READERS:
                done = subprocess.run([sys.executable, __file__, "--child", reader, path],
                                      check=True, capture_output=True, text=True)
                runs[reader].append(json.loads(done.stdout.strip().splitlines()[-1]))
        for reader, results in runs.items():
            seconds = [r["seconds"] for r in results]
            rows.append({"picture": path, "reader": reader, "libvips": libvips,
                         "median_seconds": round(statistics.median(seconds), 2),
                         "min_seconds": round(min(seconds), 2),
                         "peak_mb": round(max(r["peak_mb"] for r in results)),
                         "total": results[0]["total"]})
            print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
