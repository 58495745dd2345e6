"""stft: clips -> magnitude spectrograms (float32 .npy) and their true phase (for the oracle)."""

from __future__ import annotations

import argparse

from specimg.pipeline.stft import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clips_dir", type=absolute)
    parser.add_argument("spec_dir", type=absolute)
    run_stage(parser.parse_args(), load_params())


if __name__ == "__main__":
    run("stages.stft")
