"""encode: magnitude spectrograms -> images of one encoding, and their bytes per second."""

from __future__ import annotations

import argparse

from specimg.pipeline.encode import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoding", required=True)
    parser.add_argument("clips_dir", type=absolute, help="for the manifest")
    parser.add_argument("spec_dir", type=absolute)
    parser.add_argument("images_dir", type=absolute)
    parser.add_argument("sizes_json", type=absolute)
    run_stage(parser.parse_args(), load_params())


if __name__ == "__main__":
    run("stages.encode")
