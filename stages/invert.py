"""invert: images of one encoding -> audio, by one phase reconstruction method."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from specimg.audio import encode_audio
from specimg.fileio import write_atomic
from specimg.image import decode_image
from specimg.phase import reconstruct
from specimg.spectrum import unit_to_magnitude
from stages.common import load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--method", required=True)
    parser.add_argument("images_dir", type=Path)
    parser.add_argument("spec_dir", type=Path, help="true phases, for the oracle method")
    parser.add_argument("recon_dir", type=Path)
    args = parser.parse_args()
    params = load_params()["invert"]

    for image_path in sorted(p for p in args.images_dir.iterdir() if not p.name.startswith(".")):
        levels, meta = decode_image(image_path.read_bytes(), image_path)
        S = unit_to_magnitude(levels, meta.peak_db, meta.top_db, bool(params["floor_silence"]))
        clip_id = image_path.stem
        true_phase = None
        if args.method == "oracle":
            true_phase = np.load(args.spec_dir / f"{clip_id}.phase.npy")
        y = reconstruct(
            S, meta.stft_config, args.method, length=meta.length, n_iter=int(params["n_iter"]),
            momentum=float(params["momentum"]), beta=float(params["agla_beta"]),
            gamma=float(params["agla_gamma"]), pghi_tol_db=float(params["pghi_tol_db"]),
            random_state=int(params["seed"]), true_phase=true_phase,
        )
        write_atomic(args.recon_dir / f"{clip_id}.flac", encode_audio(y, meta.sr))


if __name__ == "__main__":
    run(main)
