"""The parameters a spectrogram picture needs to become audio, stored inside the picture.

Every image made here carries its :class:`ImageMeta` in its own metadata: a PNG text chunk or a
JPEG comment, keyed ``specimg``. An image is therefore invertible with no side file, and its
loudness survives (a picture of dB values alone has none).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, fields

from PIL import Image

from ..core.mel import MEL_NORMS
from ..core.spectrum import LEVEL_SCALES, StftConfig, window_function
from ..util.errors import InputError
from .colormap import known_colormap
from .containers import JPEG_COMMENT_PREFIX as _JPEG_COMMENT_PREFIX
from .containers import METADATA_KEY

__all__ = ["METADATA_KEY", "ImageMeta", "jpeg_comment", "read_meta"]



@dataclass(frozen=True)
class ImageMeta:
    """Everything needed to turn a spectrogram image back into audio.

    Stored flat, one JSON object of the STFT's fields and these (:meth:`as_dict`).

    Attributes
    ----------
    stft : StftConfig
        The STFT that made the spectrogram (``sr``, ``n_fft``, ``hop_length``, ``window``,
        ``center``, and ``win_length`` where it is not None).
    n_frames : int
        STFT frames (image columns, in cells).
    length : int
        Length of the original signal (samples).
    peak_db : float
        Level of the brightest cell, dB re amplitude 1.0 (full scale).
    top_db : float
        Dynamic range from the darkest to the brightest level (dB).
    encoding : str
        The encoding that made the image (``png16``, ``jpeg75``, ``specshow``...).
    cmap : str
        Colormap of the picture (``gray`` for our grey images).
    y_axis : {"hz", "mel", "log"}
        Frequency axis: linear STFT bins, mel bands (by default levels are dB of mel *power*,
        as ``power_to_db(melspectrogram(...))``), or STFT bins on specshow's log axis.
    n_mels, fmin, fmax
        The mel bands (``fmax`` 0 means ``sr / 2``).
    layout : {"grid", "specshow"}
        ``grid``: uniform cells of whole level steps (our PNG/JPEG, audio-diffusion's images);
        ``specshow``: drawn by ``librosa.display.specshow``, on its ``y_axis`` scale and with
        matplotlib's colour quantisation.
    low_row : {"bottom", "top"}
        Where the lowest band is: at the bottom (specshow, ours) or in row 0 (audio-diffusion).
    level_scale : {"db", "power"}
        How levels stand for values (:func:`specimg.core.spectrum.unit_to_magnitude`): linear
        in dB over ``top_db`` below ``peak_db``, or ``(value / peak) ** level_exponent`` with
        the peak ``10**(peak_db / 20)`` (Riffusion's).
    level_exponent : float
        The power law's exponent (Riffusion: 0.25).
    mel_htk, mel_norm, mel_power
        The mel bands' scale (HTK or Slaney's), normalisation (``slaney`` or ``none``) and the
        power of ``|STFT|`` under them (2: mel of power, librosa's; 1: of magnitude,
        Riffusion's). A level's value ``A`` (amplitude) stands for a band output ``A**mel_power``.
    n_rows_kept : int
        A linear grid picture that holds only the lowest ``n_rows_kept`` STFT bins (0: every
        bin); the bins above decode as the dB floor.

    The last six are stored only where they differ from their defaults (librosa's
    conventions), so that pictures made before they existed keep the same metadata.
    """

    stft: StftConfig
    n_frames: int
    length: int
    peak_db: float
    top_db: float
    encoding: str = ""
    cmap: str = "gray"
    y_axis: str = "hz"
    n_mels: int = 128
    fmin: float = 0.0
    fmax: float = 0.0
    layout: str = "grid"
    low_row: str = "bottom"
    level_scale: str = "db"
    level_exponent: float = 1.0
    mel_htk: bool = False
    mel_norm: str = "slaney"
    mel_power: float = 2.0
    n_rows_kept: int = 0

    @property
    def sr(self) -> int:
        """Sample rate of the audio (Hz)."""
        return self.stft.sr

    @property
    def n_bins(self) -> int:
        return self.stft.n_bins

    @property
    def n_rows(self) -> int:
        """Rows of the cell grid: mel bands, or the STFT bins the picture holds."""
        if self.y_axis == "mel":
            return self.n_mels
        return self.n_rows_kept or self.n_bins

    @property
    def drawn(self) -> bool:
        """Whether ``librosa.display.specshow`` drew the picture (rather than one pixel a cell)."""
        return self.layout == "specshow" or self.encoding.startswith("specshow")

    def as_dict(self) -> dict:
        """The stored form: the STFT's fields beside the others, in one flat mapping (fields
        of :data:`_OMITTED_AT_DEFAULT` only when they differ from their default)."""
        own = self._every_field()
        for name, default in _OMITTED_AT_DEFAULT.items():
            if own[name] == default and type(own[name]) is type(default):
                del own[name]
        return own

    def _every_field(self) -> dict:
        return {**self.stft.as_dict(), **{name: getattr(self, name) for name in _OWN_FIELDS}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, path: str | os.PathLike = "<image>") -> ImageMeta:
        """Parse metadata written by :meth:`to_json`; :class:`InputError` if malformed."""
        try:
            raw = json.loads(text)
            stft = StftConfig(**{key: raw[key] for key in _STFT_FIELDS if key in raw
                                 or key not in _OPTIONAL})
            meta = cls(stft, **{key: value for key, value in raw.items() if key in _OWN_FIELDS})
        except KeyError as exc:
            raise InputError(path, f"has malformed specimg metadata (no {exc})") from None
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            raise InputError(path, f"has malformed specimg metadata ({exc})") from None
        meta.check(path, "specimg metadata")
        return meta

    def problems(self) -> list[str]:
        """What is wrong with these parameters: wrong types, impossible or unknown values."""
        found = []
        stored = self._every_field()
        for name, kind in _FIELD_KINDS.items():
            if name not in stored:  # an optional field at its default
                continue
            value = stored[name]
            if kind is int and (type(value) is not int or not 0 <= value <= _LIMITS[name]):
                found.append(f"{name} {value!r} is not an integer in 0..{_LIMITS[name]}")
            elif kind is float and (type(value) not in (int, float) or not math.isfinite(value)):
                found.append(f"{name} {value!r} is not a finite number")
            elif kind is not float and kind is not int and type(value) is not kind:
                found.append(f"{name} {value!r} is not a {kind.__name__}")
        if found:
            return found
        for name in ("sr", "n_fft", "hop_length", "n_frames", "n_mels"):
            if stored[name] < 1:
                found.append(f"{name} is {stored[name]}; it must be positive")
        for name in ("top_db", "fmin", "fmax"):
            if stored[name] < 0:
                found.append(f"{name} is {stored[name]}; it must not be negative")
        for name in ("level_exponent", "mel_power"):
            if getattr(self, name) <= 0:
                found.append(f"{name} is {getattr(self, name)}; it must be positive")
        if not 1 <= self.stft.window_length <= self.stft.n_fft:
            found.append(f"win_length is {self.stft.win_length}; it must be in 1..n_fft "
                         f"({self.stft.n_fft})")
        for name, allowed in (("y_axis", ("hz", "mel", "log")), ("layout", ("grid", "specshow")),
                              ("low_row", ("bottom", "top")), ("level_scale", LEVEL_SCALES),
                              ("mel_norm", MEL_NORMS)):
            if getattr(self, name) not in allowed:
                found.append(f"{name} is {getattr(self, name)!r}, not one of {allowed}")
        if not known_colormap(self.cmap):
            found.append(f"cmap {self.cmap!r} is no matplotlib colormap")
        try:
            window_function(self.stft.window, 8)
        except ValueError:
            found.append(f"window {self.stft.window!r} is no window scipy knows")
        if not found and self.n_rows_kept and (
                self.y_axis != "hz" or self.drawn or self.n_rows_kept > self.n_bins):
            found.append(f"n_rows_kept {self.n_rows_kept} needs a linear grid picture "
                         f"(y_axis hz, layout grid) of at most {self.n_bins} bins")
        if not found and self.n_frames != self.stft.n_frames(self.length):
            found.append(f"{self.n_frames} frames do not fit {self.length} samples (which give "
                         f"{self.stft.n_frames(self.length)} at hop {self.stft.hop_length})")
        return found

    def check(self, path: str | os.PathLike, what: str = "parameters") -> None:
        """:class:`InputError` naming every problem found by :meth:`problems`."""
        found = self.problems()
        if found:
            raise InputError(path, f"has impossible {what}: {'; '.join(found)}")


_STFT_FIELDS = tuple(field.name for field in fields(StftConfig))
_OWN_FIELDS = tuple(field.name for field in fields(ImageMeta) if field.name != "stft")
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "int | None": int}
#: Every stored field and the type it must have.
_FIELD_KINDS = {field.name: _TYPES[field.type] for cls in (StftConfig, ImageMeta)
                for field in fields(cls) if field.name != "stft"}
#: STFT fields stored only where they are not None.
_OPTIONAL = frozenset({"win_length"})
#: Fields of ours stored only where they differ from their default value.
_OMITTED_AT_DEFAULT = {field.name: field.default for field in fields(ImageMeta)
                       if field.name in ("level_scale", "level_exponent", "mel_htk", "mel_norm",
                                         "mel_power", "n_rows_kept")}
#: Largest values accepted from metadata: far beyond any real use, small enough to compute with.
_LIMITS = {"sr": 10**7, "n_fft": 1 << 20, "hop_length": 1 << 20, "win_length": 1 << 20,
           "n_frames": 1 << 31, "length": 1 << 48, "n_mels": 1 << 16, "n_rows_kept": 1 << 20}


def jpeg_comment(meta: ImageMeta) -> bytes:
    """The JPEG comment that carries ``meta``."""
    return _JPEG_COMMENT_PREFIX + meta.to_json().encode()


def read_meta(image: Image.Image, path: str | os.PathLike = "<image>") -> ImageMeta | None:
    """The :class:`ImageMeta` stored in an opened image, or None if it has none.

    Text chunks and comments that are not ours (any key, str or bytes) are ignored. A picture
    without ours but with Riffusion's EXIF tags gets the parameters they give
    (:func:`.presets.exif_meta`; :class:`InputError` if they are impossible).
    """
    text = image.info.get(METADATA_KEY)
    if text is None:  # a JPEG: ours is one of its comments (Pillow's info keeps only the last)
        comments = [data for marker, data in getattr(image, "applist", []) if marker == "COM"]
        ours = [c for c in comments if c.startswith(_JPEG_COMMENT_PREFIX)]
        text = ours[0][len(_JPEG_COMMENT_PREFIX) :] if ours else None
    if text is None:  # a picture Riffusion made has its parameters in EXIF tags
        from .presets import exif_meta

        return exif_meta(image, path)
    if not isinstance(text, (str, bytes)):
        return None
    return ImageMeta.from_json(text, path)
