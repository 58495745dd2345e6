"""report: metrics and audio -> metrics/report.html and the pictures it shows.

The work is :mod:`specimg.pipeline.report`'s; this script reads its paths and
``params.yaml``.
"""

from __future__ import annotations

import argparse

from specimg.pipeline.report import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("clips_dir", "spec_dir", "images_dir", "recon_dir", "metrics_dir"):
        parser.add_argument(name, type=absolute)
    parser.add_argument("page", type=absolute, help="the HTML file to write")
    parser.add_argument("assets_dir", type=absolute, help="where the page's pictures go")
    args = parser.parse_args()
    run_stage(args, load_params())


if __name__ == "__main__":
    run("stages.report")
