"""Our metadata reader ignores what other programs put in pictures.

Editors, converters and generators add their own metadata: PNG text chunks (tEXt, zTXt, iTXt:
ImageMagick's ``comment``, Stable Diffusion's ``parameters``, XMP...) and JPEG comments (COM)
and application segments (APP1 to APP15: Exif, XMP, ICC profiles, Photoshop, Adobe...). With
any number of them, of any key and payload, before or after ours:

a. a picture with our metadata reads back exactly the metadata it has without them;
b. a picture with only foreign metadata reads as having none (``read_meta`` gives None), and
   without raising;
c. its pixels decode to the same levels (:func:`specimg.image.codec.decode_image`).

Pictures are 8 x 6 pixels; settings are derandomized (the same examples every run, for CI), as
in ``test_codec_properties.py``, with a modest number of examples.
"""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace
from functools import cache

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from specimg.core.spectrum import StftConfig
from specimg.image.codec import decode_image, encode_levels, open_image
from specimg.image.metadata import METADATA_KEY, ImageMeta, jpeg_comment, read_meta
from specimg.util.errors import InputError

# Pillow warns of a malformed MPF segment (and of its TIFF directory), then reads a JPEG.
pytestmark = [pytest.mark.filterwarnings("ignore:Image appears to be a malformed MPO"),
              pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")]
PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
#: Foreign chunks or segments in one picture.
MOST_FOREIGN = 6

#: An 8 x 6 picture: 6 STFT bins (n_fft 10), 8 frames.
META = ImageMeta(StftConfig(8000, 10, 16), n_frames=8, length=112, peak_db=-6.0, top_db=80.0)
LEVELS = np.random.default_rng(0).random((META.n_bins, META.n_frames))


@cache
def ours(encoding: str) -> bytes:
    """The picture as specimg writes it, with its metadata."""
    return encode_levels(LEVELS, replace(META, encoding=encoding))


def levels_of(data: bytes) -> np.ndarray:
    """Decoded levels, with ``META`` for a picture that has no metadata of its own."""
    return decode_image(data, "x", meta=replace(META, encoding="foreign"))[0]


# --- PNG -----------------------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """A PNG file's chunks, as (type, data)."""
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunks.append((data[at + 4 : at + 8], data[at + 8 : at + 8 + length]))
        at += 12 + length
    return chunks


def png_file(chunks: list[tuple[bytes, bytes]]) -> bytes:
    return PNG_SIGNATURE + b"".join(
        struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        for kind, body in chunks)


def is_our_chunk(chunk: tuple[bytes, bytes]) -> bool:
    return chunk[0] == b"tEXt" and chunk[1].startswith(METADATA_KEY.encode() + b"\0")


def png_with(data: bytes, foreign: list[tuple[str, tuple[bytes, bytes]]], keep_ours: bool):
    """``data`` with foreign chunks placed before ours, after ours, or after the image data."""
    chunks = png_chunks(data)
    (our_chunk,) = [chunk for chunk in chunks if is_our_chunk(chunk)]
    placed = {place: [chunk for where, chunk in foreign if where == place]
              for place in ("before ours", "after ours", "after IDAT")}
    header = [chunk for chunk in chunks if chunk[0] == b"IHDR"]
    image_data = [chunk for chunk in chunks if chunk[0] == b"IDAT"]
    assert len(chunks) == len(header) + 1 + len(image_data) + 1  # IHDR, ours, IDAT..., IEND
    return png_file(header + placed["before ours"] + [our_chunk] * keep_ours
                    + placed["after ours"] + image_data + placed["after IDAT"]
                    + [(b"IEND", b"")])


# PNG keywords: 1-79 printable Latin-1 characters, no leading, trailing or consecutive spaces.
LATIN1_PRINTABLE = "".join(map(chr, [*range(32, 127), *range(161, 256)]))
any_keyword = st.text(LATIN1_PRINTABLE, min_size=1, max_size=79).map(
    lambda text: " ".join(text.split(" ")).strip())
case_variants = st.lists(st.booleans(), min_size=len(METADATA_KEY), max_size=len(METADATA_KEY)).map(
    lambda upper: "".join(c.upper() if u else c for c, u in zip(METADATA_KEY, upper, strict=True)))
#: Keys real programs write (ImageMagick, GIMP, Stable Diffusion, ComfyUI, exiftool), keys
#: Pillow treats specially, and near misses of ours.
NOTABLE_KEYS = ["comment", "Comment", "Description", "Software", "Title", "Author", "Source",
                "parameters", "prompt", "workflow", "exif", "XML:com.adobe.xmp",
                "Raw profile type exif", "icc_profile", "dpi", "transparency", "specimg:",
                "specimg2", "x-specimg", "specimg metadata"]
foreign_keys = (st.sampled_from(NOTABLE_KEYS) | case_variants | any_keyword).filter(
    lambda key: key and key != METADATA_KEY)
#: Values that look like ours, as a foreign key's value or a comment.
LOOKALIKES = [META.to_json(), jpeg_comment(META).decode(), ""]
text_values = st.text(max_size=200) | st.sampled_from(LOOKALIKES)
values = text_values | text_values.map(lambda v: v.encode("utf-8")) | st.binary(max_size=200)
languages = st.sampled_from(["", "en", "en-US", "de", "zh-Hans", "x-klingon"]) | st.text(
    "abcdefghijklmnopqrstuvwxyz-", max_size=12)
translated_keys = st.text(max_size=40).map(lambda text: text.replace("\0", ""))


#: Compressed text that inflates past Pillow's 1 MB limit for a text chunk.
TEXT_BOMB = zlib.compress(b"\0" * (ImageFile.SAFEBLOCK + 2**20))


@st.composite
def refused_text_chunks(draw) -> tuple[bytes, bytes]:
    """A zTXt or compressed iTXt chunk that Pillow alone refuses the whole file for: its text
    inflates past 1 MB, or its compression method is not zlib's (0)."""
    key = draw(foreign_keys).encode("latin-1")
    method = draw(st.just(0) | st.integers(1, 255))
    text = TEXT_BOMB if method == 0 else zlib.compress(draw(st.binary(max_size=40)))
    if draw(st.booleans()):
        return b"zTXt", key + b"\0" + bytes([method]) + text
    return b"iTXt", key + b"\0\x01" + bytes([method]) + b"en\0\0" + text


@st.composite
def foreign_text_chunks(draw) -> tuple[bytes, bytes]:
    """One tEXt, zTXt or iTXt chunk (compressed or not), as Pillow's PngInfo writes it, or one
    that Pillow refuses (:func:`refused_text_chunks`).

    ``add_text`` writes str values that Latin-1 cannot hold as iTXt.
    """
    info, key = PngInfo(), draw(foreign_keys)
    form = draw(st.sampled_from(["text", "itxt", "refused"]))
    if form == "refused":
        return draw(refused_text_chunks())
    if form == "text":
        info.add_text(key, draw(values), zip=draw(st.booleans()))
    else:
        info.add_itxt(key, draw(values), draw(languages), draw(translated_keys),
                      zip=draw(st.booleans()))
    ((kind, body, _),) = info.chunks
    return kind, body


placed_text_chunks = st.lists(
    st.tuples(st.sampled_from(["before ours", "after ours", "after IDAT"]),
              foreign_text_chunks()), min_size=1, max_size=MOST_FOREIGN)
png_encodings = st.sampled_from(["png8", "png16"])


@PROPERTY
@given(png_encodings, placed_text_chunks)
def test_png_metadata_reads_the_same_among_foreign_text_chunks(encoding, foreign):
    original = ours(encoding)
    data = png_with(original, foreign, keep_ours=True)
    expected = read_meta(open_image(original))
    assert expected == replace(META, encoding=encoding)
    assert read_meta(open_image(data)) == expected  # (a)
    levels, meta = decode_image(data)
    assert meta == expected
    assert np.array_equal(levels, decode_image(original)[0])  # (c)


@PROPERTY
@given(png_encodings, placed_text_chunks)
def test_png_with_only_foreign_text_chunks_has_no_metadata(encoding, foreign):
    data = png_with(ours(encoding), foreign, keep_ours=False)
    assert read_meta(open_image(data)) is None  # (b)
    with pytest.raises(InputError, match="no specimg metadata"):
        decode_image(data)
    assert np.array_equal(levels_of(data), levels_of(ours(encoding)))  # (c)


# --- JPEG ----------------------------------------------------------------------------------------

MOST_PAYLOAD = 65533  # a segment's 2-byte length counts itself: 65535 - 2
COM = 0xFE
#: How our comment starts.
OUR_PREFIX = jpeg_comment(META)[: len(METADATA_KEY) + 1]


def jpeg_segments(data: bytes) -> tuple[list[bytes], bytes]:
    """A JPEG file's segments between SOI and SOS (each with its marker), and the rest."""
    assert data[:2] == b"\xff\xd8"
    segments, at = [], 2
    while data[at + 1] != 0xDA:
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        segments.append(data[at : at + 2 + length])
        at += 2 + length
    return segments, data[at:]


def segment(marker: int, payload: bytes) -> bytes:
    assert len(payload) <= MOST_PAYLOAD
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with(data: bytes, foreign: list[tuple[int, bytes]]) -> bytes:
    """``data`` with foreign segments spliced in among its header segments, anywhere from just
    after SOI to just before SOS."""
    header, rest = jpeg_segments(data)
    for place, foreign_segment in foreign:
        header.insert(place % (len(header) + 1), foreign_segment)
    return b"\xff\xd8" + b"".join(header) + rest


def random_bytes(size_and_seed: tuple[int, int]) -> bytes:
    size, seed = size_and_seed
    return np.random.default_rng(seed).integers(0, 256, size, dtype=np.uint8).tobytes()


#: Payloads: short ones Hypothesis draws, and long ones up to the limit (drawn from a seed, as
#: Hypothesis draws no more than a few kB).
seeds = st.integers(0, 2**32 - 1)
payload_bodies = st.one_of(st.binary(max_size=120),
                           st.tuples(st.integers(0, MOST_PAYLOAD), seeds).map(random_bytes),
                           st.tuples(st.just(MOST_PAYLOAD), seeds).map(random_bytes))
two_bytes = st.binary(min_size=2, max_size=2)
#: Starts of the segments that Pillow parses, by APPn, whole or cut short: Pillow alone refuses
#: the whole file for an Adobe segment under 7 bytes, an ICC one under 14, a Photoshop resource
#: cut in its header.
SIGNATURES = {
    1: st.sampled_from([b"Exif\0\0", b"Exif\0\0II*\0\x08\0\0\0", b"Exif\0\0MM\0*\0\0\0\x08",
                        b"http://ns.adobe.com/xap/1.0/\0",
                        b"http://ns.adobe.com/xmp/extension/\0"]),
    2: st.sampled_from([b"MPF\0", b"MPF\0II*\0\x08\0\0\0", b"FPXR\0"])
    | st.binary(max_size=2).map(lambda numbers: b"ICC_PROFILE\0" + numbers),
    12: st.just(b"Ducky"),
    13: st.just(b"Photoshop 3.0\0") | st.tuples(two_bytes, st.binary(max_size=40)).map(
        lambda resource: b"Photoshop 3.0\x008BIM" + resource[0] + b"\0\0"  # code, no name
        + struct.pack(">I", len(resource[1])) + resource[1])
    | st.binary(max_size=7).map(lambda cut: b"Photoshop 3.0\x008BIM" + cut),
    14: st.binary(max_size=7).map(lambda rest: b"Adobe" + rest),
}


#: Segments whose start alone makes Pillow refuse the whole file.
REFUSED_SEGMENTS = [segment(0xEE, b"Adobe"), segment(0xEE, b"Adobe\x01"),
                    segment(0xE2, b"ICC_PROFILE\0"), segment(0xE2, b"ICC_PROFILE\0\x01")]


@st.composite
def foreign_app_segments(draw) -> bytes:
    """An APP1 to APP15 segment, with an arbitrary payload or one behind a known signature, or
    one of :data:`REFUSED_SEGMENTS`."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(REFUSED_SEGMENTS))
    n = draw(st.sampled_from(sorted(SIGNATURES)) | st.integers(1, 15))
    start = draw(st.just(b"") | SIGNATURES[n]) if n in SIGNATURES else b""
    return segment(0xE0 + n, (start + draw(payload_bodies))[:MOST_PAYLOAD])


#: Comments that are not ours: anything not starting with our prefix, some close to it.
foreign_comment_payloads = (
    payload_bodies | st.sampled_from([b"Created with GIMP", b"specimg", b"SPECIMG:{}",
                                      b"specimg " + META.to_json().encode(),
                                      META.to_json().encode()])
).filter(lambda payload: not payload.startswith(OUR_PREFIX))
places = st.integers(0, 2**16)  # an index among the header segments, modulo their number
placed_segments = st.tuples(
    st.lists(st.tuples(places, foreign_app_segments()), max_size=MOST_FOREIGN - 2),
    st.lists(st.tuples(places, foreign_comment_payloads.map(lambda p: segment(COM, p))),
             max_size=2),
).map(lambda lists: lists[0] + lists[1]).filter(bool)
jpeg_encodings = st.sampled_from(["jpeg95", "jpeg50"])


@PROPERTY
@given(jpeg_encodings, placed_segments)
def test_jpeg_metadata_reads_the_same_among_foreign_segments(encoding, foreign):
    original = ours(encoding)
    data = jpeg_with(original, foreign)
    expected = read_meta(open_image(original))
    assert expected == replace(META, encoding=encoding)
    assert read_meta(open_image(data)) == expected  # (a)
    levels, meta = decode_image(data)
    assert meta == expected
    assert np.array_equal(levels, decode_image(original)[0])  # (c)


@PROPERTY
@given(jpeg_encodings, st.none() | foreign_comment_payloads, placed_segments)
def test_jpeg_with_only_foreign_segments_has_no_metadata(encoding, comment, foreign):
    """The picture as another program writes it (Pillow, with its own comment or none)."""
    buffer = io.BytesIO()
    pixels = np.round(np.flipud(LEVELS) * 255).astype(np.uint8)  # as encode_levels
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=int(encoding[4:]),
                                 comment=comment)
    data = jpeg_with(buffer.getvalue(), foreign)
    assert read_meta(open_image(data)) is None  # (b)
    with pytest.raises(InputError, match="no specimg metadata"):
        decode_image(data)
    assert np.array_equal(levels_of(data), levels_of(ours(encoding)))  # (c)


@pytest.mark.parametrize("refused", REFUSED_SEGMENTS)
def test_jpeg_segments_that_pillow_refuses_are_passed_over(refused):
    original = ours("jpeg95")
    data = jpeg_with(original, [(1, refused)])
    with pytest.raises((OSError, SyntaxError, ValueError)):
        Image.open(io.BytesIO(data)).load()  # what the picture does to Pillow alone
    assert read_meta(open_image(data)) == replace(META, encoding="jpeg95")
    assert np.array_equal(decode_image(data)[0], decode_image(original)[0])


@pytest.mark.parametrize("method", [0, 7])
def test_png_text_chunks_that_pillow_refuses_are_passed_over(method):
    text = TEXT_BOMB if method == 0 else zlib.compress(b"x")
    original = ours("png16")
    data = png_with(original, [("after IDAT", (b"zTXt", b"Comment\0" + bytes([method]) + text))],
                    keep_ours=True)
    with pytest.raises((OSError, SyntaxError, ValueError)):
        Image.open(io.BytesIO(data)).load()  # what the picture does to Pillow alone
    assert read_meta(open_image(data)) == replace(META, encoding="png16")
    assert np.array_equal(decode_image(data)[0], decode_image(original)[0])


def test_jpeg_metadata_survives_a_foreign_comment_after_ours():
    header, rest = jpeg_segments(ours("jpeg95"))
    data = b"\xff\xd8" + b"".join(header) + segment(COM, b"Created with GIMP") + rest
    assert read_meta(open_image(data)) == replace(META, encoding="jpeg95")
