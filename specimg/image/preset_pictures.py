"""Pictures drawn exactly as Riffusion's and audio-diffusion's public code draws them, and
the formats' own inverses (:func:`riffusion_own_inverse`, :func:`audio_diffusion_own_inverse`).

For ``specimg encode --format riffusion|audio-diffusion`` and for measuring how well such
pictures invert, beside what the formats' own code gets back. The formats' numbers are
:data:`.presets.RIFFUSION` and :data:`.presets.AUDIO_DIFFUSION`.
"""

from __future__ import annotations

import io
from dataclasses import replace

import librosa
import numpy as np
from PIL import Image

from ..core import portable
from ..core.mel import mel_filters
from ..core.spectrum import stft
from .presets import (
    AUDIO_DIFFUSION,
    INT16_SCALE,
    RIFFUSION,
    AudioDiffusionFormat,
    RiffusionFormat,
)

__all__ = ["audio_diffusion_levels", "audio_diffusion_own_inverse", "audio_diffusion_picture",
           "mel_power_own_inverse", "riffusion_mel", "riffusion_own_inverse", "riffusion_picture"]


def _at_rate(y: np.ndarray, sr: int, target: int) -> np.ndarray:
    """``y`` as float32 at ``target`` Hz (soxr HQ, librosa's default resampler)."""
    y = np.asarray(y, np.float32)
    if sr != target:
        y = librosa.resample(y, orig_sr=sr, target_sr=target).astype(np.float32)
    return y


def riffusion_mel(y: np.ndarray, sr: int, *,
                  picture_format: RiffusionFormat = RIFFUSION) -> np.ndarray:
    """Riffusion's mel amplitudes of a mono signal, ``(n_mels, n_frames)``, float32.

    As ``SpectrogramConverter.spectrogram_from_audio``: the signal at the format's rate as
    16-bit sample values (what pydub gives), ``|STFT|`` (centred frames, reflect padding, the
    short Hann window centred in the padded FFT), then the HTK mel bands without norm.

    Parameters
    ----------
    y : np.ndarray
        Mono signal (full scale 1.0).
    sr : int
        Its sample rate (Hz); resampled to the format's if different.
    picture_format : RiffusionFormat
        The format's parameters.
    """
    y = _at_rate(y, sr, picture_format.sample_rate)
    samples = np.clip(np.round(y * INT16_SCALE), -INT16_SCALE, INT16_SCALE - 1)
    config = picture_format.stft
    S = portable.magnitude(stft(samples.astype(np.float32), config, pad_mode="reflect"))
    basis = mel_filters(config, n_mels=picture_format.n_mels, fmin=picture_format.fmin,
                        fmax=picture_format.fmax, htk=True, norm="none")
    return basis @ S


def riffusion_picture(y: np.ndarray, sr: int, *,
                      picture_format: RiffusionFormat = RIFFUSION) -> bytes:
    """A Riffusion picture of a mono signal: a PNG, as ``SpectrogramImageConverter`` makes it.

    ``image_from_spectrogram``'s arithmetic in float32: ``255 - (mel / max) ** power * 255``,
    truncated to uint8 (so a level ``x`` is stored as ``255 - ceil(255 x)``), grey copied to
    RGB, flipped so the lowest band is at the bottom; the parameters and the max value in EXIF
    tags 11000-11080. One column per frame (``1 + len // hop`` at 44.1 kHz), one row per band.

    Parameters
    ----------
    y : np.ndarray
        Mono signal (full scale 1.0).
    sr : int
        Its sample rate (Hz); resampled to 44.1 kHz if different.
    picture_format : RiffusionFormat
        The format's parameters.

    Returns
    -------
    bytes
        The PNG file.
    """
    mel = riffusion_mel(y, sr, picture_format=picture_format)
    max_value = np.max(mel)
    data = portable.power(mel / max_value, picture_format.power) * 255
    data = (255 - data).astype(np.uint8)
    image = Image.fromarray(data).convert("RGB").transpose(
        Image.Transpose.FLIP_TOP_BOTTOM)
    exif = image.getexif()
    exif.update(replace(picture_format, max_value=float(max_value)).exif().items())
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    return buffer.getvalue()


def audio_diffusion_levels(y: np.ndarray, sr: int, *,
                           picture_format: AudioDiffusionFormat = AUDIO_DIFFUSION) -> np.ndarray:
    """audio-diffusion's 8-bit picture of a mono signal, ``(n_mels, n_frames)`` uint8, row 0
    the lowest band: ``Mel.audio_slice_to_image``'s arithmetic.

    ``melspectrogram`` (Slaney bands of power), ``power_to_db(ref=max, top_db)``, then
    ``((db + top_db) * 255 / top_db).clip(0, 255) + 0.5`` to uint8 (rounded).
    """
    y = _at_rate(y, sr, picture_format.sample_rate)
    S = librosa.feature.melspectrogram(y=y, sr=picture_format.sample_rate,
                                       n_fft=picture_format.n_fft,
                                       hop_length=picture_format.hop_length,
                                       n_mels=picture_format.n_mels)
    top_db = picture_format.top_db
    log_S = librosa.power_to_db(S, ref=np.max, top_db=top_db)
    return (((log_S + top_db) * 255 / top_db).clip(0, 255) + 0.5).astype(np.uint8)


def audio_diffusion_picture(y: np.ndarray, sr: int, *,
                            picture_format: AudioDiffusionFormat = AUDIO_DIFFUSION) -> bytes:
    """An audio-diffusion picture of a mono signal: a grey PNG of
    :func:`audio_diffusion_levels`, no metadata (the format carries none).

    Parameters
    ----------
    y : np.ndarray
        Mono signal (full scale 1.0); the format's slices are ``size * hop - 1`` samples long
        (256 frames at 22.05 kHz).
    sr : int
        Its sample rate (Hz); resampled to 22.05 kHz if different.
    picture_format : AudioDiffusionFormat
        The format's parameters.

    Returns
    -------
    bytes
        The PNG file.
    """
    buffer = io.BytesIO()
    Image.fromarray(audio_diffusion_levels(y, sr, picture_format=picture_format)).save(
        buffer, format="PNG")
    return buffer.getvalue()


def riffusion_own_inverse(png: bytes, length: int, *,
                          picture_format: RiffusionFormat = RIFFUSION,
                          random_state: int = 0) -> np.ndarray:
    """Riffusion's inverse of its picture: ``spectrogram_from_image``'s levels to mel (with the
    format's ``max_value``, not the picture's), least squares to linear bins then relu
    (torchaudio >= 2.1 ``InverseMelScale``), ``librosa.griffinlim`` ``n_iter`` iterations with
    the format's momentum from a random phase (seeded).

    Returns ``length`` samples at the format's rate, full scale 1.0 (its 16-bit values / 32768).
    """
    grey = np.flipud(np.asarray(Image.open(io.BytesIO(png)))[..., 0]).astype(np.float32)
    mel = portable.power((255 - grey) / 255, 1 / picture_format.power) * picture_format.max_value
    config = picture_format.stft
    basis = mel_filters(config, n_mels=picture_format.n_mels, fmin=picture_format.fmin,
                        fmax=picture_format.fmax, htk=True, norm="none")
    used = np.flatnonzero(basis.any(axis=0))  # the minimum-norm solution is 0 elsewhere
    linear = np.zeros((config.n_bins, mel.shape[1]), np.float32)
    linear[used] = np.maximum(np.linalg.lstsq(basis[:, used], mel, rcond=None)[0], 0)
    y = librosa.griffinlim(linear, n_iter=picture_format.n_iter, hop_length=config.hop_length,
                           n_fft=config.n_fft, win_length=config.win_length,
                           momentum=picture_format.momentum, init="random",
                           random_state=random_state, length=length)
    return (y / INT16_SCALE).astype(np.float32)


def mel_power_own_inverse(M: np.ndarray, *, sr: int, n_fft: int, hop_length: int,
                          length: int, n_iter: int = AUDIO_DIFFUSION.n_iter,
                          random_state: int = 0) -> np.ndarray:
    """``librosa.feature.inverse.mel_to_audio(M, n_iter=n_iter)`` of Slaney mel power ``M``
    ``(n_mels, n_frames)``, written as its two steps (``mel_to_stft``, then ``griffinlim``) so
    that its random start is seeded, which ``mel_to_audio`` does not pass on; ``length``
    samples at ``sr`` (Hz)."""
    S = librosa.feature.inverse.mel_to_stft(M, sr=sr, n_fft=n_fft)
    return librosa.griffinlim(S, n_iter=n_iter, hop_length=hop_length, n_fft=n_fft,
                              random_state=random_state, length=length)


def audio_diffusion_own_inverse(png: bytes, length: int, *,
                                picture_format: AudioDiffusionFormat = AUDIO_DIFFUSION,
                                random_state: int = 0) -> np.ndarray:
    """audio-diffusion's ``Mel.image_to_audio`` of its picture (seeded): levels to dB of mel
    power, ``db_to_power``, then :func:`mel_power_own_inverse`; ``length`` samples at the
    format's rate, its loudness unknown (the picture keeps none)."""
    levels = np.asarray(Image.open(io.BytesIO(png))).astype("float")
    top_db = picture_format.top_db
    power = librosa.db_to_power(levels * top_db / 255 - top_db)
    return mel_power_own_inverse(power, sr=picture_format.sample_rate,
                                 n_fft=picture_format.n_fft,
                                 hop_length=picture_format.hop_length, length=length,
                                 n_iter=picture_format.n_iter, random_state=random_state)
