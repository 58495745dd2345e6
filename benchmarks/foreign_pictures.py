"""Pictures without specimg metadata, drawn as a user draws them (shared by the measurement
scripts of colour-map matching, frame counting and the consistency warning).

`specshow(amplitude_to_db(abs(stft(y))), sr=22050, cmap=..., x_axis='time', y_axis=...)` on a
frameless figure with one full-size axes, axis off, saved as PNG or JPEG (quality given); and
grid pictures (one pixel per cell, audio-diffusion's lowest band on top).
"""

from __future__ import annotations

import io
from pathlib import Path

import librosa
import librosa.display
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from specimg.core.audio import AUDIO_EXTENSIONS, load_audio

SR, N_FFT, HOP = 22050, 2048, 512
RAW = Path("data/raw")


def raw_clips(seconds: float, count: int) -> list[tuple[str, np.ndarray]]:
    """``count`` clips of ``seconds`` (22050 Hz mono) from data/raw, one per file, from 1 s in."""
    files = sorted(p for p in RAW.iterdir() if p.suffix.lower() in AUDIO_EXTENSIONS)
    clips = []
    for path in files[:count]:
        y = load_audio(path, SR)
        start = min(SR, max(0, len(y) - int(seconds * SR)))
        clips.append((path.stem, np.resize(y[start:], int(seconds * SR))))
    return clips


def specshow_picture(y: np.ndarray, *, cmap: str = "gray", size: tuple[int, int] = (2000, 2000),
                     fmt: str = "JPEG", quality: int = 75, y_axis: str = "hz") -> bytes:
    """The user's frameless specshow picture of ``y`` (``size`` px), no metadata."""
    if y_axis == "mel":
        Xdb = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=SR), ref=np.max)
    else:
        Xdb = librosa.amplitude_to_db(np.abs(librosa.stft(y)), ref=np.max)
    figure = Figure(figsize=(size[0] / 100, size[1] / 100), dpi=100, frameon=False)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.axis("off")
    librosa.display.specshow(Xdb, sr=SR, cmap=cmap, x_axis="time", y_axis=y_axis, ax=axes)
    buffer = io.BytesIO()
    options = {"pil_kwargs": {"quality": quality}} if fmt == "JPEG" else {}
    figure.savefig(buffer, format=fmt.lower(), dpi=100, **options)
    return buffer.getvalue()


def grid_picture(y: np.ndarray, *, fmt: str = "PNG", quality: int = 90) -> bytes:
    """A grey grid picture, one pixel per cell, 80 dB, lowest band on top (audio-diffusion's
    orientation), no metadata."""
    db = librosa.amplitude_to_db(np.abs(librosa.stft(y)), ref=np.max, top_db=80.0)
    pixels = np.round((db + 80.0) * 255.0 / 80.0).clip(0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt, **({"quality": quality}
                                                        if fmt == "JPEG" else {}))
    return buffer.getvalue()
