"""segment: raw recordings -> fixed-length mono clips at one sample rate, plus a manifest
(:mod:`specimg.pipeline.segment`)."""

from __future__ import annotations

import argparse

from specimg.pipeline.segment import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_dir", type=absolute)
    parser.add_argument("clips_dir", type=absolute)
    parser.add_argument("skipped_json", type=absolute, help="metrics file of skipped inputs")
    run_stage(parser.parse_args(), load_params())


if __name__ == "__main__":
    run("stages.segment")
