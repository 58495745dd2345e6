"""The README's Python API block runs as written, on a folder of pictures made by specimg and
a picture drawn the way the typical user draws one."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
from tinyproject import REPO

from specimg.core.spectrum import StftConfig, magnitude_to_unit, peak_db
from specimg.image.codec import encode_levels
from specimg.image.drawing import render_specshow
from specimg.image.metadata import ImageMeta

#: Where the block lives.
DOC = REPO / "README.md"


def api_block() -> str:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_api_block_runs(tmp_path, monkeypatch):
    config = StftConfig()
    rng = np.random.default_rng(0)
    (tmp_path / "pictures").mkdir()
    for name, seconds in (("clip", 2.0), ("other", 1.0)):
        length = int(seconds * config.sr)
        S = rng.random((config.n_bins, config.n_frames(length))).astype(np.float32) ** 4
        meta = ImageMeta(config, n_frames=S.shape[1], length=length,
                         peak_db=peak_db(S), top_db=80.0, encoding="png16")
        (tmp_path / "pictures" / f"{name}.png").write_bytes(
            encode_levels(magnitude_to_unit(S, peak_db(S), 80.0), meta))
    S = rng.random((config.n_bins, 2584)).astype(np.float32) ** 4
    drawn = ImageMeta(config, n_frames=2584, length=60 * config.sr, peak_db=0.0,
                      top_db=80.0, encoding="specshow")
    db = 20 * np.log10(np.maximum(S, 1e-4))
    (tmp_path / "user.jpg").write_bytes(render_specshow(db, drawn, figsize=(4, 2), dpi=200))
    (tmp_path / "example.py").write_text(api_block(), encoding="utf-8")
    done = subprocess.run([sys.executable, "example.py"], cwd=tmp_path, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("done ") == 2
    monkeypatch.chdir(tmp_path)
    for name in ("clip.wav", "user.wav", "pictures/clip.wav", "pictures/other.wav"):
        assert os.path.getsize(name) > 1000, name
