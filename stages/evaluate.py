"""evaluate: reconstructions and decoded images vs the originals -> metrics and plot data.

The work is :mod:`specimg.pipeline.evaluate`'s; this script reads its paths and
``params.yaml``.
"""

from __future__ import annotations

import argparse

from specimg.pipeline.evaluate import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("clips_dir", "spec_dir", "images_dir", "recon_dir"):
        parser.add_argument(name, type=absolute)
    parser.add_argument("sizes_dir", type=absolute, help="bytes per second, from the encode stage")
    parser.add_argument("metrics_dir", type=absolute)
    run_stage(parser.parse_args(), load_params())


if __name__ == "__main__":
    run("stages.evaluate")
