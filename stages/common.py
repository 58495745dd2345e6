"""What every stage needs: its params section, the STFT settings and the clip manifest."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from specimg.errors import InputError
from specimg.spectrum import StftConfig

PARAMS_FILE = Path("params.yaml")
MANIFEST_NAME = "manifest.csv"


def load_params() -> dict:
    """All of ``params.yaml``."""
    with open(PARAMS_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def stft_config(params: dict) -> StftConfig:
    """The pipeline's STFT: ``segment.sr`` and the ``stft`` section."""
    stft = params["stft"]
    return StftConfig(
        sr=int(params["segment"]["sr"]),
        n_fft=int(stft["n_fft"]),
        hop_length=int(stft["hop_length"]),
        window=str(stft["window"]),
        center=bool(stft["center"]),
    )


def read_manifest(clips_dir: Path) -> pd.DataFrame:
    """The clip manifest written by the segment stage."""
    return pd.read_csv(clips_dir / MANIFEST_NAME, dtype={"clip_id": str}, keep_default_na=False)


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV with stable bytes: no index, LF line ends, 4 decimals."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n", float_format="%.4f")
    return buffer.getvalue()


def run(main: Callable[[], None]) -> None:
    """Run a stage's ``main``; an input problem ends it with one line and exit status 1."""
    try:
        main()
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
