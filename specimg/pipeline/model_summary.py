"""model_summary: the model_pictures stage's rows -> their means, beside the user's picture.

Writes ``metrics/model_pictures.json`` (a DVC metrics file): the means per size x
representation x codec x method, over every recording and per kind of sound
(:func:`specimg.study.model_tables.summarise_model_rows`), and under ``user_picture`` the
evaluate stage's figures of ``model.user_encoding`` (today's ``specshow_gan``: the user's 60 s
specshow picture shrunk to 512 x 512), reused rather than reproduced: they are means over the
study's 10 s clips of every recording, drawn at the shrunk picture's density.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from ..study.model_tables import summarise_model_rows, user_picture_entry
from ..util.errors import InputError
from ..util.fileio import write_json
from .common import PARAMS_FILE

__all__ = ["NUMBERS", "read_rows", "run_stage"]

NUMBERS = {"size": int, "bytes": int, "seconds_per_picture": float, "padded_s": float,
           "top_hz": float, "sc_db": float, "full_band_sc_db": float, "own_sc_db": float,
           "pesq_wb": float, "stoi": float}


def read_rows(path: Path) -> list[dict]:
    """The model_pictures CSV, its numbers as numbers (empty cells NaN)."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [{key: NUMBERS[key](value or "nan") if key in NUMBERS else value
                 for key, value in row.items()} for row in csv.DictReader(handle)]


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: the means of ``args.rows_csv`` beside the user's picture, to
    ``args.out_json``."""
    result = summarise_model_rows(read_rows(args.rows_csv))
    encoding = params["model"].get("user_encoding")
    if encoding:
        summary = json.loads(args.summary_json.read_text())
        if encoding not in summary:
            raise InputError(PARAMS_FILE, f"model.user_encoding is {encoding!r}, which is not "
                             "in encode.encodings; name one of them, or null")
        shrink = (params["encode"].get("specshow") or {}).get(encoding, {}).get("shrink_to")
        if not shrink:
            raise InputError(PARAMS_FILE, f"model.user_encoding {encoding!r} has no shrink_to "
                             "in encode.specshow: its pictures are not of an image model's size")
        sizes = json.loads((args.encode_dir / f"{encoding}.json").read_text())
        width_per_second, height = (float(value) for value in shrink)
        result["user_picture"] = {encoding: user_picture_entry(
            summary[encoding], sizes, size=round(height), seconds=height / width_per_second)}
    write_json(args.out_json, result)

