"""The parameters a spectrogram picture needs to become audio, stored inside the picture.

Every image made here carries its :class:`ImageMeta` in its own metadata: a PNG text chunk or a
JPEG comment, keyed ``specimg``. An image is therefore invertible with no side file, and its
loudness survives (a picture of dB values alone has none).
"""

from __future__ import annotations

import json
import math
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, fields

from PIL import Image

from ..core.spectrum import StftConfig, window_function
from ..util.errors import InputError
from .colormap import known_colormap

__all__ = ["METADATA_KEY", "ImageMeta", "drop_foreign_metadata", "jpeg_comment", "read_meta"]

METADATA_KEY = "specimg"
_JPEG_COMMENT_PREFIX = METADATA_KEY.encode() + b":"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
_JPEG_SOI, _JPEG_SOS, _JPEG_COM, _JPEG_APP14 = b"\xff\xd8", 0xDA, 0xFE, 0xEE
#: An Adobe segment as Pillow reads it: "Adobe", version, two flag words, colour transform.
_ADOBE_SIZE = 12


@dataclass(frozen=True)
class ImageMeta:
    """Everything needed to turn a spectrogram image back into audio.

    Stored flat, one JSON object of the STFT's fields and these (:meth:`as_dict`).

    Attributes
    ----------
    stft : StftConfig
        The STFT that made the spectrogram (``sr``, ``n_fft``, ``hop_length``, ``window``,
        ``center``).
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
        Frequency axis: linear STFT bins, mel bands (levels are dB of mel *power*, as
        ``power_to_db(melspectrogram(...))``), or STFT bins on specshow's log axis.
    n_mels, fmin, fmax
        The mel bands (``fmax`` 0 means ``sr / 2``).
    layout : {"grid", "specshow"}
        ``grid``: uniform cells of whole level steps (our PNG/JPEG, audio-diffusion's images);
        ``specshow``: drawn by ``librosa.display.specshow``, on its ``y_axis`` scale and with
        matplotlib's colour quantisation.
    low_row : {"bottom", "top"}
        Where the lowest band is: at the bottom (specshow, ours) or in row 0 (audio-diffusion).
    n_rows_kept : int
        A linear grid picture that holds only the lowest ``n_rows_kept`` STFT bins (0: every
        bin); the bins above decode as the dB floor. Stored only when set, so pictures that
        hold every bin keep their bytes.
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
        of :data:`_STORED_WHEN_SET` only when they differ from their default)."""
        every = self._every_field()
        return {name: value for name, value in every.items()
                if _STORED_WHEN_SET.get(name, _UNSET) != value}

    def _every_field(self) -> dict:
        return {**self.stft.as_dict(), **{name: getattr(self, name) for name in _OWN_FIELDS}}

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes, path: str | os.PathLike = "<image>") -> ImageMeta:
        """Parse metadata written by :meth:`to_json`; :class:`InputError` if malformed."""
        try:
            raw = json.loads(text)
            stft = StftConfig(**{key: raw[key] for key in _STFT_FIELDS})
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
        for name, allowed in (("y_axis", ("hz", "mel", "log")), ("layout", ("grid", "specshow")),
                              ("low_row", ("bottom", "top"))):
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


#: Fields stored only when they differ from these defaults (added after pictures were made).
_STORED_WHEN_SET = {"n_rows_kept": 0}
_UNSET = object()
_STFT_FIELDS = tuple(field.name for field in fields(StftConfig))
_OWN_FIELDS = tuple(field.name for field in fields(ImageMeta) if field.name != "stft")
_TYPES = {"int": int, "float": float, "str": str, "bool": bool}
#: Every stored field and the type it must have.
_FIELD_KINDS = {field.name: _TYPES[field.type] for cls in (StftConfig, ImageMeta)
                for field in fields(cls) if field.name != "stft"}
#: Largest values accepted from metadata: far beyond any real use, small enough to compute with.
_LIMITS = {"sr": 10**7, "n_fft": 1 << 20, "hop_length": 1 << 20, "n_frames": 1 << 31,
           "length": 1 << 48, "n_mels": 1 << 16, "n_rows_kept": 1 << 20}


def jpeg_comment(meta: ImageMeta) -> bytes:
    """The JPEG comment that carries ``meta``."""
    return _JPEG_COMMENT_PREFIX + meta.to_json().encode()


def drop_foreign_metadata(data: bytes) -> bytes:
    """Image data without the metadata other programs added: a PNG's text chunks (tEXt, zTXt,
    iTXt) of any key but ours, a JPEG's comments that are not ours and its application
    segments APP1 to APP15 (Exif, XMP, ICC, Photoshop...; APP14 kept when it is a whole Adobe
    segment, whose colour transform a decoder reads).

    They say nothing about the pixels, and some make the decoder refuse the whole file: a zTXt
    or iTXt that inflates past 1 MB or names an unknown compression, an Adobe segment under
    12 bytes, an ICC segment without its sequence numbers. Data that is neither PNG nor JPEG,
    and any part whose structure is not understood (a truncated file), is left as it is for
    the decoder to judge; data with nothing to drop is returned as it is.
    """
    if data.startswith(_PNG_SIGNATURE):
        return _without(data, len(_PNG_SIGNATURE), _png_chunks(data))
    if data.startswith(_JPEG_SOI):
        return _without(data, len(_JPEG_SOI), _jpeg_header_segments(data))
    return data


def _without(data: bytes, start: int, parts: Iterator[tuple[int, bool]]) -> bytes:
    """``data`` less its foreign parts: ``parts`` gives each part's end and whether it is
    foreign, in order from ``start``; what follows the last part is kept as it is."""
    kept, at, dropped = [data[:start]], start, False
    for end, foreign in parts:
        if foreign:
            dropped = True
        else:
            kept.append(data[at:end])
        at = end
    return b"".join([*kept, data[at:]]) if dropped else data


def _png_chunks(data: bytes) -> Iterator[tuple[int, bool]]:
    """Each whole chunk's end, and whether it is a text chunk that is not ours."""
    at, our_keyword = len(_PNG_SIGNATURE), METADATA_KEY.encode()
    while at + 12 <= len(data):  # length, type, data, CRC
        (length,) = struct.unpack_from(">I", data, at)
        kind, end = data[at + 4 : at + 8], at + 12 + length
        if end > len(data):
            return
        yield end, (kind in _PNG_TEXT_CHUNKS
                    and data[at + 8 : end - 4].split(b"\0", 1)[0] != our_keyword)
        at = end


def _jpeg_header_segments(data: bytes) -> Iterator[tuple[int, bool]]:
    """Each whole header segment's end, and whether it is a comment or application segment
    that is not ours (:func:`drop_foreign_metadata`)."""
    at = len(_JPEG_SOI)
    while at + 4 <= len(data) and data[at] == 0xFF and _has_length(data[at + 1]):
        marker, (length,) = data[at + 1], struct.unpack_from(">H", data, at + 2)
        end = at + 2 + length
        if length < 2 or end > len(data):
            return
        payload = data[at + 4 : end]
        if marker == _JPEG_COM:
            yield end, not payload.startswith(_JPEG_COMMENT_PREFIX)
        elif marker == _JPEG_APP14:
            yield end, not (payload.startswith(b"Adobe") and len(payload) >= _ADOBE_SIZE)
        else:
            yield end, 0xE1 <= marker <= 0xEF
        at = end


def _has_length(marker: int) -> bool:
    """A header segment with a length (not SOS, where the coded data starts, nor SOI, EOI, RSTn,
    TEM or a fill byte)."""
    return 0xC0 <= marker <= 0xFE and marker != _JPEG_SOS and not 0xD0 <= marker <= 0xD9


def read_meta(image: Image.Image, path: str | os.PathLike = "<image>") -> ImageMeta | None:
    """The :class:`ImageMeta` stored in an opened image, or None if it has none.

    Text chunks and comments that are not ours (any key, str or bytes) are ignored.
    """
    text = image.info.get(METADATA_KEY)
    if text is None:  # a JPEG: ours is one of its comments (Pillow's info keeps only the last)
        comments = [data for marker, data in getattr(image, "applist", []) if marker == "COM"]
        ours = [c for c in comments if c.startswith(_JPEG_COMMENT_PREFIX)]
        text = ours[0][len(_JPEG_COMMENT_PREFIX) :] if ours else None
    if text is not None and not isinstance(text, (str, bytes)):
        return None
    return None if text is None else ImageMeta.from_json(text, path)
