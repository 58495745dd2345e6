"""``specimg invert``: spectrogram images to audio, each scored for consistency."""

from __future__ import annotations

import argparse
import csv
import io
import statistics
from collections import Counter
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..core.audio import encode_audio
from ..image.card import read_card
from ..image.codec import MAX_PIXELS, image_files, open_image
from ..image.metadata import ImageMeta, read_meta
from ..image.presets import PRESETS, preset_meta
from ..inversion import MEL_METHOD, invert_image
from ..phase import DEFAULT_METHOD, METHODS, parse_n_iter
from ..phase.options import PhaseOptions
from ..phase.transform import fft_workers
from ..util.errors import InputError
from ..util.fileio import write_atomic
from ..util.parallel import worker_count
from .foreign import (
    MAX_SNAP_FRAMES,
    WARNING_STATUS,
    ForeignGeometry,
    consistency_warning,
    foreign_geometry,
)
from .jobs import (
    Job,
    UsageError,
    add_job_arguments,
    argument_type,
    find_jobs,
    print_failures,
    run_jobs,
)

NORMALISED_PEAK_DBFS = -1.0
LOUDNESS_UNKNOWN = "loudness unknown"
FRAMES_COUNTED = "frames counted"
FRAMES_SNAPPED = "frames snapped"
CMAP_FOUND = "colour map found: "
#: Parameters of pictures without metadata when no flag gives them (librosa's defaults, and
#: specshow's drawing).
FOREIGN_DEFAULTS = {"sr": 22050, "n_fft": 2048, "hop_length": 512, "top_db": 80.0,
                    "cmap": "gray", "y_axis": "hz", "n_mels": 128, "fmin": 0.0,
                    "layout": "specshow", "low_row": "bottom"}
#: Columns of the ``--scores`` table.
SCORE_COLUMNS = ("image", "output", "consistency_sc_db", "seconds", "sr", "frames",
                 "frames_from", "method", "n_iter", "warning")


def picture_meta(job: Job, data: bytes, args: argparse.Namespace
                 ) -> tuple[ImageMeta | None, str, list[str]]:
    """The fallback parameters of one picture, where its frame count comes from (``metadata``:
    its own, no fallback; ``card``, ``preset``, or :class:`.foreign.ForeignGeometry`'s
    ``frames_from``), and notes for the summary."""
    image = open_image(data, job.source)
    if read_meta(image, job.source) is not None:
        return None, "metadata", []
    if args.card is not None:
        meta = args.card.meta_for(image.size, job.source)
        if args.peak_db is not None:
            meta = replace(meta, peak_db=args.peak_db)
        return meta, "card", []
    if args.preset is not None:
        return preset_fallback(args, image.size), "preset", []
    geometry = foreign_geometry(args, data, job.source)
    return geometry.meta, geometry.frames_from, geometry_notes(geometry)


def geometry_notes(geometry: ForeignGeometry) -> list[str]:
    """The summary's notes on a picture without metadata: frames counted or snapped, colour
    map found."""
    notes = []
    if geometry.frames_from == "counted":
        notes.append(FRAMES_COUNTED)
    elif geometry.frames_from == "snapped":
        notes.append(FRAMES_SNAPPED)
    if geometry.cmap_from == "found":
        notes.append(CMAP_FOUND + geometry.meta.cmap)
    return notes


def invert_one(job: Job, args: argparse.Namespace, workers: int) -> dict:
    """Invert one image to its output file; returns its row of scores and notes."""
    data = job.source.read_bytes()
    fallback, frames_from, notes = picture_meta(job, data, args)
    options = PhaseOptions(n_iter=args.n_iter, random_state=args.seed)
    result = invert_image(
        data, job.source, **{**options.keywords(), "method": args.method}, fallback=fallback,
        loudness_known=args.peak_db is not None, normalise_dbfs=NORMALISED_PEAK_DBFS,
        floor_silence=args.floor_silence, max_pixels=args.max_pixels, workers=workers,
        score=True,
    )
    audio_format = "FLAC" if job.output.suffix == ".flac" else "WAV"
    write_atomic(job.output, encode_audio(result.y, result.meta.sr, audio_format))
    if not result.loudness_known:
        notes.append(LOUDNESS_UNKNOWN)
    warning = consistency_warning(result.consistency_sc_db, result.meta, frames_from, args)
    row = {"image": str(job.source), "output": str(job.output),
           "consistency_sc_db": round(result.consistency_sc_db, 3),
           "seconds": round(result.meta.length / result.meta.sr, 6), "sr": result.meta.sr,
           "frames": result.meta.n_frames, "frames_from": frames_from, "method": result.method,
           "n_iter": args.n_iter, "warning": warning}
    return {"row": row, "notes": notes}


def scores_csv(rows: list[dict]) -> str:
    """The ``--scores`` table: one row per picture, sorted by image path."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, SCORE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda row: row["image"]))
    return buffer.getvalue()


def command_invert(args: argparse.Namespace) -> int:
    resolve_flags(args)
    missing = [path for path in args.inputs if not path.exists()]
    present = [path for path in args.inputs if path.exists()]
    jobs, clashes = find_jobs(present, args.output, "." + args.format, files=image_files,
                              verb="invert")
    todo = [job for job in jobs if args.overwrite or not job.output.exists()]
    n_jobs = worker_count(args.jobs, len(todo))
    work = partial(invert_one, args=args, workers=fft_workers(n_jobs))
    done, failed = run_jobs(work, todo, n_jobs, "image")
    failed += [(path, "does not exist") for path in missing] + clashes
    notes = Counter(note for _, outcome in done for note in outcome["notes"])
    rows = [outcome["row"] for _, outcome in done]
    if args.scores is not None:
        write_atomic(args.scores, scores_csv(rows).encode("utf-8"))

    print(f"specimg invert: {len(done)} done, {len(jobs) - len(todo)} skipped (output exists; "
          f"--overwrite redoes them), {len(failed)} failed")
    if rows:
        scores = [row["consistency_sc_db"] for row in rows]
        worst = max(rows, key=lambda row: row["consistency_sc_db"])
        print(f"  consistency SC (rebuilt against decoded magnitude; lower is better): median "
              f"{statistics.median(scores):.1f} dB, worst {worst['consistency_sc_db']:.1f} dB "
              f"({worst['image']})" + (f"; every picture's in {args.scores}" if args.scores
                                       else "; --scores FILE lists every picture's"))
    if notes[FRAMES_COUNTED]:
        print(f"  {notes[FRAMES_COUNTED]} image(s) without metadata: their STFT frames were "
              "counted from the picture's cell edges (--duration or --frames to set them)")
    print_geometry_notes(notes)
    if notes[LOUDNESS_UNKNOWN]:
        print(f"  {notes[LOUDNESS_UNKNOWN]} image(s) carry no loudness: their audio is normalised "
              f"to a peak of {NORMALISED_PEAK_DBFS:g} dBFS (give --peak-db for the true level)")
    warned = [row for row in rows if row["warning"]]
    for row in warned:
        print(f"  warning: {row['image']}: {row['warning']} (output written; exit status "
              f"{WARNING_STATUS})")
    print_failures(failed)
    return 1 if failed else WARNING_STATUS if warned else 0


def print_geometry_notes(notes: Counter) -> None:
    """The summary's lines on snapped frame counts and colour maps found."""
    if notes[FRAMES_SNAPPED]:
        print(f"  {notes[FRAMES_SNAPPED]} image(s): --duration disagreed with the picture's "
              f"column edges by at most {MAX_SNAP_FRAMES} frames; the frames counted from the "
              "edges were used (--frames to force a count)")
    found = {note[len(CMAP_FOUND):]: count for note, count in notes.items()
             if note.startswith(CMAP_FOUND)}
    if found:
        maps = ", ".join(f"{cmap} ({count})" for cmap, count in sorted(found.items()))
        print(f"  {sum(found.values())} image(s) without metadata: colour map found from their "
              f"pixels: {maps} (--cmap to set it)")


def preset_fallback(args: argparse.Namespace, size: tuple[int, int]) -> ImageMeta:
    """The parameters of a picture of ``size`` (px) in ``--preset``'s format
    (:func:`specimg.image.presets.preset_meta`: one frame a column, one band a row), with the
    flags given in its place; with a flag that changes the STFT, or ``--frames`` or
    ``--duration``, the length follows from them as for any picture without metadata."""
    meta = preset_meta(args.preset, *size)
    stft = replace(meta.stft, **{name: getattr(args, name) for name in ("sr", "n_fft", "hop_length")
                                 if name in args.given})
    own = {name: getattr(args, name) for name in FOREIGN_DEFAULTS
           if name in args.given and name not in ("sr", "n_fft", "hop_length")}
    own.update({name: getattr(args, name) for name in ("fmax", "peak_db")
                if getattr(args, name) is not None})
    meta = replace(meta, stft=stft, **own)
    if args.duration is not None:
        length = round(args.duration * stft.sr)
        return replace(meta, n_frames=stft.n_frames(length), length=length)
    if args.frames is not None or stft != preset_meta(args.preset, *size).stft:
        frames = args.frames or meta.n_frames
        return replace(meta, n_frames=frames, length=(frames - 1) * stft.hop_length)
    return meta


def resolve_flags(args: argparse.Namespace) -> None:
    """Fill the parameters of pictures without metadata: a flag given, else
    :data:`FOREIGN_DEFAULTS` (``args.given`` names the flags given, which ``--preset`` gives
    way to); read ``--card``. :class:`UsageError` (one line, exit 2, before any work) for a
    card beside such flags, or a malformed card."""
    if args.card is not None:
        extra = [name for name in (*FOREIGN_DEFAULTS, "fmax", "preset", "frames", "duration")
                 if getattr(args, name) is not None]
        if extra:
            raise UsageError(f"--card gives the parameters of pictures without metadata; leave "
                             f"out {', '.join('--' + name.replace('_', '-') for name in extra)}")
        try:
            args.card = read_card(args.card)
        except InputError as exc:
            raise UsageError(str(exc)) from None
    args.given = {name for name in FOREIGN_DEFAULTS if getattr(args, name) is not None}
    for name, default in FOREIGN_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)


def add_parser(commands) -> None:
    """The ``invert`` subcommand and its flags."""
    invert = commands.add_parser(
        "invert", help="spectrogram images to audio",
        description="Invert spectrogram images to audio. Images made by specimg carry their "
        "parameters; for others, the folder's card (--card), a preset or the flags give them "
        "(librosa's defaults).")
    add_job_arguments(invert, "IMAGE_OR_DIR", "images")
    invert.add_argument("--format", choices=("wav", "flac"), default="wav")
    invert.add_argument("--method", choices=METHODS[1:],
                        help=f"phase method (default: {MEL_METHOD} for mel pictures, "
                        f"{DEFAULT_METHOD} for the others)")
    invert.add_argument("--n-iter", type=argument_type(parse_n_iter), default=100,
                        help="phase iterations, or 'auto': stop when they stop improving")
    invert.add_argument("--seed", type=int, default=0)
    invert.add_argument("--floor-silence", action=argparse.BooleanOptionalAction, default=True,
                        help="decode pixels at the dB floor as silence (default; raises speech "
                        "PESQ by about 1)")
    invert.add_argument("--max-pixels", type=int, default=MAX_PIXELS,
                        help="refuse images decoding to more pixels (decompression bombs)")
    invert.add_argument("--scores", type=Path, metavar="FILE.csv",
                        help="write each picture's consistency SC (dB; lower: a picture closer "
                        "to one some sound has), sorted by image, to rank generated pictures")
    add_foreign_arguments(invert)
    invert.set_defaults(run=command_invert)


def add_foreign_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that give the parameters of pictures without metadata (``invert``, ``info``)."""
    foreign = parser.add_argument_group(
        "images without specimg metadata", "each flag left out comes from --card or --preset, "
        "else the default shown")
    foreign.add_argument("--card", type=Path, metavar="CARD.json",
                         help="the specimg-card.json that specimg encode wrote beside the "
                         "pictures a model was trained on: every parameter but the loudness")
    foreign.add_argument("--preset", choices=sorted(PRESETS),
                         help="parameters of a known format's pictures, one frame a column and "
                         "one band a row (audio-diffusion: 22050 Hz, n_fft 2048, hop 512, "
                         "lowest band on top, 80 dB; riffusion: 44100 Hz, n_fft 17640, window "
                         "4410, hop 441, power-law HTK mel of magnitudes, 0-10 kHz)")
    for name, kind, unit in (("sr", int, "Hz"), ("n_fft", int, "samples"),
                             ("hop_length", int, "samples"),
                             ("top_db", float, "dB range from black to white"),
                             ("cmap", str, "matplotlib colormap"), ("n_mels", int, "mel bands"),
                             ("fmin", float, "lowest mel frequency, Hz")):
        foreign.add_argument("--" + name.replace("_", "-"), type=kind,
                             help=f"{unit} (default {FOREIGN_DEFAULTS[name]})")
    foreign.add_argument("--duration", type=float, help="seconds of audio in each image")
    foreign.add_argument("--frames", type=int, help="STFT frames in each image")
    foreign.add_argument("--peak-db", type=float,
                         help="level of the brightest pixel, dB re amplitude 1.0 "
                         "(unknown: output normalised)")
    foreign.add_argument("--y-axis", choices=("hz", "mel", "log"),
                         help="specshow's y_axis; mel pictures are dB of mel power (default hz)")
    foreign.add_argument("--fmax", type=float, help="highest mel frequency (Hz; default sr/2)")
    foreign.add_argument("--layout", choices=("specshow", "grid"),
                         help="specshow (default): drawn by librosa.display.specshow; grid: "
                         "one uniform row per band (audio-diffusion's images)")
    foreign.add_argument("--low-row", choices=("bottom", "top"),
                         help="where the lowest band is (default bottom; audio-diffusion: top)")
