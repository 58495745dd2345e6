"""Bad and unusual spectrogram images, through the core and through ``specimg invert``.

Each case either inverts correctly (an RGBA, palette or 16-bit picture of a specimg spectrogram
decodes to the grey original) or fails cleanly: the core raises :class:`InputError` naming the
file, and ``specimg invert`` prints exactly one ``failed:`` line naming the file and the
problem, exits with status 1, prints no traceback, still inverts the good image given with it
and leaves no output (not even a temporary file) for the bad one.

This extends ``test_cli.test_bad_files_get_one_line_each_and_a_failing_status`` (half a PNG, an
HTML page, a bomb without metadata, a 1 x 1 PNG without metadata, a missing file) with more
truncation points, other image modes, metadata problems and bombs that carry metadata.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PIL import Image, PngImagePlugin
from test_cli import huge_png

from specimg.cli import main
from specimg.core.spectrum import StftConfig, magnitude_to_unit, peak_db, stft
from specimg.image import ImageMeta, decode_image, encode_levels
from specimg.image.colormap import colormap_table
from specimg.inversion import invert_image
from specimg.study.metrics import spectral_convergence_db
from specimg.util.errors import InputError

TOP_DB = 80.0
PNG8_TOLERANCE = 0.5 / 255 + 1e-6
CLI_SPEED = ["-j", "2", "--n-iter", "10"]
#: Flags that describe the test spectrogram to `specimg invert` for a picture without metadata.
GRID_FLAGS = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64", "--frames", "251",
              "--layout", "grid", "--top-db", "80"]


# --- making pictures ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Spectrogram:
    levels: np.ndarray  # (129, 251) unit levels, row 0 the lowest bin
    meta: ImageMeta  # png8, matching levels

    @property
    def grey8(self) -> np.ndarray:
        """The 8-bit pixels encode_levels writes for png8 (row 0 at the top)."""
        return np.round(np.flipud(self.levels) * 255).astype(np.uint8)

    @property
    def png8(self) -> bytes:
        return encode_levels(self.levels, self.meta)

    def json(self, drop: tuple[str, ...] = (), **changes) -> str:
        raw = {**self.meta.as_dict(), **changes}
        return json.dumps({key: value for key, value in raw.items() if key not in drop})


@pytest.fixture
def spec(harmonic_signal, small_config) -> Spectrogram:
    S = np.abs(stft(harmonic_signal, small_config))
    peak = peak_db(S)
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak, top_db=TOP_DB, encoding="png8")
    return Spectrogram(magnitude_to_unit(S, peak, TOP_DB), meta)


def png(image: Image.Image, text: str | None = None, key: str = "specimg",
        compressed: bool = False) -> bytes:
    buffer = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if text is not None:
        info.add_text(key, text, zip=compressed)
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg(image: Image.Image, comment: bytes | None = None, quality: int = 95) -> bytes:
    buffer = io.BytesIO()
    options = {} if comment is None else {"comment": comment}
    image.save(buffer, format="JPEG", quality=quality, **options)
    return buffer.getvalue()


def tiff(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="TIFF")
    return buffer.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int, text: str) -> bytes:
    """Like test_cli.huge_png (one real pixel, a header declaring ``width x height``), with
    specimg metadata, so the decoder's own path (not the frame counter's) meets the bomb."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"tEXt", b"specimg\x00" + text.encode())
            + png_chunk(b"IDAT", zlib.compress(b"\x00\x00")) + png_chunk(b"IEND", b""))


def jpeg_declaring(data: bytes, width: int, height: int) -> bytes:
    """A JPEG whose baseline frame header (SOF0) is patched to declare ``width x height``."""
    at = data.index(b"\xff\xc0")
    return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]


# --- running the core and the command ------------------------------------------------------------

def assert_core_fails_cleanly(data: bytes, name: str, problem: str, decode: str = "raises",
                              **options) -> None:
    """``invert_image`` raises one InputError naming ``name`` whose problem matches ``problem``.

    ``decode="raises"``: so does ``decode_image``. ``decode="either"``: the problem may only
    show at inversion (say, an unknown window), so ``decode_image`` may also return; but it
    must raise nothing else.
    """
    try:
        levels, _ = decode_image(data, name, **options)
    except InputError as exc:
        assert_clear_error(exc, name, problem)
    else:
        assert decode == "either", "decode_image accepted the file"
        assert levels.ndim == 2
    if "meta" in options:  # invert_image calls decode_image's meta its fallback
        options["fallback"] = options.pop("meta")
    with pytest.raises(InputError) as caught:
        invert_image(data, name, n_iter=2, **options)
    assert_clear_error(caught.value, name, problem)


def assert_clear_error(exc: InputError, name: str, problem: str) -> None:
    assert exc.path == name
    assert str(exc).startswith(f"{name}: ")
    assert "\n" not in str(exc)
    assert re.search(problem, exc.problem), exc.problem


@dataclass
class Run:
    status: int
    lines: list[str]  # stdout
    stderr: str
    outputs: list[str]  # everything under the output folder, hidden files included
    folder: Path
    out: Path

    @property
    def failures(self) -> list[str]:
        return [line for line in self.lines if line.startswith("  failed: ")]


def run_invert(tmp_path: Path, capfd, files: dict[str, bytes], *flags: str) -> Run:
    """``specimg invert`` on ``files`` (written to tmp_path/in), given one by one.

    capfd, not capsys: the images are inverted in worker processes, whose stderr (where a
    traceback would go) only file-descriptor capture sees.
    """
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = tmp_path / "out"
    capfd.readouterr()
    status = main(["invert", *(str(folder / name) for name in files), "-o", str(out),
                   *CLI_SPEED, *flags])
    captured = capfd.readouterr()
    outputs = sorted(str(p.relative_to(out)) for p in out.rglob("*")) if out.exists() else []
    return Run(status, captured.out.splitlines(), captured.err, outputs, folder, out)


def assert_cli_fails_cleanly(run: Run, name: str, problem: str) -> None:
    """One failure line for ``name`` (and nothing else), the good image done, no traceback."""
    printed = "\n".join(run.lines)
    assert run.status == 1, printed
    assert "Traceback" not in printed + run.stderr, run.stderr
    assert run.lines[0].startswith("specimg invert: 1 done, 0 skipped"), printed
    assert run.lines[0].endswith(", 1 failed"), printed
    others = [line for line in run.lines[1:] if not line.startswith("  consistency SC")]
    assert others == run.failures and len(run.failures) == 1, printed  # the good one's score
    prefix = f"  failed: {run.folder / name}: "
    assert run.failures[0].startswith(prefix), printed
    reason = run.failures[0].removeprefix(prefix)
    assert "unexpected" not in reason, reason  # cli._describe's word for an uncaught bug
    assert re.search(problem, reason), reason
    assert run.outputs == ["good.wav"]  # no output, partial or temporary, for the bad image


def assert_cli_processes(run: Run, names: list[str]) -> None:
    printed = "\n".join(run.lines)
    assert run.status == 0, printed
    assert "Traceback" not in printed + run.stderr, run.stderr
    assert run.lines[0].startswith(f"specimg invert: {len(names)} done, 0 skipped"), printed
    assert run.lines[0].endswith(", 0 failed") and not run.failures, printed
    assert run.outputs == sorted(Path(name).stem + ".wav" for name in names)


def read_wav(path: Path) -> np.ndarray:
    y, sr = sf.read(path, dtype="float32")
    assert sr == 8000
    return y


def assert_same_audio(path: Path, reference: Path, max_sc_db: float = -40.0) -> None:
    """The two outputs have (nearly) the same spectrogram. Identical decoded levels give
    identical audio (same phase seed): every PNG/TIFF case here (measured). A JPEG q100 copy
    (levels within 1.5 steps) measured -43 dB spectral convergence."""
    y, z = read_wav(path), read_wav(reference)
    assert len(y) == len(z)
    if np.array_equal(y, z):
        return
    config = StftConfig(sr=8000, n_fft=256, hop_length=64)
    assert spectral_convergence_db(np.abs(stft(z, config)), np.abs(stft(y, config))) < max_sc_db


# --- not images at all ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [("page.png", b"<!DOCTYPE html><html><body>404</body></html>", "is not an image file"),
     ("page.jpg", b"<html>not an image</html>", "is not an image file"),
     ("empty.png", b"", "is not an image file"),
     ("text.png", "spectrogram \u2013 see attached".encode(), "is not an image file")],
    ids=["HTML as .png", "HTML as .jpg", "empty", "text"],
)
def test_files_that_are_not_images(spec, tmp_path, capfd, name, content, problem):
    assert_core_fails_cleanly(content, name, problem)
    run = run_invert(tmp_path, capfd, {name: content, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, name, problem)


def test_a_png_named_jpg_is_read_by_its_content(spec, tmp_path, capfd):
    decoded, _ = decode_image(spec.png8, "actually-png.jpg")
    np.testing.assert_allclose(decoded, spec.levels, atol=PNG8_TOLERANCE)
    run = run_invert(tmp_path, capfd, {"actually-png.jpg": spec.png8, "good.png": spec.png8})
    assert_cli_processes(run, ["actually-png.jpg", "good.png"])
    assert_same_audio(run.out / "actually-png.wav", run.out / "good.wav")


# --- truncated files -------------------------------------------------------------------------

TRUNCATED = "is not a readable image|is not an image file"


def truncation_points(data: bytes, marker: bytes) -> dict[str, int]:
    at = data.index(marker)
    return {"signature": 4, "header": 20, "metadata": at + 20, "pixels": (at + len(data)) // 2,
            "last byte": len(data) - 1}


@pytest.mark.parametrize(
    ("where", "progressive"),
    [("signature", False), ("header", False), ("metadata", False), ("pixels", False),
     ("last byte", False), ("pixels", True)],
    ids=["signature", "header", "metadata", "pixels", "last byte", "progressive, pixels"],
)
def test_truncated_jpeg(spec, tmp_path, capfd, where, progressive):
    comment = b"specimg:" + spec.json(encoding="jpeg95").encode()
    buffer = io.BytesIO()
    Image.fromarray(spec.grey8).save(buffer, format="JPEG", quality=95, comment=comment,
                                     progressive=progressive)
    whole = buffer.getvalue()
    data = whole[: truncation_points(whole, b"specimg:")[where]]
    assert_core_fails_cleanly(data, "cut.jpg", TRUNCATED)
    run = run_invert(tmp_path, capfd, {"cut.jpg": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "cut.jpg", TRUNCATED)


@pytest.mark.parametrize("where", ["signature", "header", "metadata", "pixels"])
def test_truncated_png(spec, tmp_path, capfd, where):
    whole = spec.png8
    data = whole[: truncation_points(whole, b"tEXt")[where]]
    assert_core_fails_cleanly(data, "cut.png", TRUNCATED)
    run = run_invert(tmp_path, capfd, {"cut.png": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "cut.png", TRUNCATED)


def test_png_cut_after_its_pixel_data_still_inverts(spec, tmp_path, capfd):
    """Only the 12-byte IEND chunk missing: every pixel is there, so the image is usable."""
    data = spec.png8[:-12]
    decoded, _ = decode_image(data, "no-end.png")
    np.testing.assert_allclose(decoded, spec.levels, atol=PNG8_TOLERANCE)
    run = run_invert(tmp_path, capfd, {"no-end.png": data, "good.png": spec.png8})
    assert_cli_processes(run, ["no-end.png", "good.png"])
    assert_same_audio(run.out / "no-end.wav", run.out / "good.wav")


# --- other image modes: they carry the same spectrogram and must invert -------------------------

def rgba(grey: np.ndarray) -> Image.Image:
    image = Image.fromarray(grey).convert("RGBA")
    alpha = np.linspace(0, 255, grey.size).reshape(grey.shape).astype(np.uint8)
    image.putalpha(Image.fromarray(alpha))  # alpha, even 0, is ignored
    return image


def palette(grey: np.ndarray, cmap: str) -> Image.Image:
    image = Image.frombytes("P", grey.shape[::-1], grey.tobytes())
    image.putpalette(np.round(colormap_table(cmap)).astype(np.uint8).tobytes())
    return image


def sixteen_bit(grey: np.ndarray, mode: str) -> Image.Image:
    """16-bit grey as an editor makes it from 8-bit: each value times 257 (0..255 to 0..65535)."""
    values = grey.astype(np.uint16) * 257
    dtype = ">u2" if mode == "I;16B" else "<u2"
    return Image.frombytes(mode, grey.shape[::-1], values.astype(dtype).tobytes())


MODES = {
    "RGBA": rgba,
    "LA": lambda grey: Image.fromarray(grey).convert("LA"),
    "P-grey": lambda grey: palette(grey, "gray"),
    "P-magma": lambda grey: palette(grey, "magma"),
    "I;16": lambda grey: sixteen_bit(grey, "I;16"),
    "I;16B": lambda grey: sixteen_bit(grey, "I;16B"),  # PNG stores big-endian; read as I;16
}


@pytest.mark.parametrize("mode", list(MODES))
def test_other_modes_of_a_png_invert_like_the_grey_original(spec, tmp_path, capfd, mode):
    cmap = "magma" if mode == "P-magma" else "gray"
    data = png(MODES[mode](spec.grey8), spec.json(cmap=cmap))
    expected_mode = {"P-grey": "P", "P-magma": "P", "I;16B": "I;16"}.get(mode, mode)
    assert Image.open(io.BytesIO(data)).mode == expected_mode
    decoded, meta = decode_image(data, "mode.png")
    assert meta.cmap == cmap
    # The same 8-bit levels come back; nearest-colour inversion of a palette rounded to whole
    # RGB values may land one step off where two colours of the map round alike (none do for
    # magma, measured).
    np.testing.assert_allclose(decoded, spec.levels, atol=PNG8_TOLERANCE)
    assert invert_image(data, "mode.png", n_iter=2).y.shape == (spec.meta.length,)
    run = run_invert(tmp_path, capfd, {"mode.png": data, "good.png": spec.png8})
    assert_cli_processes(run, ["mode.png", "good.png"])
    assert_same_audio(run.out / "mode.wav", run.out / "good.wav")


@pytest.mark.parametrize("mode", ["I;16", "I;16B"])
def test_sixteen_bit_tiff_without_metadata_inverts_with_flags(spec, tmp_path, capfd, mode):
    """TIFF carries no specimg metadata, and Pillow keeps big-endian TIFF as mode I;16B."""
    data = tiff(sixteen_bit(spec.grey8, mode))
    assert Image.open(io.BytesIO(data)).mode == mode
    fallback = replace(spec.meta, encoding="foreign")
    decoded, _ = decode_image(data, "deep.tif", meta=fallback)
    np.testing.assert_allclose(decoded, spec.levels, atol=PNG8_TOLERANCE)
    flags = [*GRID_FLAGS, "--peak-db", repr(spec.meta.peak_db)]
    run = run_invert(tmp_path, capfd, {"deep.tif": data, "good.png": spec.png8}, *flags)
    assert_cli_processes(run, ["deep.tif", "good.png"])
    assert_same_audio(run.out / "deep.wav", run.out / "good.wav")


# --- 1 x 1 pictures ------------------------------------------------------------------------------

def test_one_pixel_with_a_one_cell_grid_inverts_to_its_empty_signal(spec, tmp_path, capfd):
    """A consistent 1 x 1 spectrogram: one bin (n_fft 1), one frame, of a 0-sample signal."""
    one = spec.json(n_fft=1, hop_length=1, n_frames=1, length=0)
    data = png(Image.new("L", (1, 1), 200), one)
    decoded, _ = decode_image(data, "one.png")
    assert decoded.shape == (1, 1) and decoded[0, 0] == pytest.approx(200 / 255)
    assert invert_image(data, "one.png").y.shape == (0,)
    run = run_invert(tmp_path, capfd, {"one.png": data, "good.png": spec.png8})
    assert_cli_processes(run, ["one.png", "good.png"])
    assert sf.info(run.out / "one.wav").frames == 0


# --- metadata: missing ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    "variant", ["png without text", "png, other key", "jpeg without comment",
                "jpeg, comment without prefix", "RGBA png without text", "16-bit png without text"],
)
def test_missing_metadata_asks_for_the_flags_then_inverts_with_them(spec, tmp_path, capfd,
                                                                    variant):
    image = Image.fromarray(spec.grey8)
    data = {
        "png without text": lambda: png(image),
        "png, other key": lambda: png(image, spec.json(), key="Comment"),
        "jpeg without comment": lambda: jpeg(image, quality=100),
        "jpeg, comment without prefix": lambda: jpeg(image, spec.json().encode(), quality=100),
        "RGBA png without text": lambda: png(rgba(spec.grey8)),
        "16-bit png without text": lambda: png(sixteen_bit(spec.grey8, "I;16")),
    }[variant]()
    name = "bare.jpg" if variant.startswith("jpeg") else "bare.png"
    assert_core_fails_cleanly(data, name, "has no specimg metadata")
    # One pixel per frame: no cell edges to count frames from, so the command needs --frames.
    run = run_invert(tmp_path, capfd, {name: data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, name, r"no specimg metadata.*--duration or --frames")

    fallback = replace(spec.meta, encoding="foreign")
    decoded, _ = decode_image(data, name, meta=fallback)
    tolerance = 3 / 255 if name.endswith(".jpg") else PNG8_TOLERANCE  # q100: measured 1.5/255
    np.testing.assert_allclose(decoded, spec.levels, atol=tolerance)
    run = run_invert(tmp_path / "again", capfd, {name: data, "good.png": spec.png8},
                     *GRID_FLAGS, "--peak-db", repr(spec.meta.peak_db))
    assert_cli_processes(run, [name, "good.png"])
    assert_same_audio(run.out / (Path(name).stem + ".wav"), run.out / "good.wav",
                      max_sc_db=-30 if name.endswith(".jpg") else -40)


def test_metadata_in_a_compressed_text_chunk_is_found(spec, tmp_path, capfd):
    data = png(Image.fromarray(spec.grey8), spec.json(), compressed=True)
    assert b"zTXt" in data
    decoded, meta = decode_image(data, "z.png")
    assert meta == spec.meta
    np.testing.assert_allclose(decoded, spec.levels, atol=PNG8_TOLERANCE)
    run = run_invert(tmp_path, capfd, {"z.png": data, "good.png": spec.png8})
    assert_cli_processes(run, ["z.png", "good.png"])


# --- metadata: malformed -------------------------------------------------------------------------

MALFORMED = "malformed specimg metadata|impossible specimg metadata"


MALFORMED_CASES = [
    # (id, metadata (a function of the Spectrogram), problem, decode, marks)
    ("not JSON", lambda s: "sr=8000, n_fft=256", MALFORMED, "raises", ()),
    ("empty", lambda s: "", MALFORMED, "raises", ()),
    ("JSON list", lambda s: "[8000, 256, 64]", MALFORMED, "raises", ()),
    ("JSON null", lambda s: "null", MALFORMED, "raises", ()),
    ("JSON cut short", lambda s: s.json()[:40], MALFORMED, "raises", ()),
    ("missing sr", lambda s: s.json(drop=("sr",)), MALFORMED, "raises", ()),
    ("missing n_frames", lambda s: s.json(drop=("n_frames",)), MALFORMED, "raises", ()),
    ("missing peak_db", lambda s: s.json(drop=("peak_db",)), MALFORMED, "raises", ()),
    ("sr a string", lambda s: s.json(sr="8000"), MALFORMED, "raises", ()),
    ("top_db a string", lambda s: s.json(top_db="80"), MALFORMED, "raises", ()),
    ("hop_length 0", lambda s: s.json(hop_length=0), MALFORMED, "raises", ()),
    ("negative length", lambda s: s.json(length=-1), MALFORMED, "raises", ()),
    ("unknown y_axis", lambda s: s.json(y_axis="bark"), MALFORMED, "raises", ()),
    ("unknown layout", lambda s: s.json(layout="spiral"), MALFORMED, "raises", ()),
    ("top_db NaN", lambda s: s.json(top_db=float("nan")), MALFORMED, "raises", ()),
    # Bugs: wrong types and values that pass ImageMeta.from_json's checks and then crash (or
    # worse) later, outside any InputError.
    ("n_fft a float", lambda s: s.json(n_fft=256.0), MALFORMED, "either",
     ()),
    ("hop_length a float", lambda s: s.json(hop_length=64.0), MALFORMED, "either",
     ()),
    ("length a float", lambda s: s.json(length=16000.0), MALFORMED, "either",
     ()),
    ("peak_db a string", lambda s: s.json(peak_db="-3"), MALFORMED, "either",
     ()),
    ("peak_db null", lambda s: s.json(peak_db=None), MALFORMED, "either",
     ()),
    ("unknown window", lambda s: s.json(window="bogus"), MALFORMED, "either",
     ()),
    ("peak_db NaN", lambda s: s.json(peak_db=float("nan")), MALFORMED, "either",
     ()),
    ("top_db Infinity", lambda s: s.json(top_db=float("inf")), MALFORMED, "either",
     ()),
    ("n_frames Infinity", lambda s: s.json(n_frames=float("inf")), MALFORMED, "raises",
     ()),
    ("n_fft 1e30", lambda s: s.json(n_fft=10**30), MALFORMED, "raises",
     ()),
    ("deeply nested JSON", lambda s: "[" * 100_000, MALFORMED, "raises",
     ()),
]


@pytest.mark.parametrize(
    ("make", "problem", "decode"),
    [pytest.param(make, problem, decode, marks=marks, id=case_id)
     for case_id, make, problem, decode, marks in MALFORMED_CASES],
)
def test_malformed_metadata_in_a_png(spec, tmp_path, capfd, make, problem, decode):
    data = png(Image.fromarray(spec.grey8), make(spec))
    assert_core_fails_cleanly(data, "meta.png", problem, decode)
    run = run_invert(tmp_path, capfd, {"meta.png": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "meta.png", problem)


@pytest.mark.parametrize(
    "comment",
    [pytest.param(b"specimg:{\"sr\": 8000", id="JSON cut short"),
     pytest.param(b"specimg:\xff\xfe\x00not utf-8", id="not UTF-8"),
     pytest.param(b"specimg:", id="empty after the prefix")],
)
def test_malformed_metadata_in_a_jpeg_comment(spec, tmp_path, capfd, comment):
    data = jpeg(Image.fromarray(spec.grey8), comment)
    assert_core_fails_cleanly(data, "meta.jpg", MALFORMED)
    run = run_invert(tmp_path, capfd, {"meta.jpg": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "meta.jpg", MALFORMED)


@pytest.mark.parametrize("cmap", ["bogus", 5])
def test_unknown_colormap_in_a_colour_picture(spec, tmp_path, capfd, cmap):
    data = png(Image.fromarray(spec.grey8).convert("RGB"), spec.json(cmap=cmap))
    assert_core_fails_cleanly(data, "colour.png", "colormap|cmap|malformed|impossible")
    run = run_invert(tmp_path, capfd, {"colour.png": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "colour.png", "colormap|cmap|malformed|impossible")


# --- metadata that contradicts the picture -------------------------------------------------------

def test_picture_finer_than_its_grid_is_area_averaged(spec, tmp_path, capfd):
    """Metadata for a grid coarser than the pixels (3 x 2 px per cell, as a specshow picture
    has many) is no contradiction: each cell is the mean of its pixels."""
    data = png(Image.fromarray(np.kron(spec.grey8, np.ones((3, 2), np.uint8))), spec.json())
    decoded, _ = decode_image(data, "big.png")
    np.testing.assert_allclose(decoded, spec.levels, atol=PNG8_TOLERANCE)
    run = run_invert(tmp_path, capfd, {"big.png": data, "good.png": spec.png8})
    assert_cli_processes(run, ["big.png", "good.png"])
    assert_same_audio(run.out / "big.wav", run.out / "good.wav")


CONTRADICTION = r"\d+ x \d+|pixel|cell|frames|bins|grid|metadata"


def test_n_frames_contradicting_length(spec, tmp_path, capfd):
    data = png(Image.fromarray(spec.grey8[:, :250]), spec.json(n_frames=250))
    assert_core_fails_cleanly(data, "frames.png", CONTRADICTION, decode="either")
    run = run_invert(tmp_path, capfd, {"frames.png": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "frames.png", CONTRADICTION)


@pytest.mark.parametrize("case", ["1 x 1 picture", "grid twice as fine as the pixels"])
def test_picture_coarser_than_its_grid(spec, tmp_path, capfd, case):
    if case == "1 x 1 picture":
        data = png(Image.new("L", (1, 1), 128), spec.json())
    else:
        data = png(Image.fromarray(spec.grey8),
                   spec.json(n_fft=512, n_frames=501, length=500 * 64))
    assert_core_fails_cleanly(data, "small.png", CONTRADICTION)
    run = run_invert(tmp_path, capfd, {"small.png": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "small.png", CONTRADICTION)


def test_metadata_grid_over_the_pixel_limit(spec, tmp_path, capfd):
    data = png(Image.new("L", (1, 1), 128), spec.json(n_frames=2000, length=1999 * 64))
    assert_core_fails_cleanly(data, "grid.png", "max-pixels", max_pixels=40_000)
    run = run_invert(tmp_path, capfd, {"grid.png": data, "good.png": spec.png8},
                     "--max-pixels", "40000")
    assert_cli_fails_cleanly(run, "grid.png", "max-pixels")


# --- decompression bombs -------------------------------------------------------------------------

def test_png_bomb_without_metadata_in_the_core(spec):
    """test_cli covers this bomb in the command (through the frame counter)."""
    assert_core_fails_cleanly(huge_png(), "bomb.png", r"100000 x 100000 .*--max-pixels")


def test_png_bomb_with_metadata(spec, tmp_path, capfd):
    data = png_declaring(100_000, 100_000, spec.json())
    assert_core_fails_cleanly(data, "bomb.png", r"100000 x 100000 .*--max-pixels")
    run = run_invert(tmp_path, capfd, {"bomb.png": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "bomb.png", r"100000 x 100000 .*--max-pixels")


@pytest.mark.parametrize("with_metadata", [True, False], ids=["metadata", "no metadata"])
def test_jpeg_bomb(spec, tmp_path, capfd, with_metadata):
    """A JPEG declaring 65535 x 65535 px (4.3 Gpixel, its data is for 129 x 251 px) is refused
    before decoding, over a 1 Mpixel limit and over the default: no reduced scale sneaks it in."""
    comment = b"specimg:" + spec.json().encode() if with_metadata else None
    data = jpeg_declaring(jpeg(Image.fromarray(spec.grey8), comment), 65535, 65535)
    options = {} if with_metadata else {"meta": spec.meta}
    assert_core_fails_cleanly(data, "bomb.jpg", r"65535 x 65535 .*--max-pixels",
                              max_pixels=1_000_000, **options)
    assert_core_fails_cleanly(data, "bomb.jpg", r"65535 x 65535 .*--max-pixels", **options)
    run = run_invert(tmp_path, capfd, {"bomb.jpg": data, "good.png": spec.png8},
                     "--max-pixels", "1000000")
    assert_cli_fails_cleanly(run, "bomb.jpg", r"65535 x 65535 .*--max-pixels")
    run = run_invert(tmp_path / "default", capfd, {"bomb.jpg": data, "good.png": spec.png8})
    assert_cli_fails_cleanly(run, "bomb.jpg", r"65535 x 65535 .*--max-pixels")
