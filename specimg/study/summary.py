"""The study's scores summarised: means per encoding and method, over all clips and per kind,
and the tables behind the study's plots (SC against bytes per second, SC against iteration).

Needs pandas (``pip install specimg[pipeline]``); the evaluate stage writes what these return as
``dvc metrics`` files.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from ..util.extras import missing_extra

try:
    import pandas as pd
except ModuleNotFoundError as exc:
    raise missing_extra(exc, __name__) from None

IMAGE_METRICS = ("image_sc_db", "image_lsd_db")
METHOD_METRICS = ("sc_db", "consistency_sc_db", "lsd_db", "snr_db", "loudness_error_db",
                  "pesq_wb", "stoi")
#: The metrics shown per kind of sound (the others say little apart).
KIND_METRICS = ("sc_db", "lsd_db", "pesq_wb", "stoi")


def summarise(results: pd.DataFrame, sizes: Mapping[str, Mapping]) -> dict:
    """``{encoding: {bytes_per_second, image_*, method: {metric: mean over clips}}}``.

    Parameters
    ----------
    results : pd.DataFrame
        One row per clip, encoding and method, with the columns of :data:`IMAGE_METRICS` and
        :data:`METHOD_METRICS` (NaN where a metric does not apply).
    sizes : mapping
        ``{encoding: {"bytes_per_second": ...}}``, from the encode stage.

    Returns
    -------
    dict
        Means rounded to 3 decimals. ``loudness_error_db`` is the mean absolute error; PESQ and
        STOI are means over the speech clips and absent without any.
    """
    summary: dict = {}
    for encoding, by_encoding in results.groupby("encoding", sort=True):
        first_method = by_encoding[by_encoding["method"] == by_encoding["method"].iloc[0]]
        summary[encoding] = {
            "bytes_per_second": sizes[encoding]["bytes_per_second"],
            **{metric: _mean(first_method[metric]) for metric in IMAGE_METRICS},
        }
        for method, group in by_encoding.groupby("method", sort=True):
            summary[encoding][method] = _scores(group, METHOD_METRICS)
    return summary


def summarise_by_kind(results: pd.DataFrame) -> dict:
    """``{kind: {"clips": n, encoding: {method: {metric: mean}}}}`` for each kind of sound
    (``speech``, ``music``, ``environmental``... from the manifest; clips of no kind are left
    out), with the metrics of :data:`KIND_METRICS`."""
    by_kind: dict = {}
    for kind, of_kind in results[results["kind"] != ""].groupby("kind", sort=True):
        by_kind[kind] = {"clips": int(of_kind["clip_id"].nunique())}
        for (encoding, method), group in of_kind.groupby(["encoding", "method"], sort=True):
            by_kind[kind].setdefault(encoding, {})[method] = _scores(group, KIND_METRICS)
    return by_kind


def rate_table(results: pd.DataFrame) -> pd.DataFrame:
    """Mean bytes per second and SC of each method on each encoding (the rate plot's points).

    Parameters
    ----------
    results : pd.DataFrame
        One row per clip, encoding and method, with ``bytes_per_second`` and ``sc_db`` (dB).

    Returns
    -------
    pd.DataFrame
        Columns ``method``, ``encoding``, ``bytes_per_second``, ``sc_db``; sorted by method,
        then by bytes per second, so each method's points join into a rate curve.
    """
    rate = results.groupby(["method", "encoding"], sort=False, as_index=False)[
        ["bytes_per_second", "sc_db"]].mean()
    return rate.sort_values(["method", "bytes_per_second"])


def per_clip_tables(results: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each clip's scores, one row per variant (the per-clip plot's source).

    Returns
    -------
    dict
        ``{clip_id: table}`` in clip order; each table has the results' columns less
        ``clip_id`` and ``kind``, and a ``variant`` column ``<encoding>/<method>``.
    """
    tables = {}
    for clip_id, group in results.groupby("clip_id", sort=True):
        variant = group["encoding"] + "/" + group["method"]
        tables[clip_id] = group.drop(columns=["clip_id", "kind"]).assign(variant=variant)
    return tables


def convergence_means(records: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Mean of each recorded SC over clips, at each recorded iteration of each method.

    Parameters
    ----------
    records : mapping
        ``{method: table}``, each table with ``clip_id``, ``iteration`` and SC columns (dB), as
        the invert stage records them; a method that does not iterate has an empty table.

    Returns
    -------
    pd.DataFrame
        Columns ``method``, ``iteration`` and the SC columns, methods in the order given; only the
        header when no method iterates.
    """
    tables = [table.assign(method=method) for method, table in records.items()]
    rows = pd.concat([t for t in tables if len(t)] or tables, ignore_index=True)
    means = rows.drop(columns="clip_id").groupby(["method", "iteration"], sort=False)
    return means.mean().reset_index()


def _scores(group: pd.DataFrame, metrics: tuple[str, ...]) -> dict:
    scores = {metric: _mean(group[metric]) for metric in metrics}
    if "loudness_error_db" in scores:
        scores["loudness_error_db"] = _mean(group["loudness_error_db"].abs())
    return {key: value for key, value in scores.items() if value is not None}


def _mean(values: pd.Series) -> float | None:
    mean = float(values.mean())
    return None if math.isnan(mean) else round(mean, 3)
