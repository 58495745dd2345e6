"""Audio input and output: load any readable file as mono, cut it into clips, write PCM_16."""

from __future__ import annotations

import io
import os
import re
import warnings
from typing import Literal

import librosa
import numpy as np
import soundfile as sf

from .errors import InputError

AUDIO_EXTENSIONS = (".wav", ".flac", ".ogg", ".oga", ".mp3", ".aif", ".aiff")
TailPolicy = Literal["drop", "pad", "last_window"]
Mixdown = Literal["mean", "first"]


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
        raise InputError(
            path, f"cannot be read as audio ({type(exc).__name__}: {exc}); "
            "check that it is a complete WAV, FLAC, OGG or MP3 file, or remove it"
        ) from None
    if y.ndim == 2:
        y = y.mean(axis=0) if mixdown == "mean" else y[0]
    if not np.all(np.isfinite(y)):
        raise InputError(path, "holds NaN or infinite samples; repair or remove the file")
    return np.ascontiguousarray(y, dtype=np.float32)


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
