"""Colour maps against gray on the study's clips: the decoded magnitude, picture by picture.

Reads the pipeline's clips and magnitudes (run `make repro` first: data/clips/manifest.csv and
data/spec/). Each clip is drawn as the study draws its specshow pictures (JPEG quality 75) in
gray, magma, viridis and inferno, at the study's 2000 x 2000 px for 10 s and at the user's
density (333.3 px per second, 20000 px high), decoded by specimg (colour maps by lightness), and
scored: SC of the decoded magnitude against the original, dB, mean over the clips.

    python benchmarks/colour_maps.py

Prints one JSON object: {density: {cmap: SC}} and each map's distance from gray.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from specimg.core.spectrum import StftConfig, unit_to_magnitude
from specimg.image.codec import decode_image, encode_magnitude
from specimg.image.drawing import SpecshowStyle
from specimg.pipeline.common import read_manifest
from specimg.study.metrics import spectral_convergence_db

DATA = Path("data")
CMAPS = ("gray", "magma", "viridis", "inferno")
DENSITIES = {"2000 x 2000 px per 10 s": (200.0, 2000),
             "the user's, 20000 px high": (333.333, 20000)}


def main() -> None:
    manifest = read_manifest(DATA / "clips")
    config = StftConfig()
    result = {}
    for density, (width_per_second, height) in DENSITIES.items():
        scores = {cmap: [] for cmap in CMAPS}
        for clip in manifest:
            S = np.load(DATA / "spec" / f"{clip['clip_id']}.mag.npy")
            for cmap in CMAPS:
                style = SpecshowStyle(width_per_second, height, quality=75, cmap=cmap)
                data = encode_magnitude(S, config, length=clip["n_samples"], top_db=80.0,
                                        encoding="specshow", style=style)
                levels, stored = decode_image(data)
                decoded = unit_to_magnitude(levels, stored.peak_db, stored.top_db, True)
                scores[cmap].append(spectral_convergence_db(S, decoded))
        means = {cmap: round(float(np.mean(values)), 2) for cmap, values in scores.items()}
        result[density] = {"decoded_sc_db": means,
                           "worse_than_gray_db": {cmap: round(means[cmap] - means["gray"], 2)
                                                  for cmap in CMAPS[1:]}}
        print(json.dumps({density: result[density]}), flush=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
