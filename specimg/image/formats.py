"""Picture formats for image models: which spectrogram, and how much audio, fills a picture.

People save spectrograms as pictures to train image models (GANs, diffusion) on them, at the
size the model takes (256 x 256, 512 x 512...). :func:`fit` chooses the STFT (``n_fft``,
``hop_length``), the mel bands and the clip length that fill ``width x height`` exactly, one
picture column per frame and one row per bin or band; :class:`PictureFormat` is the whole
description, from which every picture's :class:`.metadata.ImageMeta` and the folder's card
(:mod:`.card`) follow. :data:`PRESETS` names the formats image models of audio were trained on.

Representations for a size W x H, measured by the study's picture-size sweep (``make
sweep-sizes``: the 12 recordings, 8-bit PNG, the best method at 100 iterations, SC against the
original on one 2048/512 STFT up to the picture's top frequency):

- linear STFT whose bins fill the height, ``n_fft = 2 (H - 1)``, hop ``n_fft / 4``: at 512 x
  512 1022/255, 5.9 s a picture, -26.0 dB (true phase -47.4); at 256 x 256 1.5 s, -20.7 dB.
  The default: the best at 512, tied with mel at 256.
- ``n_fft`` 2048 keeping the lowest H bins (``n_rows_kept``): 11.9 s up to 5.5 kHz, -33.4 dB
  in that band but -25.4 over the whole band.
- H mel bands (``y_axis="mel"``), ``n_fft`` 2048, hop 512: 11.9 s, -25.5 dB with ``mel_gla``
  (256 x 256: 5.9 s, -20.1).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from ..core.spectrum import StftConfig
from .codec import parse_encoding
from .drawing import SpecshowStyle
from .metadata import ImageMeta
from .preset_pictures import riffusion_picture
from .presets import PRESETS as PICTURE_PRESETS
from .presets import preset_meta

__all__ = ["DEFAULT_ENCODING", "DEFAULT_MEL_N_FFT", "DEFAULT_STYLE", "PRESETS", "PictureFormat",
           "Preset", "clip_seconds_length", "fit", "parse_size"]

#: The encoding written when none is asked for.
DEFAULT_ENCODING = "png8"
#: ``n_fft`` of mel pictures when none is given (audio-diffusion's).
DEFAULT_MEL_N_FFT = 2048
#: How a specshow picture is drawn when no size is given (the study's ``specshow`` style).
DEFAULT_STYLE = SpecshowStyle(width_per_second=200.0, height=2000)


@dataclass(frozen=True)
class PictureFormat:
    """Everything that makes a clip of audio into a picture, and the picture back into audio.

    Attributes
    ----------
    stft : StftConfig
        The STFT under the picture.
    clip_length : int or None
        Samples of audio in each picture; None: a whole recording in one picture.
    top_db : float
        Range kept below each picture's peak (dB); lower levels are the floor.
    encoding : str
        ``png8``, ``png16``, ``jpegNN`` or ``specshow`` (:func:`.codec.parse_encoding`).
    y_axis : {"hz", "mel"}
        Linear STFT bins, or mel bands (levels are dB of Slaney mel power).
    n_mels : int
        Mel bands (``y_axis="mel"``).
    fmin, fmax : float
        Lowest and highest mel band edges (Hz; ``fmax`` 0 means ``sr / 2``).
    n_rows_kept : int
        Only the lowest ``n_rows_kept`` linear bins are drawn (0: every bin).
    low_row : {"bottom", "top"}
        Where the lowest band is.
    style : SpecshowStyle or None
        How a ``specshow`` picture is drawn; None for the grid encodings.
    size : (int, int) or None
        ``(width, height)`` in pixels when every picture has that size (:func:`fit`).
    encoder : callable, optional
        A preset's own picture of a clip (:attr:`Preset.encoder`); None: specimg's dB maps.
    template : ImageMeta, optional
        With an ``encoder``: the parameters its pictures have (a level map or mel bands that
        the fields above cannot say, Riffusion's), which :meth:`meta` gives.
    """

    stft: StftConfig
    clip_length: int | None
    top_db: float = 80.0
    encoding: str = DEFAULT_ENCODING
    y_axis: str = "hz"
    n_mels: int = 128
    fmin: float = 0.0
    fmax: float = 0.0
    n_rows_kept: int = 0
    low_row: str = "bottom"
    style: SpecshowStyle | None = None
    size: tuple[int, int] | None = None
    encoder: Callable[[np.ndarray, int, int], bytes] | None = None
    template: ImageMeta | None = None

    @property
    def drawn(self) -> bool:
        return parse_encoding(self.encoding)[0] == "specshow"

    @property
    def n_frames(self) -> int | None:
        """Frames (columns) of every picture, or None when each recording gives its own."""
        return None if self.clip_length is None else self.stft.n_frames(self.clip_length)

    def picture_size(self) -> tuple[int, int] | None:
        """``(width, height)`` of every picture (px), or None when each recording gives its own."""
        if self.size is not None or self.clip_length is None:
            return self.size
        if self.drawn:
            return (self.style or DEFAULT_STYLE).size(self.clip_length / self.stft.sr)
        return self.n_frames, self.meta(self.clip_length).n_rows

    def meta(self, length: int, peak_db: float = 0.0) -> ImageMeta:
        """The :class:`ImageMeta` of a picture of ``length`` samples whose peak is ``peak_db``."""
        if self.template is not None:
            return replace(self.template, n_frames=self.stft.n_frames(length), length=length,
                           peak_db=peak_db)
        return ImageMeta(
            self.stft, n_frames=self.stft.n_frames(length), length=length, peak_db=peak_db,
            top_db=self.top_db, encoding=self.encoding, cmap=(self.style or DEFAULT_STYLE).cmap,
            y_axis=self.y_axis, n_mels=self.n_mels, fmin=self.fmin, fmax=self.fmax,
            layout="specshow" if self.drawn else "grid", low_row=self.low_row,
            n_rows_kept=self.n_rows_kept)

    def problems(self) -> list[str]:
        """What makes this format impossible (empty if nothing)."""
        found = []
        if self.clip_length is not None and self.clip_length < 1:
            found.append(f"clip_length={self.clip_length} must be at least 1 sample")
        if not self.top_db > 0:
            found.append(f"top_db={self.top_db} must be positive")
        if self.drawn and (self.n_rows_kept or self.low_row != "bottom"):
            found.append("specshow pictures hold every bin, lowest at the bottom; use png8, "
                         "png16 or jpegNN for the lowest bins or the lowest row at the top")
        if self.style is not None:
            found += self.style.problems()
        if not found:
            found += self.meta(self.clip_length or self.stft.hop_length).problems()
        return found

    def check(self) -> PictureFormat:
        """``ValueError`` naming every problem found by :meth:`problems`; else ``self``."""
        found = self.problems()
        if found:
            raise ValueError("; ".join(found))
        return self


@dataclass(frozen=True)
class Preset:
    """A format an image model of audio was trained on, in one entry of :data:`PRESETS`.

    Attributes
    ----------
    name : str
        What ``--format`` and ``--preset`` call it.
    size : (int, int)
        Its pictures' width and height (px).
    fields : Mapping
        Its :class:`ImageMeta` and :class:`StftConfig` values (``sr``, ``n_fft``,
        ``hop_length``, ``y_axis``, ``n_mels``, ``layout``, ``low_row``, ``top_db``), as the
        flags of ``specimg invert`` name them.
    encoder : callable, optional
        ``encoder(y, width, height) -> bytes``, the format's own picture of a clip at ``sr``,
        for formats specimg's dB maps cannot write (Riffusion's); None: specimg writes it.
    """

    name: str
    size: tuple[int, int]
    fields: Mapping = field(default_factory=dict)
    encoder: Callable[[np.ndarray, int, int], bytes] | None = None

    def picture_format(self) -> PictureFormat:
        """The preset as a :class:`PictureFormat`: an 8-bit grey PNG that specimg writes, or the
        format's own picture (:attr:`encoder`) with the format's parameters."""
        if self.encoder is not None:
            meta = preset_meta(self.name, *self.size)
            return PictureFormat(
                meta.stft, clip_length=self.size[0] * meta.stft.hop_length - 1,
                encoding="png8", y_axis=meta.y_axis, n_mels=meta.n_mels, fmin=meta.fmin,
                fmax=meta.fmax, size=self.size, encoder=self.encoder, template=meta).check()
        values = dict(self.fields)
        layout = values.pop("layout", "grid")
        if layout != "grid":
            raise ValueError(f"preset {self.name} is drawn ({layout}); give it an encoder")
        stft_keys = {"sr", "n_fft", "hop_length"}
        stft = {key: values.pop(key) for key in stft_keys & set(values)}
        fitted = fit(*self.size, **stft, y_axis=values.pop("y_axis", "hz"))
        return replace(fitted, encoding="png8", encoder=self.encoder, **values).check()


def _riffusion_picture(y: np.ndarray, width: int, height: int) -> bytes:
    """Riffusion's own picture of a clip at its rate (the ``encoder`` of its preset)."""
    return riffusion_picture(y, PICTURE_PRESETS["riffusion"].sample_rate)


def _preset(name: str) -> Preset:
    """The preset of one of :data:`.presets.PRESETS` that specimg's dB maps can write: its
    numbers from there, its picture the model's size."""
    size = (PICTURE_PRESETS[name].size,) * 2
    meta = preset_meta(name, *size)
    return Preset(name, size, MappingProxyType({
        "sr": meta.sr, "n_fft": meta.stft.n_fft, "hop_length": meta.stft.hop_length,
        "y_axis": meta.y_axis, "n_mels": meta.n_mels, "layout": meta.layout,
        "low_row": meta.low_row, "top_db": meta.top_db}))


#: Formats image models of audio were trained on that ``specimg encode`` writes, by name.
#: audio-diffusion (teticio, ``audiodiffusion/mel.py``): 256 Slaney mel bands of a 2048/512
#: STFT at 22.05 kHz, ``power_to_db(ref=max, top_db=80)`` rounded to 8 bits, row 0 the lowest
#: band; 256 x 256. Riffusion (512 HTK mel bands of |STFT| at 44.1 kHz, levels
#: ``255 - 255 (mel / max) ** 0.25``, EXIF tags): its own picture
#: (:func:`.preset_pictures.riffusion_picture`), 512 x 512.
PRESETS: Mapping[str, Preset] = MappingProxyType({
    "audio-diffusion": _preset("audio-diffusion"),
    "riffusion": Preset("riffusion", (PICTURE_PRESETS["riffusion"].size,) * 2,
                        encoder=_riffusion_picture),
})


def parse_size(text: str) -> tuple[int, int]:
    """``"WxH"`` as ``(width, height)`` in pixels; ``ValueError`` unless both are positive."""
    match = re.fullmatch(r"\s*(\d+)\s*[xX]\s*(\d+)\s*", text)
    if not match or min(int(match[1]), int(match[2])) < 1:
        raise ValueError(f"size {text!r} must be WIDTHxHEIGHT in pixels, both positive "
                         "(e.g. 512x512)")
    return int(match[1]), int(match[2])


def fit(
    width: int,
    height: int,
    *,
    y_axis: str = "hz",
    sr: int = 22050,
    n_fft: int | None = None,
    hop_length: int | None = None,
) -> PictureFormat:
    """The spectrogram and clip length that fill a ``width x height`` picture exactly.

    Each picture holds ``width`` frames, one column each, and ``height`` rows: linear STFT bins
    (``n_fft = 2 (height - 1)``, or the lowest ``height`` bins of a given ``n_fft``) or
    ``height`` mel bands. Clips are ``width * hop_length - 1`` samples, the most that give
    ``width`` centred frames (audio-diffusion's slices).

    Parameters
    ----------
    width, height : int > 1
        Picture size (px).
    y_axis : {"hz", "mel"}
        Linear STFT bins or mel bands.
    sr : int > 0
        Sample rate (Hz).
    n_fft : int, optional
        FFT size (samples). Default: ``2 (height - 1)`` for ``hz`` (every bin fills the height),
        :data:`DEFAULT_MEL_N_FFT` for ``mel``. A larger one for ``hz`` keeps its lowest
        ``height`` bins (:attr:`PictureFormat.n_rows_kept`).
    hop_length : int, optional
        Hop (samples), at most ``n_fft``. Default ``n_fft // 4``.

    Returns
    -------
    PictureFormat
        With :data:`DEFAULT_ENCODING`, 80 dB, and ``size=(width, height)``.

    Raises
    ------
    ValueError
        In one line, naming the value, when no spectrogram fills the size that way.
    """
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or value < 2:
            raise ValueError(f"{name}={value!r} must be an integer of at least 2 px")
    if y_axis not in ("hz", "mel"):
        raise ValueError(f"y_axis={y_axis!r} must be hz or mel")
    if not isinstance(sr, int) or sr < 1:
        raise ValueError(f"sr={sr!r} must be a positive integer (Hz)")
    if n_fft is None:
        n_fft = 2 * (height - 1) if y_axis == "hz" else DEFAULT_MEL_N_FFT
    n_bins = n_fft // 2 + 1 if n_fft >= 1 else 0
    if n_fft < 2 or (y_axis == "hz" and n_bins < height):
        raise ValueError(f"n_fft={n_fft} gives {n_bins} bins, fewer than the height {height}; "
                         f"a linear picture needs n_fft >= {2 * (height - 1)}")
    if y_axis == "mel" and height > n_bins:
        raise ValueError(f"{height} mel bands need at least as many STFT bins; n_fft={n_fft} "
                         f"gives {n_bins} (use n_fft >= {2 * (height - 1)})")
    hop = n_fft // 4 if hop_length is None else hop_length
    if not isinstance(hop, int) or hop < 1:
        raise ValueError(f"hop_length={hop!r} is under 1 sample (n_fft={n_fft}); give a "
                         "larger height or n_fft")
    if hop > n_fft:
        raise ValueError(f"hop_length={hop} is over n_fft={n_fft}: samples between frames "
                         "would be in none")
    kept = height if y_axis == "hz" and height < n_bins else 0
    return PictureFormat(
        StftConfig(sr, n_fft, hop), clip_length=width * hop - 1, y_axis=y_axis,
        n_mels=height if y_axis == "mel" else 128, n_rows_kept=kept, size=(width, height),
    ).check()


def clip_seconds_length(seconds: float, sr: int) -> int:
    """Samples in a clip of ``seconds``; ``ValueError`` unless that is at least one sample."""
    if not math.isfinite(seconds) or round(seconds * sr) < 1:
        raise ValueError(f"clip_seconds={seconds} must be positive (at least one sample)")
    return round(seconds * sr)
