"""Audio input and output: load any readable file as mono, cut it into clips, write PCM_16."""

from __future__ import annotations

import io
import math
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import librosa
import numpy as np
import soundfile as sf
import soxr

from ..util.errors import InputError
from ..util.fileio import files_with_suffixes

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff")
TailPolicy = Literal["drop", "pad", "last_window"]
Mixdown = Literal["mean", "first"]
NO_SAMPLES = "holds no audio samples; remove the file"


def audio_files(folder: Path, *, recursive: bool = False) -> list[Path]:
    """The audio files in ``folder`` (by suffix, :data:`AUDIO_EXTENSIONS`; hidden files left
    out), sorted; with ``recursive``, in its subfolders too."""
    return files_with_suffixes(folder, AUDIO_EXTENSIONS, recursive=recursive)


def load_audio(path: str | os.PathLike, sr: int, mixdown: Mixdown = "mean") -> np.ndarray:
    """Load an audio file as a mono float32 signal at sample rate ``sr``.

    Parameters
    ----------
    path : str or path-like
        Any file that soundfile (WAV, FLAC, OGG, MP3, AIFF) or librosa's fallbacks read.
    sr : int
        Target sample rate (Hz). The file is resampled with soxr (``soxr_hq``) if needed.
    mixdown : {"mean", "first"}
        How channels become one: their mean, or the first channel alone.

    Returns
    -------
    np.ndarray
        Mono signal, shape ``(n_samples,)``, float32, full scale at 1.0.

    Raises
    ------
    InputError
        If the file cannot be decoded or holds non-finite samples.
    """
    try:
        with warnings.catch_warnings():  # librosa warns before its audioread fallback
            warnings.simplefilter("ignore")
            y, _ = librosa.load(path, sr=sr, mono=False, res_type="soxr_hq")
    except Exception as exc:  # soundfile, audioread and resampler errors differ by backend
        detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise InputError(
            path, f"cannot be read as audio ({detail}); "
            "check that it is a complete WAV, FLAC, OGG or MP3 file, or remove it"
        ) from None
    if y.ndim == 2:
        y = y.mean(axis=0) if mixdown == "mean" else y[0]
    _check_samples(path, y)
    return np.ascontiguousarray(y, dtype=np.float32)


def _check_samples(path: str | os.PathLike, y: np.ndarray) -> None:
    if not np.all(np.isfinite(y)):
        raise InputError(path, "holds NaN or infinite samples; repair or remove the file")


def clip_offsets(
    n_samples: int, clip_length: int, step: int, tail: TailPolicy = "last_window"
) -> list[int]:
    """Start offsets of fixed-length clips in a signal.

    Parameters
    ----------
    n_samples : int
        Length of the signal (samples).
    clip_length : int
        Length of each clip (samples), > 0.
    step : int
        Distance between clip starts (samples), > 0. ``step == clip_length`` tiles the signal.
    tail : {"drop", "pad", "last_window"}
        What to do with the audio after the last full clip: ``drop`` it; ``pad`` one more clip
        with zeros; or take ``last_window``, the full-length clip that ends at the signal's end.
        A signal shorter than one clip gives no clip with ``drop`` and one zero-padded clip at
        offset 0 otherwise: offsets are never negative.

    Returns
    -------
    list of int
        Sorted, distinct offsets (samples).
    """
    if clip_length <= 0 or step <= 0:
        raise ValueError(f"clip_length and step must be positive, got {clip_length}, {step}")
    if tail not in ("drop", "pad", "last_window"):
        raise ValueError(f"tail must be drop, pad or last_window, got {tail!r}")
    if n_samples <= 0:
        return []
    if n_samples < clip_length:
        return [] if tail == "drop" else [0]
    offsets = list(range(0, n_samples - clip_length + 1, step))
    if offsets[-1] + clip_length >= n_samples:  # the last full clip reaches the end
        return offsets
    if tail == "pad" and offsets[-1] + step < n_samples:
        offsets.append(offsets[-1] + step)
    elif tail == "last_window":
        offsets.append(n_samples - clip_length)
    return offsets


def cut_clip(y: np.ndarray, offset: int, clip_length: int) -> np.ndarray:
    """The clip ``y[offset:offset + clip_length]``, zero-padded at the end if ``y`` is short."""
    clip = y[offset : offset + clip_length]
    if len(clip) < clip_length:
        clip = np.pad(clip, (0, clip_length - len(clip)))
    return clip


def stream_clips(
    path: str | os.PathLike,
    sr: int,
    clip_length: int,
    step: int,
    tail: TailPolicy = "last_window",
    mixdown: Mixdown = "mean",
    block_frames: int = 1 << 16,
) -> Iterator[tuple[int, np.ndarray, int]]:
    """Cut an audio file into mono clips at ``sr``, reading it in blocks.

    Memory stays near one clip plus one block whatever the file's length: the file is read
    ``block_frames`` frames at a time (soundfile), mixed down, resampled by a streaming soxr
    resampler (HQ) and cut as it goes. Files soundfile cannot open are loaded whole by
    :func:`load_audio` instead.

    Parameters
    ----------
    path : str or path-like
        The audio file.
    sr : int
        Sample rate of the clips (Hz).
    clip_length, step : int
        Clip length and distance between clip starts (samples at ``sr``).
    tail : {"drop", "pad", "last_window"}
        See :func:`clip_offsets`.
    mixdown : {"mean", "first"}
        See :func:`load_audio`.
    block_frames : int
        Frames read at a time.

    Yields
    ------
    offset : int
        Start of the clip in the resampled file (samples).
    clip : np.ndarray
        float32, ``clip_length`` samples (zero-padded past the file's end).
    audio_samples : int
        How many of them are the file's audio (the rest is padding).

    Raises
    ------
    InputError
        If the file cannot be decoded, holds no samples, or holds NaN or infinite samples.
    """
    if mixdown not in ("mean", "first"):
        raise ValueError(f"mixdown must be mean or first, got {mixdown!r}")
    if os.path.getsize(path) == 0:
        raise InputError(path, "is empty (0 bytes); remove it or copy it again")
    try:
        handle = sf.SoundFile(path)
    except (sf.LibsndfileError, RuntimeError):  # not for libsndfile: librosa's fallbacks
        y = load_audio(path, sr, mixdown)
        if len(y) == 0:
            raise InputError(path, NO_SAMPLES) from None
        for offset in clip_offsets(len(y), clip_length, step, tail):
            yield offset, cut_clip(y, offset, clip_length), min(clip_length, len(y) - offset)
        return
    with handle:
        n_out = math.ceil(handle.frames * sr / handle.samplerate)
        if n_out == 0:
            raise InputError(path, NO_SAMPLES)
        offsets = clip_offsets(n_out, clip_length, step, tail)
        resampler = None
        if handle.samplerate != sr:
            resampler = soxr.ResampleStream(handle.samplerate, sr, 1, dtype="float32",
                                            quality="HQ")
        pending = np.zeros(0, np.float32)  # resampled samples from index `start` on
        start = 0
        next_clip = 0
        frames_read = 0
        while next_clip < len(offsets):
            try:
                block = handle.read(block_frames, dtype="float32", always_2d=True)
            except sf.LibsndfileError as exc:
                raise InputError(path, f"cannot be read past frame {frames_read} ({exc}); "
                                 "the file is damaged: repair or remove it") from None
            frames_read += len(block)
            last = len(block) < block_frames or frames_read >= handle.frames
            if last and frames_read < handle.frames:
                raise InputError(path, f"is truncated: its header promises {handle.frames} "
                                 f"frames, it holds {frames_read}; repair or remove the file")
            _check_samples(path, block)
            mono = block.mean(axis=1) if mixdown == "mean" else block[:, 0]
            if resampler is not None:
                mono = resampler.resample_chunk(mono, last=last)
            pending = np.concatenate([pending, mono])
            if last:  # the stream's exact length: what a one-shot resampler would give
                pending = cut_clip(pending, 0, max(n_out - start, 0))
            while next_clip < len(offsets):
                offset = offsets[next_clip]
                if offset + clip_length > start + len(pending) and not last:
                    break
                yield (offset, cut_clip(pending[offset - start:], 0, clip_length),
                       min(clip_length, n_out - offset))
                next_clip += 1
            end = start + len(pending)
            keep_from = min(offsets[next_clip], end) if next_clip < len(offsets) else end
            pending = pending[keep_from - start:]
            start = keep_from
            if last:
                break


def clip_id_prefix(file_name: str, with_suffix: bool = False) -> str:
    """A file name reduced to a safe clip-id prefix: ASCII letters, digits, ``-`` and ``_``.

    The suffix is dropped unless ``with_suffix`` (for ``song.wav`` beside ``song.flac``).
    """
    stem = file_name if with_suffix else os.path.splitext(file_name)[0]
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")
    return slug or "clip"


def encode_audio(y: np.ndarray, sr: int, audio_format: str = "FLAC") -> bytes:
    """Encode a mono signal as 16-bit PCM in FLAC or WAV.

    Samples beyond full scale are clipped to [-1, 1] (PCM_16 cannot hold them). 16-bit FLAC and
    WAV are byte-identical for identical input, unlike float WAV (timestamped PEAK chunk).

    Parameters
    ----------
    y : np.ndarray
        Mono signal, full scale at 1.0.
    sr : int
        Sample rate (Hz).
    audio_format : {"FLAC", "WAV"}
        Container.

    Returns
    -------
    bytes
        The encoded file.
    """
    buffer = io.BytesIO()
    sf.write(buffer, np.clip(y, -1.0, 1.0), sr, format=audio_format.upper(), subtype="PCM_16")
    return buffer.getvalue()


def read_audio(path: str | os.PathLike) -> tuple[np.ndarray, int]:
    """Read a mono file written by :func:`encode_audio`: (signal float32, sample rate in Hz)."""
    y, sr = sf.read(path, dtype="float32")
    return y, sr
