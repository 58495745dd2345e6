"""evaluate: reconstructions vs originals -> per-clip CSVs, results.csv and summary.json."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from specimg.audio import read_audio
from specimg.fileio import write_json, write_text
from specimg.metrics import log_spectral_distance_db, snr_db, spectral_convergence_db
from specimg.spectrum import stft
from stages.common import load_params, read_manifest, run, stft_config

METRICS = ("sc_db", "snr_db", "lsd_db")


def csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.4f")
    return buffer.getvalue()


def summarise(results: pd.DataFrame, sizes: dict[str, dict]) -> dict:
    """``{encoding: {method: {metric: mean over clips}, bytes_per_second: ...}}``."""
    summary: dict = {}
    for (encoding, method), group in results.groupby(["encoding", "method"], sort=True):
        summary.setdefault(encoding, {})[method] = {
            metric: round(float(group[metric].mean()), 3) for metric in METRICS
        }
    for encoding in summary:
        summary[encoding]["bytes_per_second"] = sizes[encoding]["bytes_per_second"]
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("clips_dir", type=Path)
    parser.add_argument("spec_dir", type=Path)
    parser.add_argument("recon_dir", type=Path)
    parser.add_argument("sizes_dir", type=Path, help="bytes per second, from the encode stage")
    parser.add_argument("metrics_dir", type=Path)
    args = parser.parse_args()
    params = load_params()
    config = stft_config(params)
    lsd_top_db = float(params["evaluate"]["lsd_top_db"])
    encodings, methods = params["encode"]["encodings"], params["invert"]["methods"]

    rows = []
    for clip_id in read_manifest(args.clips_dir)["clip_id"]:
        original, _ = read_audio(args.clips_dir / f"{clip_id}.flac")
        S = np.load(args.spec_dir / f"{clip_id}.mag.npy")
        for encoding in encodings:
            for method in methods:
                y, _ = read_audio(args.recon_dir / encoding / method / f"{clip_id}.flac")
                S_y = np.abs(stft(y, config))
                rows.append({
                    "clip_id": clip_id, "encoding": encoding, "method": method,
                    "sc_db": spectral_convergence_db(S, S_y),
                    "snr_db": snr_db(original, y),
                    "lsd_db": log_spectral_distance_db(S, S_y, lsd_top_db),
                })
    results = pd.DataFrame(rows)
    sizes = {e: json.loads((args.sizes_dir / f"{e}.json").read_text()) for e in encodings}

    write_text(args.metrics_dir / "results.csv", csv_text(results))
    for clip_id, group in results.groupby("clip_id", sort=True):
        variant = group["encoding"] + "/" + group["method"]
        per_clip = group.drop(columns="clip_id").assign(variant=variant)
        write_text(args.metrics_dir / "per_clip" / f"{clip_id}.csv", csv_text(per_clip))
    write_json(args.metrics_dir / "summary.json", summarise(results, sizes))


if __name__ == "__main__":
    run(main)
