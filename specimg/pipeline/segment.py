"""segment: raw recordings -> fixed-length mono clips at one sample rate, plus a manifest.

Files are read in blocks (memory does not grow with their length), one worker per file. With
``on_error: skip`` a file that cannot be used is listed in the skipped-files metrics file and
the others are done; with ``fail`` (the default) it stops the stage with one line naming it.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..core.audio import AUDIO_EXTENSIONS, clip_id_prefix, encode_audio, stream_clips
from ..util.errors import InputError
from ..util.fileio import write_atomic, write_json, write_text
from .common import MANIFEST_NAME, csv_text, map_items

__all__ = ["ON_ERROR", "SOURCES_NAME", "Recording", "recordings", "run_stage", "segment_file",
           "source_kinds"]

SOURCES_NAME = "SOURCES.csv"
ON_ERROR = ("fail", "skip")


@dataclass(frozen=True)
class Recording:
    path: Path
    prefix: str
    kind: str


def source_kinds(raw_dir: Path) -> dict[str, str]:
    """``file -> kind`` (music, speech...) from ``SOURCES.csv`` beside the recordings, if any."""
    sources = raw_dir / SOURCES_NAME
    if not sources.exists():
        return {}
    with open(sources, encoding="utf-8", newline="") as handle:
        return {row["file"]: row.get("kind", "") for row in csv.DictReader(handle)}


def recordings(raw_dir: Path) -> list[Recording]:
    """The audio files of ``raw_dir`` with unique clip-id prefixes, sorted by name."""
    files = sorted(p for p in raw_dir.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    if not files:
        raise InputError(raw_dir, f"holds no audio file ({', '.join(AUDIO_EXTENSIONS)})")
    prefixes = [clip_id_prefix(p.name) for p in files]
    kinds = source_kinds(raw_dir)
    return [
        Recording(path, clip_id_prefix(path.name, with_suffix=prefixes.count(prefix) > 1),
                  kinds.get(path.name, ""))
        for path, prefix in zip(files, prefixes, strict=True)  # song.wav beside song.flac
    ]


def segment_file(recording: Recording, clips_dir: Path, params: dict, on_error: str) -> dict:
    """Write one recording's clips; ``{"rows": manifest rows, "skipped": reason or None}``."""
    sr = int(params["sr"])
    clip_length = round(float(params["clip_seconds"]) * sr)
    step = round(float(params["step_seconds"]) * sr)
    rows: list[dict] = []
    try:
        for index, (offset, clip, audio_samples) in enumerate(stream_clips(
                recording.path, sr, clip_length, step, params["tail"], params["mixdown"])):
            clip_id = f"{recording.prefix}_{index:03d}"
            write_atomic(clips_dir / f"{clip_id}.flac", encode_audio(clip, sr))
            rows.append({
                "clip_id": clip_id,
                "source": recording.path.name,
                "kind": recording.kind,
                "offset_s": round(offset / sr, 6),
                "duration_s": round(clip_length / sr, 6),
                "audio_s": round(audio_samples / sr, 6),
                "n_samples": clip_length,
                "sr": sr,
            })
    except InputError as exc:
        for row in rows:  # a file is done whole or not at all
            (clips_dir / f"{row['clip_id']}.flac").unlink(missing_ok=True)
        if on_error == "fail":
            raise
        return {"rows": [], "skipped": exc.problem}
    return {"rows": rows, "skipped": None}


def run_stage(args: argparse.Namespace, params: dict) -> None:
    """The stage: the recordings of ``args.raw_dir`` to clips and the manifest in
    ``args.clips_dir``, the skipped files to ``args.skipped_json``."""
    on_error = params.get("on_error", "fail")
    found = recordings(args.raw_dir)
    work = partial(segment_file, clips_dir=args.clips_dir, params=params["segment"],
                   on_error=on_error)
    done = map_items(work, found, params, "segment")
    rows, skipped = [], {}
    for recording, result in zip(found, done, strict=True):
        rows += result["rows"]
        if result["skipped"]:
            skipped[recording.path.name] = result["skipped"]
            print(f"skipped: {recording.path}: {result['skipped']}")
        else:
            print(f"{recording.path.name}: {len(result['rows'])} clips")
    write_json(args.skipped_json, {"skipped": len(skipped), "files": skipped})
    if not rows:
        raise InputError(args.raw_dir, "gave no clip: every file was skipped, or is shorter "
                         "than one clip with segment.tail drop (use pad or last_window)")
    write_text(args.clips_dir / MANIFEST_NAME, csv_text(rows, list(rows[0]), float_format=None))
