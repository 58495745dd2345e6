"""``specimg invert``: spectrogram images to audio, each scored for consistency."""

from __future__ import annotations

import argparse
import csv
import io
import statistics
from collections import Counter
from dataclasses import fields, replace
from functools import partial
from pathlib import Path

from ..core.audio import encode_audio
from ..foreign import (
    FOREIGN_DEFAULTS,
    MAX_SNAP_FRAMES,
    NORMALISED_PEAK_DBFS,
    ForeignParams,
    Geometry,
    consistency_checked,
    consistency_warning,
    invert_picture,
)
from ..image.card import read_card
from ..image.codec import IMAGE_SUFFIXES, MAX_PIXELS, image_files
from ..image.presets import PRESETS
from ..inversion import MEL_METHOD
from ..phase import DEFAULT_METHOD, METHODS, parse_n_iter
from ..phase.budget import MAX_DEFAULT_ITER
from ..phase.transform import fft_workers
from ..util import checks
from ..util.errors import InputError, ParameterError
from ..util.fileio import write_atomic
from ..util.parallel import worker_count
from .jobs import (
    Job,
    UsageError,
    add_job_arguments,
    find_jobs,
    flag_type,
    print_failures,
    run_jobs,
)

LOUDNESS_UNKNOWN = "loudness unknown"
FRAMES_COUNTED = "frames counted"
FRAMES_SNAPPED = "frames snapped"
FIGURE = "figure"
CMAP_FOUND = "colour map found: "
UNCHECKED = "consistency unchecked"
#: Exit status when every picture was inverted but some drew a consistency warning.
WARNING_STATUS = 3
#: Columns of the ``--scores`` table.
SCORE_COLUMNS = ("image", "output", "consistency_sc_db", "seconds", "sr", "frames",
                 "frames_from", "method", "n_iter", "warning")


def invert_one(job: Job, args: argparse.Namespace, given: ForeignParams, workers: int) -> dict:
    """Invert one image to its output file; returns its row of scores (but the paths, which
    :func:`command_invert` adds as given) and notes."""
    result, geometry = invert_picture(
        job.source.read_bytes(), job.source, given, method=args.method, n_iter=args.n_iter,
        seed=args.seed, floor_silence=args.floor_silence, max_pixels=args.max_pixels,
        workers=workers, score=True)
    audio_format = "FLAC" if job.output.suffix == ".flac" else "WAV"
    write_atomic(job.output, encode_audio(result.y, result.meta.sr, audio_format))
    notes = geometry_notes(geometry)
    if geometry.pixels_per_frame is not None and not consistency_checked(geometry):
        notes.append(UNCHECKED)
    if not result.loudness_known:
        notes.append(LOUDNESS_UNKNOWN)
    warning = consistency_warning(result.consistency_sc_db, geometry, given,
                                  checks.flag_names(*FOREIGN_DEFAULTS, "frames"))
    row = {"consistency_sc_db": round(result.consistency_sc_db, 3),
           "seconds": round(result.meta.length / result.meta.sr, 6), "sr": result.meta.sr,
           "frames": result.meta.n_frames, "frames_from": geometry.frames_from,
           "method": result.method, "n_iter": geometry.n_iter, "warning": warning}
    return {"row": row, "notes": notes}


def geometry_notes(geometry: Geometry) -> list[str]:
    """The summary's notes on a picture without metadata: frames counted or snapped, a figure,
    colour map found."""
    notes = {"counted": [FRAMES_COUNTED], "snapped": [FRAMES_SNAPPED],
             "figure": [FIGURE]}.get(geometry.frames_from, [])
    if geometry.cmap_from == "found":
        notes.append(CMAP_FOUND + geometry.meta.cmap)
    return notes


def scores_csv(rows: list[dict]) -> str:
    """The ``--scores`` table: one row per picture, sorted by image path."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, SCORE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda row: row["image"]))
    return buffer.getvalue()


def command_invert(args: argparse.Namespace) -> int:
    given = resolve_flags(args)
    missing = [path for path in args.inputs if not path.exists()]
    present = [path for path in args.inputs if path.exists()]
    jobs, clashes = find_jobs(present, args.output, "." + args.format, files=image_files,
                              suffixes=IMAGE_SUFFIXES, verb="invert")
    todo = [job for job in jobs if args.overwrite or not job.output.exists()]
    n_jobs = worker_count(args.jobs, len(todo))
    threads = args.threads or (1 if args.scheduler else fft_workers(n_jobs))
    work = partial(invert_one, args=args, given=given, workers=threads)
    done, failed = run_jobs(work, todo, n_jobs, "image", scheduler=args.scheduler)
    failed += [(path, "does not exist") for path in missing] + clashes
    notes = Counter(note for _, outcome in done for note in outcome["notes"])
    rows = [{"image": str(job.source), "output": str(job.output), **outcome["row"]}
            for job, outcome in done]
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
    if notes[FIGURE]:
        print(f"  {notes[FIGURE]} image(s) are matplotlib figures with axes: only their plot "
              "area was read, its parameters from the axes' labels and the flags")
    if notes[LOUDNESS_UNKNOWN]:
        print(f"  {notes[LOUDNESS_UNKNOWN]} image(s) carry no loudness: their audio is normalised "
              f"to a peak of {NORMALISED_PEAK_DBFS:g} dBFS (give --peak-db for the true level)")
    if notes[UNCHECKED]:
        print(f"  {notes[UNCHECKED]} image(s) have frames narrower than a pixel: there the "
              "consistency SC is as bad from right parameters as from wrong ones, so it warns of "
              "none (check --low-row and --cmap by ear)")
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


#: The flags whose values :meth:`ForeignParams.check` names.
FLAG_VALUES = ("sr", "n_fft", "hop_length", "top_db", "n_mels", "fmin", "fmax", "frames",
               "duration", "peak_db")


def resolve_flags(args: argparse.Namespace) -> ForeignParams:
    """The parameters of pictures without metadata that the flags give (each left out: its
    :data:`~specimg.foreign.FOREIGN_DEFAULTS` entry, or ``--preset``'s), ``--card`` read.
    :class:`UsageError` (one line, exit 2, before any work) for a card beside such flags, or a
    malformed card, or values out of range or contradicting each other
    (:meth:`~specimg.foreign.ForeignParams.check`)."""
    given = ForeignParams(**{field.name: getattr(args, field.name)
                             for field in fields(ForeignParams)})
    try:
        given.check(checks.flag_names(*FLAG_VALUES))
    except ParameterError as exc:
        raise UsageError(str(exc)) from None
    extra = given.beside_card()
    if extra:
        raise UsageError(f"--card gives the parameters of pictures without metadata; leave "
                         f"out {', '.join('--' + name.replace('_', '-') for name in extra)}")
    if given.card is not None:
        try:
            given = replace(given, card=read_card(given.card))
        except InputError as exc:
            raise UsageError(str(exc)) from None
    return given


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
    invert.add_argument("--n-iter", type=flag_type(parse_n_iter, "--n-iter"),
                        help="phase iterations, or 'auto': stop when they stop improving "
                        "(default: as many as a fixed amount of FFT work buys, 300 for 60 s at "
                        f"n_fft 2048, at most {MAX_DEFAULT_ITER}; the count is in --scores)")
    invert.add_argument("--seed", type=flag_type(checks.seed, "--seed"), default=0)
    invert.add_argument("--floor-silence", action=argparse.BooleanOptionalAction, default=True,
                        help="decode pixels at the dB floor as silence (default; raises speech "
                        "PESQ by about 1)")
    invert.add_argument("--max-pixels", type=flag_type(checks.max_pixels, "--max-pixels"),
                        default=MAX_PIXELS,
                        help="refuse images decoding to more pixels (decompression bombs)")
    invert.add_argument("--threads", type=flag_type(checks.threads, "--threads"), metavar="N",
                        help="threads of each picture's FFTs (default: every core with -j 1, "
                        "else one; one on a --scheduler's workers); the audio is the same")
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
    for name, check, unit in (("sr", checks.sample_rate, "Hz"),
                              ("n_fft", checks.fft_size, "samples"),
                              ("hop_length", checks.hop_length, "samples"),
                              ("top_db", checks.top_db, "dB range from black to white"),
                              ("cmap", None, "matplotlib colormap"),
                              ("n_mels", checks.n_mels, "mel bands"),
                              ("fmin", checks.fmin, "lowest mel frequency, Hz")):
        flag = "--" + name.replace("_", "-")
        foreign.add_argument(flag, type=check and flag_type(check, flag),
                             help=f"{unit} (default {FOREIGN_DEFAULTS[name]})")
    foreign.add_argument("--duration", type=flag_type(checks.duration, "--duration"),
                         help="seconds of audio in each image")
    foreign.add_argument("--frames", type=flag_type(checks.frame_count, "--frames"),
                         help="STFT frames in each image")
    foreign.add_argument("--peak-db", type=flag_type(checks.peak_db, "--peak-db"),
                         help="level of the brightest pixel, dB re amplitude 1.0 "
                         "(unknown: output normalised)")
    foreign.add_argument("--y-axis", choices=("hz", "mel", "log"),
                         help="specshow's y_axis; mel pictures are dB of mel power (default hz)")
    foreign.add_argument("--fmax", type=flag_type(checks.fmax, "--fmax"),
                         help="highest mel frequency (Hz; default sr/2)")
    foreign.add_argument("--layout", choices=("specshow", "grid"),
                         help="specshow (default): drawn by librosa.display.specshow; grid: "
                         "one uniform row per band (audio-diffusion's images)")
    foreign.add_argument("--low-row", choices=("bottom", "top"),
                         help="where the lowest band is (default bottom; audio-diffusion: top)")
