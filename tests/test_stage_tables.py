"""The stages' CSV tables: the same bytes pandas writes, and the manifest read back typed."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd

from specimg.pipeline.common import MANIFEST_NAME, csv_text, frame_csv_text, read_manifest


def pandas_text(frame: pd.DataFrame, float_format: str | None = "%.4f") -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format=float_format)
    return buffer.getvalue()


def test_tables_are_written_as_pandas_writes_them():
    frame = pd.DataFrame({
        "clip_id": ["music_a_000", "speech, quoted \"b\"", "007"],
        "iteration": [5, 10, 15],
        "sc_db": [-30.123456, -0.00004, 12.5],
        "pesq_wb": [4.25, math.nan, math.nan],
        "level": np.array([0.1, 1 / 3, 2.0], dtype=np.float32),
    })
    assert frame_csv_text(frame) == pandas_text(frame)
    assert frame_csv_text(frame).splitlines()[2] == '"speech, quoted ""b""",10,-0.0000,,0.3333'


def test_the_manifest_round_trips_with_its_numbers_typed(tmp_path):
    rows = [{"clip_id": "007", "source": "a b.flac", "kind": "", "offset_s": 0.0,
             "duration_s": 10.0, "audio_s": 1.234567, "n_samples": 220500, "sr": 22050},
            {"clip_id": "music_x_001", "source": "x.ogg", "kind": "music", "offset_s": 3600.5,
             "duration_s": 10.0, "audio_s": 10.0, "n_samples": 220500, "sr": 22050}]
    text = csv_text(rows, list(rows[0]), float_format=None)
    assert text == pandas_text(pd.DataFrame(rows), float_format=None)
    (tmp_path / MANIFEST_NAME).write_text(text)
    assert read_manifest(tmp_path) == rows


def test_a_table_without_rows_is_its_header():
    assert csv_text([], ["clip_id", "iteration", "sc_db"]) == "clip_id,iteration,sc_db\n"
