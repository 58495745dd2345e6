"""evaluate: reconstructions and decoded images vs the originals -> metrics and plot data.

Writes, under the metrics folder: ``results.csv`` (every score, one row per clip x encoding x
method), ``summary.json`` (means, for ``dvc metrics``), and the plots' sources
``per_clip/<clip>.csv``, ``rate.csv`` (SC against bytes per second, per method) and
``convergence.csv`` (SC against iteration per method, for ``evaluate.convergence_encoding``),
and ``by_kind.json`` (the main means per kind of sound: speech, music, environmental).
"""

from __future__ import annotations

import argparse
import json
from functools import partial

import numpy as np
import pandas as pd

from ..core.audio import read_audio
from ..core.spectrum import StftConfig
from ..study.metrics import (
    log_spectral_distance_db,
    reconstruction_scores,
    spectral_convergence_db,
)
from ..study.summary import (
    convergence_means,
    per_clip_tables,
    rate_table,
    summarise,
    summarise_by_kind,
)
from ..util.errors import InputError
from ..util.fileio import write_json, write_text
from .common import (
    CONVERGENCE_NAME,
    PARAMS_FILE,
    frame_csv_text,
    map_items,
    read_manifest,
    stft_config,
)
from .decoding import decoded_magnitude

__all__ = ["run_stage", "score_clip"]


def score_clip(clip: dict, args: argparse.Namespace, config: StftConfig,
               params: dict) -> list[dict]:
    """Every score of one clip: its images of every encoding, their reconstructions."""
    clip_id = clip["clip_id"]
    original, _ = read_audio(args.clips_dir / f"{clip_id}.flac")
    S = np.load(args.spec_dir / f"{clip_id}.mag.npy")
    lsd_top_db = float(params["evaluate"]["lsd_top_db"])
    rows = []
    for encoding in params["encode"]["encodings"]:
        S_decoded = decoded_magnitude(args.images_dir, encoding, clip_id, params)
        image_scores = {
            "image_sc_db": spectral_convergence_db(S, S_decoded),
            "image_lsd_db": log_spectral_distance_db(S, S_decoded, lsd_top_db),
        }
        for method in params["invert"]["methods"]:
            y, _ = read_audio(args.recon_dir / encoding / method / f"{clip_id}.flac")
            scores = reconstruction_scores(original, y, S, S_decoded, config,
                                           lsd_top_db=lsd_top_db,
                                           speech=clip["kind"] == "speech")
            rows.append({"clip_id": clip_id, "kind": clip["kind"], "encoding": encoding,
                         "method": method, **image_scores, **scores})
    return rows


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: every score of every clip (``args``: the folders of the clips, spectrograms,
    images, reconstructions, sizes and metrics), written under ``args.metrics_dir``."""
    config = stft_config(params)
    encodings, methods = params["encode"]["encodings"], params["invert"]["methods"]
    convergence_encoding = params["evaluate"]["convergence_encoding"]
    if convergence_encoding not in encodings:
        raise InputError(PARAMS_FILE, f"evaluate.convergence_encoding is {convergence_encoding!r}"
                         f", not one of encode.encodings ({', '.join(encodings)})")

    clips = read_manifest(args.clips_dir)
    scored = map_items(partial(score_clip, args=args, config=config, params=params), clips,
                       params, "evaluate")
    results = pd.DataFrame([row for rows in scored for row in rows])
    sizes = {e: json.loads((args.sizes_dir / f"{e}.json").read_text()) for e in encodings}
    results.insert(4, "bytes_per_second", results["encoding"].map(
        lambda e: sizes[e]["bytes_per_second"]))

    write_text(args.metrics_dir / "results.csv", frame_csv_text(results))
    for clip_id, table in per_clip_tables(results).items():
        write_text(args.metrics_dir / "per_clip" / f"{clip_id}.csv", frame_csv_text(table))
    write_text(args.metrics_dir / "rate.csv", frame_csv_text(rate_table(results)))
    convergence = {method: pd.read_csv(args.recon_dir / convergence_encoding / method
                                       / CONVERGENCE_NAME) for method in methods}
    write_text(args.metrics_dir / "convergence.csv", frame_csv_text(convergence_means(convergence)))
    write_json(args.metrics_dir / "summary.json", summarise(results, sizes))
    write_json(args.metrics_dir / "by_kind.json", summarise_by_kind(results))

