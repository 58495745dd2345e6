"""report: metrics and audio -> metrics/report.html and the pictures it shows."""

from __future__ import annotations

import argparse
import json
import os
from functools import partial
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd

from ..core.audio import read_audio
from ..core.portable import magnitude
from ..core.spectrum import stft
from ..study.plots import plot_convergence, plot_per_clip, plot_rate, plot_spectrograms
from ..study.report import ClipSection, Player, findings, kind_finding, render_report
from ..util.fileio import write_atomic, write_text
from .common import (
    map_items,
    read_manifest,
    stft_config,
)
from .decoding import decoded_magnitude

__all__ = ["clip_section", "run_stage", "url"]


def url(target: Path, page_dir: Path) -> str:
    """``target`` relative to the page's folder, as a URL path."""
    return quote(Path(os.path.relpath(target, page_dir)).as_posix())


def clip_section(clip_scores: tuple[dict, pd.DataFrame], args: argparse.Namespace,
                 params: dict) -> ClipSection:
    """Draw one clip's spectrograms (original, decoded picture, reconstruction); its section.

    ``clip_scores`` is the clip's manifest row and its rows of ``results.csv``.
    """
    clip, scores = clip_scores
    config = stft_config(params)
    clip_id, page_dir = clip["clip_id"], args.page.parent
    encoding, method = params["report"]["encoding"], params["report"]["method"]
    S_decoded = decoded_magnitude(args.images_dir, encoding, clip_id, params)
    y, _ = read_audio(args.recon_dir / encoding / method / f"{clip_id}.flac")
    picture = plot_spectrograms([
        ("original", np.load(args.spec_dir / f"{clip_id}.mag.npy")),
        (f"decoded {encoding} image", S_decoded),
        (f"{method} reconstruction", magnitude(stft(y, config))),
    ], config.sr, config.hop_length, float(params["stft"]["top_db"]))
    picture_path = write_atomic(args.assets_dir / f"{clip_id}.png", picture)
    players = {
        (row.encoding, row.method): Player(
            f"{row.encoding} / {row.method}",
            url(args.recon_dir / row.encoding / row.method / f"{clip_id}.flac", page_dir),
            f"SC {row.sc_db:.1f} dB")
        for row in scores.itertuples()
    }
    return ClipSection(
        clip_id=clip_id,
        description=(f"{clip['kind'] or 'audio'}: {clip['source']} from {clip['offset_s']:.2f} s, "
                     f"{clip['duration_s']:.1f} s"),
        picture_url=url(picture_path, page_dir),
        original=Player("original", url(args.clips_dir / f"{clip_id}.flac", page_dir)),
        players=players,
    )


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: the report page ``args.page`` and its pictures in ``args.assets_dir``, from
    the metrics and audio of the folders in ``args``."""
    methods = params["invert"]["methods"]
    featured_encoding, featured_method = params["report"]["encoding"], params["report"]["method"]
    page_dir = args.page.parent

    summary = json.loads((args.metrics_dir / "summary.json").read_text())
    by_kind = json.loads((args.metrics_dir / "by_kind.json").read_text())
    model_pictures = json.loads((args.metrics_dir / "model_pictures.json").read_text())
    results = pd.read_csv(args.metrics_dir / "results.csv", dtype={"clip_id": str})
    rate = pd.read_csv(args.metrics_dir / "rate.csv")
    curves = pd.read_csv(args.metrics_dir / "convergence.csv")
    plots = [
        ("Spectral convergence against image bytes per second", "sc_vs_size.png",
         plot_rate(rate)),
        ("Spectral convergence per clip", "sc_per_clip.png", plot_per_clip(results)),
        ("Spectral convergence against iteration", "sc_vs_iteration.png",
         plot_convergence(curves, params["evaluate"]["convergence_encoding"])),
    ]
    for _, name, data in plots:
        write_atomic(args.assets_dir / name, data)

    by_clip = dict(iter(results.groupby("clip_id", sort=False)))
    clips = [(clip, by_clip[clip["clip_id"]])
             for clip in read_manifest(args.clips_dir)]
    sections = map_items(partial(clip_section, args=args, params=params), clips, params,
                         "report")

    write_text(args.page, render_report(
        title="specimg: what the spectrogram picture cost",
        findings=[*findings(summary, methods),
                  kind_finding(by_kind, featured_encoding, featured_method)],
        summary=summary,
        encodings=params["encode"]["encodings"],
        methods=methods,
        plots=[(caption, url(args.assets_dir / name, page_dir)) for caption, name, _ in plots],
        clips=sections,
        by_kind=by_kind,
        model_pictures=model_pictures,
    ))

