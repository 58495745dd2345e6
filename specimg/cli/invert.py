"""``specimg invert``: spectrogram images to audio."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from functools import partial

from ..core.audio import encode_audio
from ..core.spectrum import StftConfig
from ..image.codec import open_image
from ..image.geometry import count_frames
from ..image.metadata import ImageMeta, read_meta
from ..inversion import invert_image
from ..phase.options import PhaseOptions
from ..phase.transform import fft_workers
from ..util.errors import InputError
from ..util.fileio import write_atomic
from ..util.parallel import imap, worker_count
from .jobs import Job, describe, find_jobs

NORMALISED_PEAK_DBFS = -1.0
LOUDNESS_UNKNOWN = "loudness unknown"
FRAMES_COUNTED = "frames counted"


def fallback_meta(args: argparse.Namespace, counted_frames: int | None = None) -> ImageMeta | None:
    """Parameters for images without specimg metadata, from the flags (None if incomplete).

    Without ``--frames`` or ``--duration``, ``counted_frames`` (counted from the picture) gives
    the length: ``(frames - 1) * hop``, within one hop of the original.
    """
    stft = StftConfig(args.sr, args.n_fft, args.hop_length)
    if args.frames is not None or counted_frames is not None:
        n_frames = args.frames if args.frames is not None else counted_frames
        length = (n_frames - 1) * args.hop_length
    elif args.duration is not None:
        length = round(args.duration * args.sr)
        n_frames = stft.n_frames(length)
    else:
        return None
    return ImageMeta(
        stft, n_frames=n_frames, length=length,
        peak_db=args.peak_db if args.peak_db is not None else 0.0, top_db=args.top_db,
        encoding="foreign", cmap=args.cmap, y_axis=args.y_axis, n_mels=args.n_mels,
        fmin=args.fmin, fmax=args.fmax or 0.0, layout=args.layout, low_row=args.low_row,
    )


def invert_one(job: Job, args: argparse.Namespace, workers: int) -> list[str]:
    """Invert one image to its output file; returns notes for the summary."""
    data = job.image.read_bytes()
    fallback, notes = fallback_meta(args), []
    if fallback is None and read_meta(open_image(data, job.image), job.image) is None:
        counted = count_frames(data, job.image, args.max_pixels)
        if counted is None:
            raise InputError(job.image, "has no specimg metadata and its frames cannot be "
                             "counted from its pixels (under 3 px per frame, or no edges); "
                             "give --duration or --frames")
        fallback, notes = fallback_meta(args, counted), [FRAMES_COUNTED]
    options = PhaseOptions(method=args.method, n_iter=args.n_iter, random_state=args.seed)
    result = invert_image(
        data, job.image, **options.keywords(), fallback=fallback,
        loudness_known=args.peak_db is not None, normalise_dbfs=NORMALISED_PEAK_DBFS,
        floor_silence=args.floor_silence, max_pixels=args.max_pixels, workers=workers,
    )
    audio_format = "FLAC" if job.output.suffix == ".flac" else "WAV"
    write_atomic(job.output, encode_audio(result.y, result.meta.sr, audio_format))
    return notes if result.loudness_known else [*notes, LOUDNESS_UNKNOWN]


def command_invert(args: argparse.Namespace) -> int:
    missing = [path for path in args.inputs if not path.exists()]
    present = [path for path in args.inputs if path.exists()]
    jobs, clashes = find_jobs(present, args.output, "." + args.format)
    todo = [job for job in jobs if args.overwrite or not job.output.exists()]
    failed = [(path, "does not exist") for path in missing] + clashes
    done, notes = 0, Counter()
    from tqdm import tqdm

    jobs_at_once = worker_count(args.jobs, len(todo))
    work = partial(_attempt, args=args, workers=fft_workers(jobs_at_once))
    finished = set()
    with tqdm(total=len(todo), unit="image", disable=None, file=sys.stderr) as progress:
        try:
            for index, (ok, outcome) in imap(work, todo, jobs_at_once):
                finished.add(index)
                progress.update()
                if not ok:
                    failed.append((todo[index].image, outcome))
                    continue
                done += 1
                notes.update(outcome)
        except BrokenProcessPool:
            failed += [(job.image, "its worker process died (out of memory? try fewer -j)")
                       for index, job in enumerate(todo) if index not in finished]

    print(f"specimg invert: {done} done, {len(jobs) - len(todo)} skipped (output exists; "
          f"--overwrite redoes them), {len(failed)} failed")
    if notes[FRAMES_COUNTED]:
        print(f"  {notes[FRAMES_COUNTED]} image(s) without metadata: their STFT frames were "
              "counted from the picture's cell edges (--duration or --frames to set them)")
    if notes[LOUDNESS_UNKNOWN]:
        print(f"  {notes[LOUDNESS_UNKNOWN]} image(s) carry no loudness: their audio is normalised "
              f"to a peak of {NORMALISED_PEAK_DBFS:g} dBFS (give --peak-db for the true level)")
    for image, reason in sorted(failed, key=lambda item: str(item[0])):
        print(f"  failed: {image}: {reason}")
    return 1 if failed else 0


def _attempt(job: Job, args: argparse.Namespace, workers: int) -> tuple[bool, list[str] | str]:
    try:
        return True, invert_one(job, args, workers)
    except Exception as exc:  # one bad image must not stop the others
        return False, describe(exc)


