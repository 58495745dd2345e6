"""segment: raw recordings -> fixed-length mono clips at one sample rate, plus a manifest."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pandas as pd

from specimg.audio import (
    AUDIO_EXTENSIONS,
    clip_id_prefix,
    clip_offsets,
    cut_clip,
    encode_audio,
    load_audio,
)
from specimg.errors import InputError
from specimg.fileio import write_atomic, write_text
from stages.common import MANIFEST_NAME, load_params, run

SOURCES_NAME = "SOURCES.csv"


def source_kinds(raw_dir: Path) -> dict[str, str]:
    """``file -> kind`` (music, speech...) from ``SOURCES.csv`` beside the recordings, if any."""
    sources = raw_dir / SOURCES_NAME
    if not sources.exists():
        return {}
    with open(sources, encoding="utf-8", newline="") as handle:
        return {row["file"]: row.get("kind", "") for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("raw_dir", type=Path)
    parser.add_argument("clips_dir", type=Path)
    args = parser.parse_args()
    params = load_params()["segment"]
    sr = int(params["sr"])
    clip_length = round(float(params["clip_seconds"]) * sr)
    step = round(float(params["step_seconds"]) * sr)

    files = sorted(p for p in args.raw_dir.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    if not files:
        raise InputError(args.raw_dir, f"holds no audio file ({', '.join(AUDIO_EXTENSIONS)})")
    prefixes = [clip_id_prefix(p.name) for p in files]
    kinds = source_kinds(args.raw_dir)
    rows = []
    for path, prefix in zip(files, prefixes, strict=True):
        if prefixes.count(prefix) > 1:  # song.wav and song.flac
            prefix = clip_id_prefix(path.name, with_suffix=True)
        y = load_audio(path, sr, params["mixdown"])
        offsets = clip_offsets(len(y), clip_length, step, params["tail"])
        print(f"{path.name}: {len(y) / sr:.2f} s -> {len(offsets)} clips")
        for index, offset in enumerate(offsets):
            clip_id = f"{prefix}_{index:03d}"
            write_atomic(args.clips_dir / f"{clip_id}.flac",
                         encode_audio(cut_clip(y, offset, clip_length), sr))
            rows.append({
                "clip_id": clip_id,
                "source": path.name,
                "kind": kinds.get(path.name, ""),
                "offset_s": round(offset / sr, 6),
                "duration_s": round(clip_length / sr, 6),
                "audio_s": round(min(clip_length, len(y) - offset) / sr, 6),
                "n_samples": clip_length,
                "sr": sr,
            })
    if not rows:
        raise InputError(args.raw_dir, "gave no clip: every file is shorter than one clip and "
                         "segment.tail is drop; use pad or last_window, or shorter clips")
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False, lineterminator="\n")
    write_text(args.clips_dir / MANIFEST_NAME, buffer.getvalue())


if __name__ == "__main__":
    run(main)
