"""The tables behind the study's plots, from hand-made results."""

import pandas as pd
import pytest

from specimg.study.summary import convergence_means, per_clip_tables, rate_table


@pytest.fixture
def results():
    rows = []
    for clip_id, offset in (("b", 2.0), ("a", 0.0)):
        for encoding, size in (("png16", 60000.0), ("jpeg75", 9000.0)):
            for method, sc in (("pghi_raar", -30.0), ("oracle", -50.0)):
                rows.append({"clip_id": clip_id, "kind": "music", "encoding": encoding,
                             "method": method, "bytes_per_second": size + offset,
                             "sc_db": sc + offset + (10.0 if encoding == "jpeg75" else 0.0)})
    return pd.DataFrame(rows)


def test_rate_table_means_each_method_and_encoding_sorted_by_size(results):
    rate = rate_table(results)
    assert list(rate.columns) == ["method", "encoding", "bytes_per_second", "sc_db"]
    assert rate[["method", "encoding"]].values.tolist() == [
        ["oracle", "jpeg75"], ["oracle", "png16"], ["pghi_raar", "jpeg75"], ["pghi_raar", "png16"]]
    assert rate["bytes_per_second"].tolist() == [9001.0, 60001.0, 9001.0, 60001.0]
    assert rate["sc_db"].tolist() == [-39.0, -49.0, -19.0, -29.0]


def test_per_clip_tables_name_each_variant(results):
    tables = per_clip_tables(results)
    assert list(tables) == ["a", "b"]
    table = tables["a"]
    assert "clip_id" not in table and "kind" not in table
    assert table["variant"].tolist() == [
        "png16/pghi_raar", "png16/oracle", "jpeg75/pghi_raar", "jpeg75/oracle"]
    assert table["sc_db"].tolist() == [-30.0, -50.0, -20.0, -40.0]


def test_convergence_means_average_clips_at_each_iteration():
    def record(values):
        return pd.DataFrame([{"clip_id": clip, "iteration": it, "sc_db": sc, "consistency_sc_db": c}
                             for clip, it, sc, c in values])
    empty = pd.DataFrame(columns=["clip_id", "iteration", "sc_db", "consistency_sc_db"])
    means = convergence_means({
        "oracle": empty,  # does not iterate
        "pghi_raar": record([("a", 5, -20.0, -25.0), ("b", 5, -10.0, -15.0),
                             ("a", 10, -30.0, -35.0), ("b", 10, -20.0, -25.0)]),
        "librosa_fgla": record([("a", 5, -4.0, -6.0), ("b", 5, -2.0, -4.0)]),
    })
    assert means.columns.tolist() == ["method", "iteration", "sc_db", "consistency_sc_db"]
    assert means.values.tolist() == [["pghi_raar", 5, -15.0, -20.0],
                                     ["pghi_raar", 10, -25.0, -30.0],
                                     ["librosa_fgla", 5, -3.0, -5.0]]
    only_header = convergence_means({"oracle": empty})
    assert len(only_header) == 0
    assert only_header.columns.tolist() == ["method", "iteration", "sc_db", "consistency_sc_db"]
