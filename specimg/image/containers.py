"""The parts of PNG and JPEG files that carry metadata: dropping other programs' parts before
Pillow sees them, and finding the EXIF data among them."""

from __future__ import annotations

import struct
from collections.abc import Iterator

__all__ = ["JPEG_COMMENT_PREFIX", "METADATA_KEY", "drop_foreign_metadata", "exif_payload"]

METADATA_KEY = "specimg"
#: How a JPEG comment carrying our metadata starts.
JPEG_COMMENT_PREFIX = METADATA_KEY.encode() + b":"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_TEXT_CHUNKS = (b"tEXt", b"zTXt", b"iTXt")
_JPEG_SOI, _JPEG_SOS, _JPEG_COM, _JPEG_APP1, _JPEG_APP14 = b"\xff\xd8", 0xDA, 0xFE, 0xE1, 0xEE
_EXIF_HEADER = b"Exif\0\0"
#: An Adobe segment as Pillow reads it: "Adobe", version, two flag words, colour transform.
_ADOBE_SIZE = 12


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
    for begin, end, foreign in _spans(start, parts):
        if foreign:
            dropped = True
        else:
            kept.append(data[begin:end])
        at = end
    return b"".join([*kept, data[at:]]) if dropped else data


def _spans(start: int, parts: Iterator[tuple[int, bool]]) -> Iterator[tuple[int, int, bool]]:
    """Each part's start, end and foreignness, from the ends ``parts`` gives from ``start``."""
    for end, foreign in parts:
        yield start, end, foreign
        start = end


def exif_payload(data: bytes) -> bytes | None:
    """A JPEG's EXIF data (its first APP1 segment's payload that starts ``Exif\\0\\0``), as
    Pillow stores it in ``info["exif"]``, or None. :func:`drop_foreign_metadata` drops it;
    read it from the original data. (A PNG's eXIf chunk is kept, and Pillow reads it.)"""
    if not data.startswith(_JPEG_SOI):
        return None
    for begin, end, _ in _spans(len(_JPEG_SOI), _jpeg_header_segments(data)):
        if data[begin + 1] == _JPEG_APP1 and data[begin + 4 : end].startswith(_EXIF_HEADER):
            return data[begin + 4 : end]
    return None


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
            yield end, not payload.startswith(JPEG_COMMENT_PREFIX)
        elif marker == _JPEG_APP14:
            yield end, not (payload.startswith(b"Adobe") and len(payload) >= _ADOBE_SIZE)
        else:
            yield end, _JPEG_APP1 <= marker <= 0xEF
        at = end


def _has_length(marker: int) -> bool:
    """A header segment with a length (not SOS, where the coded data starts, nor SOI, EOI, RSTn,
    TEM or a fill byte)."""
    return 0xC0 <= marker <= 0xFE and marker != _JPEG_SOS and not 0xD0 <= marker <= 0xD9


