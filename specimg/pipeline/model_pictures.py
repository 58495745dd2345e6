"""model_pictures: which picture of an image model's size keeps the most sound, per recording.

For each recording of ``data/raw`` the plan of ``params.yaml``'s ``model`` section takes
(:class:`specimg.study.model_tables.ModelPlan`: by default the first recording of each kind of
sound), each size and each representation that fills it, one picture of the recording's first
``T`` seconds, ``T`` being what one picture of that representation holds (1.5 to 11.9 s). The
clips are read from the recordings, not taken from the segment stage's 10 s clips, because
some representations hold more than 10 s; they are read at ``segment.sr``, mixed down by
``segment.mixdown``, and a recording shorter than ``T`` is padded with silence (the table's
``padded_s``). Each picture is inverted and scored by
:func:`specimg.study.model_pictures.score_variant`; every row goes to the CSV, which the
model_summary stage averages.
"""

from __future__ import annotations

import argparse
from functools import partial

from ..core.audio import stream_clips
from ..study.model_pictures import REPRESENTATIONS, Variant, score_variant
from ..study.model_tables import ModelPlan, plan_variants
from ..util.errors import InputError
from ..util.fileio import write_text
from .common import PARAMS_FILE, csv_text, map_items
from .segment import Recording, recordings

__all__ = ["COLUMNS", "run_stage", "score_item"]

COLUMNS = ("recording", "kind", "size", "representation", "codec", "method",
           "seconds_per_picture", "padded_s", "bytes", "top_hz", "sc_db", "full_band_sc_db",
           "own_sc_db", "gain_fitted", "pesq_wb", "stoi")


def score_item(item: tuple[Recording, int, str, tuple[str, ...]], sr: int, mixdown: str,
               n_iter: int, naive_n_iter: int) -> list[dict]:
    """Every row of one recording's pictures of one size and representation."""
    recording, size, representation, codecs = item
    length = Variant(size, representation).clip_length(sr)
    _, y, audio_samples = next(stream_clips(recording.path, sr, length, length, "pad",
                                            mixdown))
    rows = []
    for codec in codecs:
        for row in score_variant(y, sr, Variant(size, representation, codec),
                                 speech=recording.kind == "speech", n_iter=n_iter,
                                 naive_n_iter=naive_n_iter):
            rows.append({"recording": recording.path.name, "kind": recording.kind,
                         "padded_s": round((length - audio_samples) / sr, 3), **row})
    return rows


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: every row of the model pictures of ``args.raw_dir``'s recordings to
    ``args.rows_csv``."""
    section = params["model"]
    try:
        plan = ModelPlan.from_params(section)
        n_iter, naive_n_iter = int(section["n_iter"]), int(section["naive_n_iter"])
    except KeyError as exc:
        raise InputError(PARAMS_FILE, f"the model section has no {exc} entry") from None
    except (TypeError, ValueError) as exc:
        raise InputError(PARAMS_FILE, str(exc)) from None
    found = recordings(args.raw_dir)
    chosen = [found[i] for i in plan.recordings([r.kind for r in found])]
    items = [(recording, *variant) for recording in chosen
             for variant in plan_variants(plan, recording.kind)]
    items.sort(key=lambda item: item[2] != "riffusion")  # the slowest first
    work = partial(score_item, sr=int(params["segment"]["sr"]),
                   mixdown=params["segment"]["mixdown"], n_iter=n_iter,
                   naive_n_iter=naive_n_iter)
    rows = [row for done in map_items(work, items, params, "model pictures") for row in done]
    rows.sort(key=lambda r: (r["size"], REPRESENTATIONS.index(r["representation"]), r["codec"],
                             r["recording"]))
    write_text(args.rows_csv, csv_text(rows, COLUMNS))
    print(f"{len(rows)} rows of {len(items)} picture sets of {len(chosen)} recordings")

