"""stft: clips -> magnitude spectrograms (float32 .npy) and their true phase (for the oracle)."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

from ..core.audio import read_audio
from ..core.portable import angle, magnitude
from ..core.spectrum import StftConfig, stft
from ..util.fileio import write_npy
from .common import map_items, read_manifest, stft_config

__all__ = ["run_stage", "stft_clip"]


def stft_clip(clip_id: str, clips_dir: Path, spec_dir: Path, config: StftConfig) -> None:
    y, _ = read_audio(clips_dir / f"{clip_id}.flac")
    D = stft(y, config)
    write_npy(spec_dir / f"{clip_id}.mag.npy", magnitude(D))
    write_npy(spec_dir / f"{clip_id}.phase.npy", angle(D))


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: every clip of ``args.clips_dir``'s manifest to ``args.spec_dir``."""
    work = partial(stft_clip, clips_dir=args.clips_dir, spec_dir=args.spec_dir,
                   config=stft_config(params))
    map_items(work, [clip["clip_id"] for clip in read_manifest(args.clips_dir)], params, "stft")
