"""stft: clips -> magnitude spectrograms (float32 .npy) and their true phase (for the oracle)."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from specimg.audio import read_audio
from specimg.fileio import write_npy
from specimg.spectrum import stft
from stages.common import load_params, read_manifest, run, stft_config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clips_dir", type=Path)
    parser.add_argument("spec_dir", type=Path)
    args = parser.parse_args()
    config = stft_config(load_params())
    for clip_id in read_manifest(args.clips_dir)["clip_id"]:
        y, _ = read_audio(args.clips_dir / f"{clip_id}.flac")
        D = stft(y, config)
        write_npy(args.spec_dir / f"{clip_id}.mag.npy", np.abs(D))
        write_npy(args.spec_dir / f"{clip_id}.phase.npy", np.angle(D))


if __name__ == "__main__":
    run(main)
