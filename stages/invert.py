"""invert: images of one encoding -> audio, by one phase reconstruction method."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from specimg.audio import encode_audio
from specimg.fileio import write_atomic
from specimg.inversion import invert_image
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
        clip_id = image_path.stem
        true_phase = None
        if args.method == "oracle":
            true_phase = np.load(args.spec_dir / f"{clip_id}.phase.npy")
        result = invert_image(
            image_path.read_bytes(), image_path, method=args.method,
            floor_silence=bool(params["floor_silence"]), true_phase=true_phase,
            n_iter=int(params["n_iter"]), momentum=float(params["momentum"]),
            beta=float(params["agla_beta"]), gamma=float(params["agla_gamma"]),
            pghi_tol_db=float(params["pghi_tol_db"]), random_state=int(params["seed"]),
        )
        write_atomic(args.recon_dir / f"{clip_id}.flac",
                     encode_audio(result.y, result.meta.sr))


if __name__ == "__main__":
    run(main)
