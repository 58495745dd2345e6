"""``specimg encode``: recordings to self-describing pictures an image model can learn from."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from functools import partial
from pathlib import Path

from ..core.audio import AUDIO_EXTENSIONS, audio_files
from ..core.spectrum import StftConfig
from ..encoding import audio_to_image, recording_clips
from ..image.card import CARD_NAME, card_json
from ..image.codec import image_suffix, parse_encoding
from ..image.drawing import SpecshowStyle
from ..image.formats import (
    DEFAULT_ENCODING,
    DEFAULT_STYLE,
    PRESETS,
    PictureFormat,
    clip_seconds_length,
    fit,
    parse_size,
)
from ..util import checks
from ..util.fileio import write_atomic, write_json
from ..util.parallel import worker_count
from .jobs import (
    Job,
    UsageError,
    add_job_arguments,
    argument_type,
    find_jobs,
    flag_type,
    print_failures,
    run_jobs,
)

#: Flags a preset sets itself, and those that only specshow pictures take.
_PRESET_SETS = ("size", "y_axis", "sr", "n_fft", "hop_length", "n_mels", "top_db",
                "clip_seconds")
_SPECSHOW_ONLY = ("cmap", "quality", "width_per_second", "height")


def picture_format(args: argparse.Namespace) -> PictureFormat:
    """The format the flags ask for; :class:`UsageError` in one line if they cannot make one."""
    given = {name for name in (*_PRESET_SETS, *_SPECSHOW_ONLY, "fmin", "fmax")
             if getattr(args, name) is not None}
    try:
        if args.format in PRESETS:
            if given:
                raise UsageError(f"--format {args.format} sets every parameter; leave out "
                                 + ", ".join(_flag(name) for name in sorted(given)))
            return PRESETS[args.format].picture_format()
        drawn = parse_encoding(args.format)[0] == "specshow"
        if not drawn and given & set(_SPECSHOW_ONLY):
            raise UsageError(f"{', '.join(_flag(n) for n in sorted(given & set(_SPECSHOW_ONLY)))}"
                             " only apply to --format specshow")
        y_axis, sr = args.y_axis or "hz", args.sr or 22050
        names = checks.flag_names("sr", "n_fft", "hop_length", "fmin", "fmax")
        if args.n_fft is not None and args.hop_length is not None:
            checks.check_stft(n_fft=args.n_fft, hop_length=args.hop_length, names=names)
        if args.fmin is not None or args.fmax is not None:
            checks.check_band(fmin=args.fmin or 0.0, fmax=args.fmax, sr=sr, names=names)
        if args.size is not None:
            for name in ("clip_seconds", "n_mels", "width_per_second", "height"):
                if name in given:
                    raise UsageError(f"--size sets the clip length, the rows and the picture's "
                                     f"size; leave out {_flag(name)}")
            fmt = fit(*args.size, y_axis=y_axis, sr=sr, n_fft=args.n_fft,
                      hop_length=args.hop_length)
        else:
            n_fft = args.n_fft or 2048
            stft = StftConfig(sr, n_fft, args.hop_length or n_fft // 4)
            clip = None if args.clip_seconds is None else clip_seconds_length(args.clip_seconds,
                                                                              sr)
            fmt = PictureFormat(stft, clip, y_axis=y_axis, n_mels=args.n_mels or 128)
        style = None
        if drawn:
            style = SpecshowStyle(args.width_per_second or DEFAULT_STYLE.width_per_second,
                                  args.height or DEFAULT_STYLE.height,
                                  args.quality or DEFAULT_STYLE.quality,
                                  args.cmap or DEFAULT_STYLE.cmap)
        return replace(fmt, encoding=args.format, top_db=80.0 if args.top_db is None else
                       args.top_db, fmin=args.fmin or 0.0, fmax=args.fmax or 0.0,
                       style=style).check()
    except UsageError:
        raise
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def encode_one(job: Job, fmt: PictureFormat, args: argparse.Namespace) -> dict:
    """Write one recording's pictures (``NAME_000.png``...); how many written and skipped.

    A recording that fails part-way leaves none of the pictures this run wrote for it.
    """
    suffix, written, skipped = image_suffix(fmt.encoding), [], 0
    try:
        for index, clip in enumerate(recording_clips(job.source, fmt, args.tail, args.mixdown)):
            output = job.output.with_name(f"{job.output.name}_{index:03d}{suffix}")
            if output.exists() and not args.overwrite:
                skipped += 1
                continue
            written.append(write_atomic(output, audio_to_image(clip, fmt)))
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return {"written": len(written), "skipped": skipped}


def write_card(fmt: PictureFormat, out_dir: Path, overwrite: bool) -> Path:
    """The card at ``out_dir``'s root; :class:`UsageError` if one of another format is there."""
    path, card = out_dir / CARD_NAME, card_json(fmt)
    if path.exists() and not overwrite:
        try:
            same = json.loads(path.read_text(encoding="utf-8")) == card
        except (OSError, ValueError):
            same = False
        if not same:
            raise UsageError(f"{out_dir} holds pictures of another format (its {CARD_NAME} "
                             "differs): encode into another folder, or give --overwrite")
    return write_json(path, card)


def command_encode(args: argparse.Namespace) -> int:
    fmt = picture_format(args)
    missing = [path for path in args.inputs if not path.exists()]
    present = [path for path in args.inputs if path.exists()]
    jobs, clashes = find_jobs(present, args.output, "", files=audio_files,
                              suffixes=AUDIO_EXTENSIONS, verb="encode")
    card = write_card(fmt, args.output, args.overwrite)
    n_jobs = worker_count(args.jobs, len(jobs))
    done, failed = run_jobs(partial(encode_one, fmt=fmt, args=args), jobs, n_jobs, "recording",
                            scheduler=args.scheduler)
    failed += [(path, "does not exist") for path in missing] + clashes
    written = sum(outcome["written"] for _, outcome in done)
    skipped = sum(outcome["skipped"] for _, outcome in done)
    empty = [job.source for job, outcome in done if not outcome["written"] + outcome["skipped"]]
    print(f"specimg encode: {len(done)} recording(s) done, {written} picture(s) written, "
          f"{skipped} skipped (output exists; --overwrite redoes them), {len(failed)} failed; "
          f"card {card}")
    if empty:
        print(f"  {len(empty)} recording(s) shorter than one clip gave no picture (--tail drop;"
              " pad or last_window keep them)")
    print_failures(failed)
    return 1 if failed else 0


def _seconds(value: object, name: str) -> float:
    return checks.real(value, name, above=0.0, allowed="use a clip length in seconds above 0")


def _quality(value: object, name: str) -> int:
    return checks.integer(value, name, low=1, high=100, allowed="use a JPEG quality of 1 to 100")


def _px_per_second(value: object, name: str) -> float:
    return checks.real(value, name, above=0.0, allowed="use px per second of audio above 0")


def _height(value: object, name: str) -> int:
    return checks.integer(value, name, low=1, allowed="use a height of 1 px or more")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_parser(commands) -> None:
    """The ``encode`` subcommand and its flags."""
    encode = commands.add_parser(
        "encode", help="recordings to spectrogram pictures an image model can learn from",
        description="Cut recordings into clips and save each as a spectrogram picture that "
        "carries its parameters, and a card (specimg-card.json) at the output folder's root "
        "for the pictures a model trained on them generates (specimg invert --card).")
    add_job_arguments(encode, "AUDIO_OR_DIR", "recordings")
    encode.add_argument("--format", default=DEFAULT_ENCODING,
                        help=f"png8 (default), png16, jpegNN (quality 1-100), specshow, or a "
                        f"preset: {', '.join(sorted(PRESETS))}")
    encode.add_argument("--size", type=argument_type(parse_size), metavar="WxH",
                        help="the picture size an image model takes (e.g. 512x512): picks the "
                        "clip length, n_fft, hop and bands that fill it exactly (default: a "
                        "linear STFT, n_fft 2 (H - 1), hop n_fft/4)")
    encode.add_argument("--y-axis", choices=("hz", "mel"),
                        help="hz (default): linear STFT bins; mel: dB of Slaney mel power")
    encode.add_argument("--sr", type=flag_type(checks.sample_rate, "--sr"),
                        help="Hz (default 22050)")
    encode.add_argument("--n-fft", type=flag_type(checks.fft_size, "--n-fft"),
                        help="samples (default 2048, or 2 (H - 1) with "
                        "--size; larger than that with --size keeps the lowest H bins)")
    encode.add_argument("--hop-length", type=flag_type(checks.hop_length, "--hop-length"),
                        help="samples (default n_fft/4)")
    encode.add_argument("--n-mels", type=flag_type(checks.n_mels, "--n-mels"),
                        help="mel bands without --size (default 128)")
    encode.add_argument("--fmin", type=flag_type(checks.fmin, "--fmin"),
                        help="lowest mel frequency (Hz, default 0)")
    encode.add_argument("--fmax", type=flag_type(checks.fmax, "--fmax"),
                        help="highest mel frequency (Hz, default sr/2)")
    encode.add_argument("--top-db", type=flag_type(checks.top_db, "--top-db"),
                        help="dB kept below each picture's peak "
                        "(default 80)")
    encode.add_argument("--clip-seconds", type=flag_type(_seconds, "--clip-seconds"),
                        help="seconds of audio per picture (default: a whole recording)")
    encode.add_argument("--tail", choices=("drop", "pad", "last_window"), default="last_window",
                        help="audio after the last whole clip: drop it, pad one more clip with "
                        "silence, or take the whole clip that ends at the end (default)")
    encode.add_argument("--mixdown", choices=("mean", "first"), default="mean",
                        help="how channels become one (default: their mean)")
    style = encode.add_argument_group("specshow pictures (--format specshow)")
    style.add_argument("--cmap", help="matplotlib colormap (default gray)")
    style.add_argument("--quality", type=flag_type(_quality, "--quality"),
                       help="JPEG quality 1-100 (default 75)")
    style.add_argument("--width-per-second", type=flag_type(_px_per_second, "--width-per-second"),
                       help="px per second of audio, without --size (default 200)")
    style.add_argument("--height", type=flag_type(_height, "--height"),
                       help="px, without --size (default 2000)")
    encode.set_defaults(run=command_encode)
