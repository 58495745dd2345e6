"""invert: images of one encoding -> audio by one phase method, and its convergence record."""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path

import numpy as np

from ..core.audio import encode_audio
from ..image.codec import image_files
from ..inversion import image_to_magnitude, magnitude_to_audio
from ..phase.options import PhaseOptions
from ..phase.transform import fft_workers
from ..study.metrics import ConvergenceLog
from ..util.errors import InputError
from ..util.fileio import write_atomic, write_text
from ..util.parallel import worker_count
from .common import CONVERGENCE_NAME, PARAMS_FILE, csv_text, map_items, n_jobs

__all__ = ["CONVERGENCE_COLUMNS", "invert_clip", "run_stage"]

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


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: every picture of ``args.images_dir`` to audio in ``args.recon_dir`` by
    ``args.method``, with the convergence records beside it."""
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
