"""stft: clips -> magnitude spectrograms (float32 .npy) and their true phase (for the oracle)."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from specimg.core.audio import read_audio
from specimg.core.portable import angle, magnitude
from specimg.core.spectrum import StftConfig, stft
from specimg.util.fileio import write_npy
from stages.common import absolute, load_params, map_items, read_manifest, run, stft_config


def stft_clip(clip_id: str, clips_dir: Path, spec_dir: Path, config: StftConfig) -> None:
    y, _ = read_audio(clips_dir / f"{clip_id}.flac")
    D = stft(y, config)
    write_npy(spec_dir / f"{clip_id}.mag.npy", magnitude(D))
    write_npy(spec_dir / f"{clip_id}.phase.npy", angle(D))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clips_dir", type=absolute)
    parser.add_argument("spec_dir", type=absolute)
    args = parser.parse_args()
    params = load_params()
    work = partial(stft_clip, clips_dir=args.clips_dir, spec_dir=args.spec_dir,
                   config=stft_config(params))
    map_items(work, [clip["clip_id"] for clip in read_manifest(args.clips_dir)], params, "stft")


if __name__ == "__main__":
    run("stages.stft")
