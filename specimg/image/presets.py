"""The picture formats of two public image models of audio: Riffusion and audio-diffusion.

Each format's numbers live in one frozen dataclass (:data:`RIFFUSION`, :data:`AUDIO_DIFFUSION`),
read by the encoders (:mod:`specimg.image.preset_pictures`), by :func:`exif_meta` (Riffusion
writes its parameters into EXIF tags 11000-11080) and by :func:`preset_meta` (for pictures an
image model made, which carry no parameters).

- Riffusion (riffusion-hobby ``spectrogram_params.py``, ``spectrogram_converter.py``,
  ``util/image_util.py``): 44.1 kHz; ``n_fft`` = padded 400 ms, a Hann window of 100 ms centred
  in it, hop 10 ms, centred frames with reflect padding; 512 mel bands (HTK, no norm, 0-10 kHz)
  of ``|STFT|``; ``255 - 255 * (mel / max) ** 0.25`` to uint8 (truncated), grey as RGB, low
  bands at the bottom. Samples are read as 16-bit integers (pydub), so ``max`` is on that scale.
- audio-diffusion (teticio ``audiodiffusion/mel.py``): 22.05 kHz, ``n_fft`` 2048, hop 512,
  Slaney mel bands of power, ``power_to_db(ref=max, top_db=80)`` mapped to 0..255 with
  rounding, row 0 the lowest band, one grey pixel per cell, no metadata.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from PIL import Image

from ..core.spectrum import StftConfig
from ..util.errors import InputError
from .metadata import ImageMeta

__all__ = ["AUDIO_DIFFUSION", "INT16_SCALE", "PRESETS", "RIFFUSION", "RIFFUSION_TAGS",
           "AudioDiffusionFormat", "RiffusionFormat", "exif_meta", "preset_meta"]

#: Full scale of the 16-bit samples Riffusion computes its spectrograms of.
INT16_SCALE = 32768.0

#: Riffusion's EXIF tags (``SpectrogramParams.ExifTags``): tag, field, and its name in messages.
RIFFUSION_TAGS = {
    11000: ("sample_rate", "sample rate"), 11005: ("stereo", "stereo"),
    11007: ("triple_res_mono", "triple-res mono"), 11010: ("step_ms", "step ms"),
    11020: ("window_ms", "window ms"), 11030: ("padded_ms", "padded duration ms"),
    11040: ("n_mels", "bands"), 11050: ("fmin", "min Hz"), 11060: ("fmax", "max Hz"),
    11070: ("power", "power"), 11080: ("max_value", "max value"),
}
#: Tags a Riffusion picture may lack (their defaults are Riffusion's).
_OPTIONAL_TAGS = (11005, 11007, 11080)


@dataclass(frozen=True)
class RiffusionFormat:
    """Riffusion's parameters (``SpectrogramParams``' defaults), in its units.

    ``max_value`` is the largest mel value (of 16-bit samples); 30e6 is what Riffusion assumes
    for a picture whose value it does not know.
    """

    sample_rate: int = 44100
    step_ms: int = 10
    window_ms: int = 100
    padded_ms: int = 400
    n_mels: int = 512
    fmin: int = 0
    fmax: int = 10000
    power: float = 0.25
    max_value: float = 30e6
    stereo: bool = False
    triple_res_mono: bool = False
    #: Picture size of the model (px), and its own inverse: Griffin-Lim iterations, momentum.
    size: int = 512
    n_iter: int = 32
    momentum: float = 0.99

    @property
    def stft(self) -> StftConfig:
        """The STFT: lengths are Riffusion's ``int(ms / 1000 * sample_rate)``."""
        def samples(ms: float) -> int:
            return int(ms / 1000.0 * self.sample_rate)

        return StftConfig(sr=self.sample_rate, n_fft=samples(self.padded_ms),
                          hop_length=samples(self.step_ms), window="hann", center=True,
                          win_length=samples(self.window_ms))

    def meta(self, width: int) -> ImageMeta:
        """The parameters of a picture ``width`` px (frames) wide: ``(width - 1) * hop``
        samples long, its peak ``max_value`` on the 16-bit scale."""
        stft = self.stft
        return ImageMeta(
            stft, n_frames=width, length=(width - 1) * stft.hop_length,
            peak_db=20.0 * math.log10(self.max_value / INT16_SCALE), top_db=80.0,
            encoding="riffusion", cmap="gray_r", y_axis="mel", n_mels=self.n_mels,
            fmin=float(self.fmin), fmax=float(self.fmax), level_scale="power",
            level_exponent=self.power, mel_htk=True, mel_norm="none", mel_power=1.0,
        )

    def exif(self) -> dict[int, object]:
        """The EXIF tags Riffusion writes (``to_exif`` and the max value), tag to value."""
        return {tag: getattr(self, name) for tag, (name, _) in RIFFUSION_TAGS.items()}


@dataclass(frozen=True)
class AudioDiffusionFormat:
    """audio-diffusion's parameters (``Mel``'s defaults)."""

    sample_rate: int = 22050
    n_fft: int = 2048
    hop_length: int = 512
    n_mels: int = 256
    top_db: float = 80.0
    #: Picture width (frames) of the model, and its own inverse's Griffin-Lim iterations.
    size: int = 256
    n_iter: int = 32

    @property
    def stft(self) -> StftConfig:
        return StftConfig(sr=self.sample_rate, n_fft=self.n_fft, hop_length=self.hop_length)

    def meta(self, width: int) -> ImageMeta:
        """The parameters of a picture ``width`` frames wide: a slice of ``width * hop - 1``
        samples, as the format cuts them; its loudness is unknown (peak 0 dB)."""
        return ImageMeta(
            self.stft, n_frames=width, length=width * self.hop_length - 1, peak_db=0.0,
            top_db=self.top_db, encoding="audio-diffusion", y_axis="mel", n_mels=self.n_mels,
            low_row="top",
        )


RIFFUSION = RiffusionFormat()
AUDIO_DIFFUSION = AudioDiffusionFormat()
#: Formats :func:`preset_meta` knows.
PRESETS = {"riffusion": RIFFUSION, "audio-diffusion": AUDIO_DIFFUSION}


def preset_meta(name: str, width: int, height: int) -> ImageMeta:
    """Parameters of a picture in a format, ``width x height`` px, for pictures that carry none
    (an image model's output): one frame a column, one mel band a row.

    Raises
    ------
    ValueError
        If ``name`` is not one of :data:`PRESETS` or the size is not positive.
    """
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose from {', '.join(PRESETS)}")
    if width < 1 or height < 1:
        raise ValueError(f"a picture of {width} x {height} px has no cells")
    picture_format = PRESETS[name]
    if height != picture_format.n_mels:  # both formats draw one band a row
        picture_format = replace(picture_format, n_mels=height)
    return picture_format.meta(width)


def exif_meta(image: Image.Image, path: str | os.PathLike = "<image>") -> ImageMeta | None:
    """A Riffusion picture's parameters from its EXIF tags, or None if it has none.

    Only EXIF data read with the header is looked at (a JPEG's, or a PNG's eXIf chunk before
    its pixels, where Pillow and Riffusion write it); EXIF data Pillow cannot parse counts as
    none.

    Raises
    ------
    InputError
        Naming the tag and its value, if a tag is missing, not a number, or impossible (a zero
        hop, a window longer than the FFT, a top frequency over ``sr / 2``), or the picture is
        stereo or triple-resolution (not supported).
    """
    payload = image.info.get("exif")
    if not isinstance(payload, bytes):
        return None
    try:
        exif = Image.Exif()
        exif.load(payload)
        tags = {tag: exif[tag] for tag in RIFFUSION_TAGS if tag in exif}
    except (OSError, SyntaxError, ValueError, TypeError, KeyError, IndexError, EOFError):
        return None
    if not tags:
        return None
    params = _riffusion_params(tags, path)
    meta = params.meta(image.size[0])
    meta.check(path, "Riffusion EXIF parameters")
    return meta


def _riffusion_params(tags: Mapping[int, object], path: str | os.PathLike) -> RiffusionFormat:
    """The checked :class:`RiffusionFormat` of a picture's Riffusion tags."""
    def bad(tag: int, problem: str) -> InputError:
        return InputError(path, f"has Riffusion EXIF tag {tag} ({RIFFUSION_TAGS[tag][1]}) = "
                          f"{tags.get(tag)!r}: {problem}")

    values = {}
    kinds = {field.name: field.type for field in fields(RiffusionFormat)}
    for tag, (name, _) in RIFFUSION_TAGS.items():
        if tag not in tags:
            if tag not in _OPTIONAL_TAGS:
                raise InputError(path, f"has Riffusion EXIF tags but not {tag} "
                                 f"({RIFFUSION_TAGS[tag][1]}); Riffusion writes all of them")
            continue
        value = tags[tag]
        if kinds[name] == "bool":
            if value not in (0, 1):
                raise bad(tag, "not a boolean")
            if value:
                raise bad(tag, "only mono Riffusion pictures are supported")
            continue
        try:
            number = float(value)  # EXIF rationals and integers
        except (TypeError, ValueError):
            raise bad(tag, "not a number") from None
        if tag == 11050 and not (math.isfinite(number) and number >= 0):
            raise bad(tag, "it must be a finite number, 0 or more")
        if tag != 11050 and not (math.isfinite(number) and number > 0):
            raise bad(tag, "it must be a positive finite number")
        whole = kinds[name] == "int" and tag in (11000, 11040)  # counts, not durations
        if whole and number != int(number):
            raise bad(tag, "it must be a whole number")
        values[name] = int(number) if whole else number
    params = replace(RIFFUSION, **values)
    stft = params.stft
    if stft.hop_length < 1:
        raise bad(11010, f"it gives a hop of {stft.hop_length} samples")
    if params.window_ms > params.padded_ms:
        raise bad(11020, f"the window is longer than the padded FFT ({params.padded_ms:g} ms)")
    if not params.fmin < params.fmax <= params.sample_rate / 2:
        raise bad(11060, f"it must lie above min Hz ({params.fmin:g}) and at most sr / 2 "
                  f"({params.sample_rate / 2:g} Hz)")
    return params
