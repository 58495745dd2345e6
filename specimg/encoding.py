"""From audio to self-describing spectrogram pictures: the other way of :mod:`specimg.inversion`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace

import numpy as np

from .core import portable
from .core.audio import NO_SAMPLES, Mixdown, TailPolicy, load_audio, stream_clips
from .core.mel import mel_spectrogram
from .core.spectrum import stft
from .image.codec import encode_magnitude
from .image.formats import DEFAULT_STYLE, PictureFormat
from .util.errors import InputError

__all__ = ["audio_to_image", "recording_clips"]


def audio_to_image(y: np.ndarray, fmt: PictureFormat) -> bytes:
    """One clip as a picture of ``fmt``, its :class:`~specimg.image.metadata.ImageMeta` inside.

    Parameters
    ----------
    y : np.ndarray
        Mono signal at ``fmt.stft.sr`` (Hz), full scale 1.0; the picture describes all of it.
    fmt : PictureFormat
        The STFT, rows (linear bins, the lowest bins, or mel bands: levels are then dB of
        Slaney mel power, as ``power_to_db(melspectrogram(...), ref=max, top_db=...)``), the
        dB range and the encoding. A ``size`` draws specshow pictures at exactly that size.

    Returns
    -------
    bytes
        The picture file (PNG or JPEG).
    """
    if fmt.encoder is not None:
        return fmt.encoder(y, *fmt.size)
    config = fmt.stft
    S = portable.magnitude(stft(y, config))
    if fmt.y_axis == "mel":  # the square root of mel power: its dB are those of the power
        S = np.sqrt(mel_spectrogram(S, config, n_mels=fmt.n_mels, fmin=fmt.fmin,
                                    fmax=fmt.fmax or None))
    elif fmt.n_rows_kept:
        S = S[: fmt.n_rows_kept]
    style = fmt.style or DEFAULT_STYLE
    if fmt.drawn and fmt.size is not None:
        width, height = fmt.size
        style = replace(style, width_per_second=width * config.sr / len(y), height=height)
    return encode_magnitude(
        S, config, length=len(y), top_db=fmt.top_db, encoding=fmt.encoding,
        style=style if fmt.drawn else None, y_axis=fmt.y_axis, n_mels=fmt.n_mels,
        fmin=fmt.fmin, fmax=fmt.fmax, low_row=fmt.low_row, n_rows_kept=fmt.n_rows_kept,
    )


def recording_clips(
    path: str | os.PathLike, fmt: PictureFormat, tail: TailPolicy = "last_window",
    mixdown: Mixdown = "mean",
) -> Iterator[np.ndarray]:
    """The clips of a recording that ``fmt`` makes pictures of, in order.

    Clips of ``fmt.clip_length`` samples tile the recording, read in blocks, and ``tail``
    decides what happens to the audio after the last whole clip
    (:func:`specimg.core.audio.clip_offsets`); ``fmt.clip_length`` None gives the whole
    recording as one clip. Channels are mixed down by ``mixdown``
    (:func:`specimg.core.audio.load_audio`).

    Raises
    ------
    InputError
        If the file cannot be decoded, holds no samples, or holds NaN or infinite samples.
    """
    sr = fmt.stft.sr
    if fmt.clip_length is None:
        y = load_audio(path, sr, mixdown)
        if len(y) == 0:
            raise InputError(path, NO_SAMPLES)
        yield y
        return
    for _, clip, _ in stream_clips(path, sr, fmt.clip_length, fmt.clip_length, tail, mixdown):
        yield clip
