"""Properties of the grey image codecs, over generated spectrograms and damaged files.

1. ``encode_levels`` then ``decode_image`` gives back any levels in [0, 1], of any shape, within
   the codec's tolerance: half a quantisation step for PNG, a measured bound for JPEG.
2. ``decode_image`` never crashes: on arbitrary bytes, and on valid PNG/JPEG files cut short or
   with bytes changed, it returns or raises :class:`InputError`, nothing else.

Settings are derandomized (the same examples every run, for CI) with a modest number of examples.
"""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from specimg.core.spectrum import StftConfig
from specimg.image import ImageMeta, decode_image, encode_levels
from specimg.util.errors import InputError

PROPERTY = settings(max_examples=100, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
#: float32 slack on top of half a step: the decoder divides in float32 (relative error 2**-24)
#: and, for float32 input, so does the encoder's ``levels * 65535``.
FLOAT32_SLACK = 4 * float(np.finfo(np.float32).eps)
HALF_STEP = {"png8": 0.5 / 255, "png16": 0.5 / 65535}
#: jpeg95, measured over 3000 random arrays (uniform noise, 0/1 noise, random walks, constants;
#: 1 x 1 to 64 x 64) and a 3000-example Hypothesis search targeting the error: worst max
#: 0.040 (10.2 of 255 steps), worst RMS 0.011 (random walks), both on noise-like pictures.
#: Bounds at twice that.
JPEG95_MAX, JPEG95_RMS = 0.08, 0.025
#: A flat picture survives jpeg95 exactly (its DC step is finer than a grey level): measured
#: error at most half an 8-bit step, as for png8.
JPEG95_FLAT = 0.5 / 255


def meta_for(shape: tuple[int, int], encoding: str) -> ImageMeta:
    """Metadata whose grid is ``shape``: n_bins = 1 + n_fft // 2 rows, n_frames columns."""
    rows, columns = shape
    return ImageMeta(StftConfig(8000, max(1, 2 * (rows - 1)), 16), n_frames=columns,
                     length=(columns - 1) * 16, peak_db=-6.0, top_db=80.0, encoding=encoding)


# Levels where rounding is tested hardest: the ends, and exact half steps (ties).
EDGES = [0.0, 1.0, 0.5, 0.5 / 255, 127.5 / 255, 1.0 - 0.5 / 255, 0.5 / 65535, 1.0 - 0.5 / 65535]
shapes = st.tuples(st.integers(1, 64), st.integers(1, 40))
unit_floats = st.floats(0.0, 1.0) | st.sampled_from(EDGES)


def level_arrays(shape: tuple[int, int]):
    seeds = st.integers(0, 2**32 - 1)
    return st.one_of(
        arrays(np.float64, shape, elements=unit_floats),
        arrays(np.float32, shape, elements=st.floats(0.0, 1.0, width=32)),
        unit_floats.map(lambda level: np.full(shape, level)),  # constant
        # Noise, JPEG's worst case, which arrays() rarely draws (it fills most cells alike).
        seeds.map(lambda seed: np.random.default_rng(seed).random(shape)),
        seeds.map(lambda seed: np.random.default_rng(seed).integers(0, 2, shape).astype(float)),
    )


levels_in_range = shapes.flatmap(level_arrays)


def round_trip(levels: np.ndarray, encoding: str) -> np.ndarray:
    meta = meta_for(levels.shape, encoding)
    decoded, decoded_meta = decode_image(encode_levels(levels, meta), "x.png")
    assert decoded_meta == meta
    assert decoded.shape == levels.shape and decoded.dtype == np.float32
    assert np.all((decoded >= 0) & (decoded <= 1))
    return decoded


@pytest.mark.parametrize("encoding", ["png8", "png16"])
@PROPERTY
@given(levels=levels_in_range)
def test_png_round_trip_is_within_half_a_step(encoding, levels):
    error = np.abs(round_trip(levels, encoding) - levels)
    assert error.max() <= HALF_STEP[encoding] + FLOAT32_SLACK


@PROPERTY
@given(levels_in_range)
def test_jpeg95_round_trip_is_within_its_measured_bound(levels):
    error = round_trip(levels, "jpeg95") - levels
    assert np.abs(error).max() <= JPEG95_MAX
    assert np.sqrt(np.mean(error**2)) <= JPEG95_RMS


@PROPERTY
@given(shapes, unit_floats)
def test_jpeg95_keeps_a_flat_picture_to_half_a_step(shape, level):
    levels = np.full(shape, level)
    assert np.abs(round_trip(levels, "jpeg95") - levels).max() <= JPEG95_FLAT + FLOAT32_SLACK


# --- the decoder never crashes -------------------------------------------------------------------

def _seeds() -> dict[str, bytes]:
    """Valid files with specimg metadata: every grey codec, and a progressive JPEG."""
    levels = np.random.default_rng(0).random((24, 20))
    files = {name: encode_levels(levels, meta_for(levels.shape, name))
             for name in ("png8", "png16", "jpeg95", "jpeg50")}
    buffer = io.BytesIO()
    comment = b"specimg:" + meta_for(levels.shape, "jpeg90").to_json().encode()
    Image.fromarray(np.round(levels * 255).astype(np.uint8)).save(
        buffer, format="JPEG", quality=90, progressive=True, comment=comment)
    files["progressive jpeg"] = buffer.getvalue()
    return files


SEEDS = _seeds()
#: Parameters for files without metadata, so their pixels are decoded too.
FALLBACK = meta_for((24, 20), "foreign")
#: Start of each format the project names (cli.IMAGE_SUFFIXES), to get past format detection.
SIGNATURES = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*",
              b"RIFF\x00\x00\x00\x00WEBPVP8 "]


def decodes_or_refuses(data: bytes, meta: ImageMeta | None = None) -> None:
    """The property: a result, or an InputError naming the file; any other exception fails."""
    try:
        levels, _ = decode_image(data, "x.png", meta=meta)
    except InputError as exc:
        assert exc.path == "x.png" and "\n" not in str(exc)
    else:
        assert levels.ndim == 2 and levels.dtype == np.float32


@PROPERTY
@given(st.binary(max_size=4096))
def test_decoder_never_crashes_on_arbitrary_bytes(data):
    decodes_or_refuses(data)


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data:UserWarning")  # Pillow, on TIFF junk
@PROPERTY
@given(st.sampled_from(SIGNATURES), st.binary(max_size=2048), st.sampled_from([None, FALLBACK]))
def test_decoder_never_crashes_on_arbitrary_bytes_behind_an_image_signature(signature, rest,
                                                                          meta):
    decodes_or_refuses(signature + rest, meta)


@st.composite
def damaged_files(draw):
    """A seed file cut at any point, or with 1 to 8 bytes replaced (then maybe cut too)."""
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    if draw(st.booleans()):
        changes = draw(st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)),
                                min_size=1, max_size=8))
        for position, value in changes:
            data[position] = value
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data)


@PROPERTY
@given(damaged_files())
def test_decoder_never_crashes_on_damaged_png_and_jpeg(data):
    decodes_or_refuses(data)


@pytest.mark.parametrize("encoding", ["png8", "png16", "jpeg95"])
@pytest.mark.parametrize("damage", ["every cut", "every byte changed"])
def test_every_cut_and_every_changed_byte_of_a_small_file(encoding, damage):
    """Exhaustively, for a 2 x 3 spectrogram: each truncation point, or each byte set to 0x00,
    0x7F and 0xFF in turn."""
    data = encode_levels(np.linspace(0, 1, 6).reshape(2, 3), meta_for((2, 3), encoding))
    if damage == "every cut":
        for cut in range(len(data)):
            decodes_or_refuses(data[:cut])
        return
    for position in range(len(data)):
        for value in (0x00, 0x7F, 0xFF):
            damaged = bytearray(data)
            damaged[position] = value
            decodes_or_refuses(bytes(damaged))


# --- crashes fuzzing found (fixed) --------------------------------------------------------------

def test_unsupported_dds_variant_is_refused():
    """Pillow raises NotImplementedError for unknown variants of a format it detects."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="DDS")
    data = bytearray(buffer.getvalue())
    data[80:84] = bytes(4)  # DDS_PIXELFORMAT.dwFlags: none known
    decodes_or_refuses(bytes(data))


@settings(max_examples=20, deadline=None, derandomize=True, database=None)
@given(st.integers(0, 4), st.sampled_from(b"bcdefhijklnopqrstuvwxyz0123456789"))
def test_changed_colormap_name_in_a_colour_jpeg_is_refused(offset, value):
    levels = np.random.default_rng(1).random((24, 20))
    comment = (b"specimg:"
               + replace(meta_for(levels.shape, "jpeg90"), cmap="magma").to_json().encode())
    buffer = io.BytesIO()
    Image.fromarray(np.round(levels * 255).astype(np.uint8)).convert("RGB").save(
        buffer, format="JPEG", quality=90, comment=comment)
    data = bytearray(buffer.getvalue())
    data[data.index(b'"magma"') + 1 + offset] = value
    decodes_or_refuses(bytes(data))
