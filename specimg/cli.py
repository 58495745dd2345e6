"""The ``specimg`` command: invert spectrogram images and folders of them, outside the pipeline.

    specimg invert IMAGE_OR_DIR... -o OUT_DIR [options]
    specimg info IMAGE
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .core.audio import encode_audio
from .core.spectrum import StftConfig
from .image.codec import MAX_PIXELS, image_files, open_image
from .image.geometry import count_frames
from .image.metadata import ImageMeta, read_meta
from .inversion import invert_image
from .phase import DEFAULT_METHOD, METHODS, parse_n_iter
from .phase.options import PhaseOptions
from .phase.transform import fft_workers
from .util.errors import InputError
from .util.fileio import exit_on_sigterm, write_atomic
from .util.parallel import available_cores, imap, worker_count

NORMALISED_PEAK_DBFS = -1.0
LOUDNESS_UNKNOWN = "loudness unknown"
FRAMES_COUNTED = "frames counted"


@dataclass(frozen=True)
class Job:
    image: Path
    output: Path


def find_jobs(inputs: Sequence[Path], out_dir: Path, suffix: str) -> tuple[list[Job], list]:
    """One job per image: files as given, folders searched recursively for image files.

    Outputs mirror each folder's layout under ``out_dir``. A name that two images would share
    (``a.png``, ``a.jpg``) keeps the image suffix (``a.png.wav``); an image whose output would
    still collide with another's is not run.

    Returns
    -------
    jobs : list of Job
    clashes : list of (Path, str)
        Images left out, with the reason.
    """
    pairs = []
    for given in inputs:
        if given.is_dir():
            images = image_files(given, recursive=True)
            pairs += [(p, p.relative_to(given)) for p in images]
        else:
            pairs.append((given, Path(given.name)))
    stems = Counter(relative.with_suffix("") for _, relative in pairs)
    jobs, clashes, taken = [], [], {}
    for image, relative in pairs:
        shared = stems[relative.with_suffix("")] > 1
        name = relative.name + suffix if shared else relative.with_suffix(suffix).name
        output = out_dir / relative.parent / name
        if output in taken:
            clashes.append((image, f"its output {output} would overwrite that of {taken[output]}; "
                                   "invert them into separate folders"))
            continue
        taken[output] = image
        jobs.append(Job(image, output))
    return jobs, clashes


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


def _describe(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return f"unexpected {type(exc).__name__}: {exc}"


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
        return False, _describe(exc)


def command_info(args: argparse.Namespace) -> int:
    status = 0
    for path in args.images:
        try:
            image = open_image(path.read_bytes(), path)
            meta = read_meta(image, path)
        except (OSError, InputError) as exc:
            print(f"{path}: {_describe(exc)}")
            status = 1
            continue
        print(f"{path}: {image.format} {image.size[0]} x {image.size[1]} px, mode {image.mode}")
        if meta is None:
            print("  no specimg metadata: invert with --sr, --n-fft, --hop-length, --duration "
                  "(or --frames), --top-db, --peak-db, --cmap")
            continue
        seconds = meta.length / meta.sr
        rows = f"{meta.n_mels} mel bands" if meta.y_axis == "mel" else f"{meta.n_rows} bins"
        print(f"  {rows} x {meta.n_frames} frames, {seconds:.2f} s at {meta.sr} Hz; "
              f"n_fft {meta.stft.n_fft}, hop {meta.stft.hop_length}, {meta.stft.window}, "
              f"{'centred' if meta.stft.center else 'not centred'}")
        print(f"  levels span {meta.peak_db - meta.top_db:.1f} .. {meta.peak_db:.1f} dB "
              f"(re amplitude 1.0), colormap {meta.cmap}, encoding {meta.encoding or '?'}")
    return status


def _n_iter(value: str) -> int | str:
    try:
        return parse_n_iter(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="specimg", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    invert = commands.add_parser(
        "invert", help="spectrogram images to audio",
        description="Invert spectrogram images to audio. Images made by specimg carry their "
        "parameters; for others, the flags give them (librosa's defaults).")
    invert.add_argument("inputs", nargs="+", type=Path, metavar="IMAGE_OR_DIR")
    invert.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR")
    invert.add_argument("-j", "--jobs", type=int, default=available_cores(),
                        help="images inverted at once (default: all cores)")
    invert.add_argument("--overwrite", action="store_true", help="redo existing outputs")
    invert.add_argument("--format", choices=("wav", "flac"), default="wav")
    invert.add_argument("--method", choices=METHODS[1:], default=DEFAULT_METHOD)
    invert.add_argument("--n-iter", type=_n_iter, default=100,
                        help="phase iterations, or 'auto': stop when they stop improving")
    invert.add_argument("--seed", type=int, default=0)
    invert.add_argument("--floor-silence", action=argparse.BooleanOptionalAction, default=True,
                        help="decode pixels at the dB floor as silence (default; raises speech "
                        "PESQ by about 1)")
    invert.add_argument("--max-pixels", type=int, default=MAX_PIXELS,
                        help="refuse images decoding to more pixels (decompression bombs)")
    foreign = invert.add_argument_group("images without specimg metadata")
    foreign.add_argument("--sr", type=int, default=22050)
    foreign.add_argument("--n-fft", type=int, default=2048)
    foreign.add_argument("--hop-length", type=int, default=512)
    foreign.add_argument("--duration", type=float, help="seconds of audio in each image")
    foreign.add_argument("--frames", type=int, help="STFT frames in each image")
    foreign.add_argument("--top-db", type=float, default=80.0,
                         help="dB range from black to white")
    foreign.add_argument("--peak-db", type=float,
                         help="level of the brightest pixel, dB re amplitude 1.0 "
                         "(unknown: output normalised)")
    foreign.add_argument("--cmap", default="gray", help="matplotlib colormap of the picture")
    foreign.add_argument("--y-axis", choices=("hz", "mel", "log"), default="hz",
                         help="specshow's y_axis; mel pictures are dB of mel power")
    foreign.add_argument("--n-mels", type=int, default=128)
    foreign.add_argument("--fmin", type=float, default=0.0, help="lowest mel frequency (Hz)")
    foreign.add_argument("--fmax", type=float, help="highest mel frequency (Hz; default sr/2)")
    foreign.add_argument("--layout", choices=("specshow", "grid"), default="specshow",
                         help="specshow: drawn by librosa.display.specshow; grid: one uniform "
                         "row per band (audio-diffusion's images)")
    foreign.add_argument("--low-row", choices=("bottom", "top"), default="bottom",
                         help="where the lowest band is (audio-diffusion: top)")
    invert.set_defaults(run=command_invert)

    info = commands.add_parser("info", help="what an image says about itself")
    info.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    info.set_defaults(run=command_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    exit_on_sigterm()
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("specimg: interrupted; finished outputs are kept, none is partial: run the same "
              "command again to do the rest", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
