"""model_summary: the model_pictures stage's rows -> their means, beside the user's picture.

The work is :mod:`specimg.pipeline.model_summary`'s; this script reads its paths and
``params.yaml``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from specimg.pipeline.model_summary import run_stage
from stages.common import load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows_csv", type=Path)
    parser.add_argument("summary_json", type=Path, help="the evaluate stage's means")
    parser.add_argument("encode_dir", type=Path, help="the encode stage's sizes")
    parser.add_argument("out_json", type=Path)
    args = parser.parse_args()
    run_stage(args, load_params())


if __name__ == "__main__":
    run("stages.model_summary")
