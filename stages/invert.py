"""invert: images of one encoding -> audio by one phase method, and its convergence record."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import numpy as np

from specimg.core.audio import encode_audio
from specimg.image.codec import image_files
from specimg.inversion import image_to_magnitude, magnitude_to_audio
from specimg.phase.options import PhaseOptions
from specimg.phase.transform import fft_workers
from specimg.study.metrics import ConvergenceLog
from specimg.util.errors import InputError
from specimg.util.fileio import write_atomic, write_text
from specimg.util.parallel import worker_count
from stages.common import (
    CONVERGENCE_NAME,
    PARAMS_FILE,
    absolute,
    csv_text,
    load_params,
    map_items,
    n_jobs,
    run,
)

CONVERGENCE_COLUMNS = ["clip_id", "iteration", "sc_db", "consistency_sc_db"]


def invert_clip(image_path: Path, args: argparse.Namespace, options: PhaseOptions,
                params: dict, fft_workers: int) -> list[dict]:
    """Write one image's reconstruction; its convergence records."""
    clip_id = image_path.stem
    S, meta = image_to_magnitude(image_path.read_bytes(), image_path,
                                 floor_silence=bool(params["floor_silence"]))
    true_phase = None
    if options.method == "oracle":
        true_phase = np.load(args.spec_dir / f"{clip_id}.phase.npy")
    log = ConvergenceLog({"sc_db": np.load(args.spec_dir / f"{clip_id}.mag.npy"),
                          "consistency_sc_db": S}, every=int(params["record_every"]))
    result = magnitude_to_audio(S, meta, **options.keywords(), true_phase=true_phase,
                                workers=fft_workers, callback=log)
    write_atomic(args.recon_dir / f"{clip_id}.flac", encode_audio(result.y, meta.sr))
    return [{"clip_id": clip_id, **row} for row in log.rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--method", required=True)
    parser.add_argument("images_dir", type=absolute)
    parser.add_argument("spec_dir", type=absolute, help="true magnitudes and phases")
    parser.add_argument("recon_dir", type=absolute)
    args = parser.parse_args()
    params = load_params()

    try:
        options = PhaseOptions.from_params(params["invert"], args.method)
    except ValueError as exc:
        raise InputError(PARAMS_FILE, str(exc)) from None
    images = image_files(args.images_dir)
    work = partial(invert_clip, args=args, options=options, params=params["invert"],
                   fft_workers=fft_workers(worker_count(n_jobs(params), len(images))))
    records = map_items(work, images, params, f"invert {args.method}")
    write_text(args.recon_dir / CONVERGENCE_NAME,
               csv_text((row for rows in records for row in rows), CONVERGENCE_COLUMNS))


if __name__ == "__main__":
    run("stages.invert")
