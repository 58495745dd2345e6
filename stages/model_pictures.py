"""model_pictures: which picture of an image model's size keeps the most sound, per recording.

The work is :mod:`specimg.pipeline.model_pictures`'s; this script reads its paths and
``params.yaml``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from specimg.pipeline.model_pictures import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("raw_dir", type=absolute)
    parser.add_argument("rows_csv", type=Path)
    args = parser.parse_args()
    run_stage(args, load_params())


if __name__ == "__main__":
    run("stages.model_pictures")
