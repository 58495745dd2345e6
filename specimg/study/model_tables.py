"""The picture-size study's plan and tables: which variants of which recordings, and their means.

:func:`plan_variants` says which :class:`.model_pictures.Variant` pictures a recording gets,
:func:`summarise_model_rows` turns the rows of :func:`.model_pictures.score_variant` into the
means of ``metrics/model_pictures.json``, and :func:`user_picture_entry` takes the evaluate
stage's figures of the user's shrunk specshow picture beside them.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .model_pictures import CODECS, METHODS, REPRESENTATIONS, Variant

__all__ = ["ModelPlan", "plan_variants", "summarise_model_rows", "user_picture_entry"]

#: The representations that take every codec of :data:`.model_pictures.CODECS` in the sweep.
SPECIMG_REPRESENTATIONS = ("linear", "linear_n2048", "mel")
#: Scores averaged per method (NaN ones, PESQ and STOI of other sounds than speech, left out).
SCORES = ("sc_db", "full_band_sc_db", "own_sc_db", "pesq_wb", "stoi")
#: The evaluate stage's methods that are this study's (:data:`.model_pictures.METHODS`).
USER_METHODS = {"oracle": "true_phase", "pghi_raar": "best", "librosa_fgla": "naive"}


@dataclass(frozen=True)
class ModelPlan:
    """What the study makes pictures of (``params.yaml``'s ``model`` section).

    Attributes
    ----------
    sizes : tuple of int
        Square picture sizes (px).
    codecs : mapping of str to tuple of str
        Codecs per representation; a representation not named is left out.
    recordings_per_kind : int
        The first this many recordings of each kind of sound (by name); 0: every one.
    riffusion_sizes : tuple of int
        Sizes at which Riffusion's (slow) pictures are made.
    riffusion_kinds : tuple of str
        Kinds of sound whose recordings get Riffusion pictures (empty: every kind).
    sweep : bool
        The full sweep: every recording, every codec for specimg's representations, Riffusion
        at every size and kind.
    """

    sizes: tuple[int, ...]
    codecs: Mapping[str, tuple[str, ...]]
    recordings_per_kind: int = 1
    riffusion_sizes: tuple[int, ...] = (512,)
    riffusion_kinds: tuple[str, ...] = ()
    sweep: bool = False

    @classmethod
    def from_params(cls, section: Mapping) -> ModelPlan:
        """The plan of a ``model`` params section; ``ValueError`` naming a bad value."""
        codecs = {name: tuple(values) for name, values in (section.get("codecs") or {}).items()}
        plan = cls(tuple(section["sizes"]), codecs, int(section.get("recordings_per_kind") or 0),
                   tuple(section.get("riffusion_sizes") or ()),
                   tuple(section.get("riffusion_kinds") or ()), bool(section.get("sweep")))
        problems = [problem for kind, names in plan.codecs.items() for size in plan.sizes
                    for codec in names for problem in Variant(size, kind, codec).problems()]
        if problems:
            raise ValueError(f"model.codecs: {problems[0]}")
        return plan

    def recordings(self, kinds: Sequence[str]) -> list[int]:
        """Indices of the recordings (of these kinds of sound, in name order) the study takes."""
        if self.sweep or self.recordings_per_kind < 1:
            return list(range(len(kinds)))
        return [i for i, kind in enumerate(kinds)
                if kinds[:i].count(kind) < self.recordings_per_kind]


def plan_variants(plan: ModelPlan, kind: str) -> list[tuple[int, str, tuple[str, ...]]]:
    """``(size, representation, codecs)`` of every picture set a recording of ``kind`` gets."""
    found = []
    for size in plan.sizes:
        for representation in REPRESENTATIONS:
            codecs = plan.codecs.get(representation, ())
            if plan.sweep and representation in SPECIMG_REPRESENTATIONS:
                codecs = CODECS
            if representation == "riffusion" and not plan.sweep and (
                    size not in plan.riffusion_sizes
                    or (plan.riffusion_kinds and kind not in plan.riffusion_kinds)):
                continue
            if codecs:
                found.append((size, representation, tuple(codecs)))
    return found


def _mean(values: Iterable[float]) -> float | None:
    kept = [v for v in values if v is not None and not math.isnan(v)]
    return round(statistics.mean(kept), 2) if kept else None


def _means(rows: list[dict]) -> dict:
    """Means of one group of rows: per variant, its seconds, bytes and per-method scores."""
    table: dict = {}
    keys = sorted({(r["size"], r["representation"], r["codec"]) for r in rows},
                  key=lambda k: (k[0], REPRESENTATIONS.index(k[1]), k[2]))
    for size, representation, codec in keys:
        group = [r for r in rows if (r["size"], r["representation"], r["codec"]) ==
                 (size, representation, codec)]
        entry = {"seconds_per_picture": _mean(r["seconds_per_picture"] for r in group),
                 "bytes": _mean(r["bytes"] for r in group),
                 "top_hz": _mean(r["top_hz"] for r in group),
                 "pictures": len({r["recording"] for r in group})}
        for method in METHODS:
            scores = {score: _mean(r[score] for r in group if r["method"] == method)
                      for score in SCORES}
            entry[method] = {k: v for k, v in scores.items() if v is not None}
        table.setdefault(str(size), {}).setdefault(representation, {})[codec] = entry
    return table


def summarise_model_rows(rows: list[dict]) -> dict:
    """``metrics/model_pictures.json``: the means of :func:`.model_pictures.score_variant`'s
    rows (each with ``recording`` and ``kind`` added) per size x representation x codec x
    method, over every recording (``all``) and per kind of sound (``by_kind``)."""
    kinds = sorted({r["kind"] for r in rows})
    return {"all": _means(rows),
            "by_kind": {kind: _means([r for r in rows if r["kind"] == kind]) for kind in kinds},
            "recordings": len({r["recording"] for r in rows})}


def user_picture_entry(summary: Mapping, encode_sizes: Mapping, *, size: int,
                       seconds: float) -> dict:
    """The evaluate stage's means of one encoding (``summary``, an entry of its
    ``summary.json``; ``encode_sizes``, its ``metrics/encode/<encoding>.json``) in this
    study's terms: pictures of ``size`` px holding ``seconds`` of audio, bytes per picture at
    the encoding's bytes per second, and the SC, PESQ-WB and STOI of :data:`USER_METHODS`."""
    entry = {"size": size, "seconds_per_picture": round(seconds, 2),
             "bytes": round(float(encode_sizes["bytes_per_second"]) * seconds, 1)}
    for method, name in USER_METHODS.items():
        if isinstance(summary.get(method), Mapping):
            entry[name] = {k: round(float(v), 2) for k, v in summary[method].items()
                           if k in SCORES and v is not None and not math.isnan(float(v))}
    return entry
