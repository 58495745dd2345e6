import io
from dataclasses import replace

import librosa
import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from specimg.core.spectrum import magnitude_to_unit, peak_db, stft
from specimg.image import (
    ImageMeta,
    decode_image,
    encode_levels,
    image_suffix,
    parse_encoding,
    render_specshow,
    specshow_figure,
)
from specimg.util.errors import InputError

TOP_DB = 80.0


@pytest.fixture
def spectrogram(harmonic_signal, small_config):
    S = np.abs(stft(harmonic_signal, small_config))
    peak = peak_db(S)
    levels = magnitude_to_unit(S, peak, TOP_DB)
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak, top_db=TOP_DB)
    return levels, meta


def with_encoding(meta, encoding, **changes):
    return replace(meta, encoding=encoding, **changes)


@pytest.mark.parametrize(
    ("name", "parsed"),
    [("png16", ("png", 16)), ("png8", ("png", 8)), ("jpeg75", ("jpeg", 75)),
     ("jpeg100", ("jpeg", 100)), ("specshow", ("specshow", None))],
)
def test_parse_encoding(name, parsed):
    assert parse_encoding(name) == parsed


@pytest.mark.parametrize("name", ["png", "png12", "jpeg0", "jpeg101", "gif", "JPEG75"])
def test_parse_encoding_rejects(name):
    with pytest.raises(ValueError):
        parse_encoding(name)


def test_image_suffix():
    assert [image_suffix(e) for e in ("png8", "jpeg50", "specshow")] == [".png", ".jpg", ".jpg"]


# Worst-case error in dB each codec is allowed over an 80 dB range: half a level step for PNG,
# measured JPEG artefacts (with margin) otherwise.
@pytest.mark.parametrize(
    ("encoding", "max_db", "rms_db"),
    [("png16", TOP_DB / 65535 / 2 + 1e-4, 0.001), ("png8", TOP_DB / 255 / 2 + 1e-4, 0.1),
     ("jpeg95", 4.0, 1.0), ("jpeg75", 16.0, 3.0)],
)
def test_codec_round_trip(spectrogram, encoding, max_db, rms_db):
    levels, meta = spectrogram
    meta = with_encoding(meta, encoding)
    decoded, decoded_meta = decode_image(encode_levels(levels, meta))
    error_db = TOP_DB * (decoded - levels)
    assert decoded_meta == meta
    assert decoded.shape == levels.shape
    assert np.abs(error_db).max() <= max_db
    assert np.sqrt(np.mean(error_db**2)) <= rms_db


def test_low_frequencies_are_the_bottom_rows(spectrogram):
    levels, meta = spectrogram
    ramp = np.repeat(np.linspace(1.0, 0.0, levels.shape[0])[:, None], levels.shape[1], axis=1)
    image = Image.open(io.BytesIO(encode_levels(ramp, with_encoding(meta, "png8"))))
    pixels = np.asarray(image)
    assert pixels[-1].min() == 255 and pixels[0].max() == 0


def test_encoding_is_deterministic(spectrogram):
    levels, meta = spectrogram
    for encoding in ("png16", "jpeg75"):
        meta = with_encoding(meta, encoding)
        assert encode_levels(levels, meta) == encode_levels(levels, meta)


# A specshow picture with at least one pixel per STFT cell decodes back to the grid. The
# tolerances are the measured errors (gray q95: 0.22 dB RMS; colour maps, whose inversion is
# by nearest colour after JPEG chroma subsampling: up to 1.5 dB RMS) with margin.
@pytest.mark.parametrize(
    ("cmap", "rms_db"),
    [("gray", 0.5), ("gray_r", 0.5), ("Greys", 0.5), ("magma", 2.5), ("viridis", 2.5),
     ("inferno", 2.5), ("plasma", 2.5)],
)
def test_specshow_rendering_decodes_to_the_stft_grid(spectrogram, cmap, rms_db):
    levels, meta = spectrogram
    meta = with_encoding(meta, "specshow", cmap=cmap)
    db = meta.peak_db - TOP_DB + TOP_DB * levels
    data = render_specshow(db, meta, figsize=(4, 4), dpi=100, quality=95)
    assert Image.open(io.BytesIO(data)).size == (400, 400)
    decoded, decoded_meta = decode_image(data)
    error_db = TOP_DB * (decoded - levels)
    assert decoded_meta == meta
    assert np.sqrt(np.mean(error_db**2)) <= rms_db
    assert abs(np.mean(error_db)) <= 0.5


def test_garbage_and_unlabelled_images_raise_input_error(spectrogram):
    _, meta = spectrogram
    with pytest.raises(InputError, match=r"page\.png: is not an image file"):
        decode_image(b"<html></html>", "page.png")
    buffer = io.BytesIO()
    Image.fromarray(np.zeros((4, 4), np.uint8)).save(buffer, format="PNG")
    with pytest.raises(InputError, match="no specimg metadata"):
        decode_image(buffer.getvalue(), "bare.png")
    decoded, used = decode_image(buffer.getvalue(), "bare.png",
                                 meta=with_encoding(meta, "png8", n_frames=4,
                                                    stft=replace(meta.stft, n_fft=6),
                                                    length=3 * meta.stft.hop_length))
    assert decoded.shape == (4, 4) and used.stft.n_fft == 6


def test_malformed_metadata_raises_input_error():
    for text in ('{"sr": 1', '{"sr": -5, "n_fft": 256}', '[1, 2]',
                 '{"sr": 8000, "n_fft": 256, "hop_length": 0, "window": "hann", "center": true,'
                 ' "n_frames": 3, "length": 10, "peak_db": 0, "top_db": 80}'):
        with pytest.raises(InputError):
            ImageMeta.from_json(text, "x.png")


def test_large_jpeg_decodes_at_full_resolution_within_the_pixel_limit(spectrogram):
    levels, meta = spectrogram
    meta = with_encoding(meta, "jpeg95")
    scale = 16  # 16 x 16 pixels per cell: 2064 x 4016 = 8.3 Mpixel
    big = np.kron(np.flipud(levels), np.ones((scale, scale), np.float32))
    buffer = io.BytesIO()
    Image.fromarray(np.round(big * 255).astype(np.uint8)).save(
        buffer, format="JPEG", quality=95, comment=b"specimg:" + meta.to_json().encode())
    decoded, _ = decode_image(buffer.getvalue(), "big.jpg", max_pixels=9_000_000)
    error_db = TOP_DB * (decoded - levels)
    assert np.sqrt(np.mean(error_db**2)) < 0.1  # 256 JPEG pixels average out in each cell
    with pytest.raises(InputError, match="max-pixels"):  # no reduced scale sneaks under it
        decode_image(buffer.getvalue(), "big.jpg", max_pixels=8_000_000)


def _mel_db(signal, config, n_mels):
    M = librosa.feature.melspectrogram(y=signal, sr=config.sr, n_fft=config.n_fft,
                                       hop_length=config.hop_length, n_mels=n_mels)
    return M, librosa.power_to_db(M, ref=np.max, top_db=TOP_DB)


# specshow on mel and log axes draws bands non-uniformly; measured (gray q95, 400 px, 64 bands):
# mel 1.5 dB RMS at 128 bands of 22 kHz audio, tolerance with margin.
@pytest.mark.parametrize(("y_axis", "cmap", "rms_db"),
                         [("mel", "gray", 2.5), ("mel", "magma", 3.0), ("log", "gray", 2.5)])
def test_specshow_on_mel_and_log_axes_decodes_to_its_bands(harmonic_signal, small_config,
                                                           y_axis, cmap, rms_db):
    if y_axis == "mel":
        _, db = _mel_db(harmonic_signal, small_config, 64)
    else:
        S = np.abs(stft(harmonic_signal, small_config))
        db = librosa.amplitude_to_db(S, ref=np.max, top_db=TOP_DB)
    meta = ImageMeta(small_config, n_frames=db.shape[1], length=len(harmonic_signal),
                     peak_db=0.0, top_db=TOP_DB, cmap=cmap, y_axis=y_axis, n_mels=64,
                     layout="specshow")
    figure = specshow_figure(db, meta, (4, 4), 100, cmap=cmap)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="jpeg", pil_kwargs={"quality": 95})
    decoded, _ = decode_image(buffer.getvalue(), "picture.jpg", meta=meta)
    expected = (db - db.min()) / (db.max() - db.min())
    assert decoded.shape == db.shape
    error_db = TOP_DB * (decoded - expected)
    assert np.sqrt(np.mean(error_db**2)) < rms_db
    assert abs(np.mean(error_db)) < 0.5


def test_audio_diffusion_style_mel_image_round_trip(harmonic_signal, small_config):
    _, db = _mel_db(harmonic_signal, small_config, 64)
    pixels = (((db + TOP_DB) * 255 / TOP_DB).clip(0, 255) + 0.5).astype(np.uint8)  # row 0 low
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    meta = ImageMeta(small_config, n_frames=db.shape[1], length=len(harmonic_signal),
                     peak_db=0.0, top_db=TOP_DB, y_axis="mel", n_mels=64, low_row="top")
    decoded, _ = decode_image(buffer.getvalue(), "ad.png", meta=meta)
    np.testing.assert_allclose(TOP_DB * decoded, db + TOP_DB, atol=TOP_DB / 255 / 2 + 1e-3)


def test_specshow_picture_coarser_than_its_frames_still_decodes(spectrogram):
    """A 60 s clip has 2584 frames; the default 2000 px specshow figure is narrower."""
    levels, meta = spectrogram
    meta = with_encoding(meta, "specshow")
    db = meta.peak_db - TOP_DB + TOP_DB * levels
    data = render_specshow(db, meta, figsize=(1.5, 1.5), dpi=100, quality=95)
    width, height = Image.open(io.BytesIO(data)).size
    assert width < meta.n_frames and height > 0
    decoded, _ = decode_image(data)
    assert decoded.shape == levels.shape
    assert np.sqrt(np.mean((TOP_DB * (decoded - levels)) ** 2)) < 12.0  # blurred, not refused


@pytest.mark.parametrize("chunk", ["tEXt", "zTXt", "iTXt"])
@pytest.mark.parametrize("key", ["comment", "Comment", "Software", "specimg-not"])
def test_foreign_text_chunks_are_ignored(spectrogram, chunk, key):
    levels, meta = spectrogram
    info = PngImagePlugin.PngInfo()
    if chunk == "iTXt":
        info.add_itxt(key, "made elsewhere, ünïcödé")
    else:
        info.add_text(key, "made elsewhere", zip=chunk == "zTXt")
    buffer = io.BytesIO()
    Image.fromarray(np.round(np.flipud(levels) * 255).astype(np.uint8)).save(
        buffer, format="PNG", pnginfo=info)
    decoded, _ = decode_image(buffer.getvalue(), "other.png", meta=with_encoding(meta, "png8"))
    assert np.abs(TOP_DB * (decoded - levels)).max() <= TOP_DB / 255 / 2 + 1e-4


def test_foreign_jpeg_comment_is_ignored(spectrogram):
    levels, meta = spectrogram
    buffer = io.BytesIO()
    Image.fromarray(np.round(np.flipud(levels) * 255).astype(np.uint8)).save(
        buffer, format="JPEG", quality=95, comment=b"CREATOR: gd-jpeg v1.0")
    decoded, used = decode_image(buffer.getvalue(), "other.jpg", meta=with_encoding(meta, "jpeg95"))
    assert used.encoding == "jpeg95" and decoded.shape == levels.shape


def test_encode_magnitude_stores_what_inverts_the_picture(harmonic_signal, small_config):
    from specimg.image.codec import encode_magnitude
    from specimg.inversion import image_to_magnitude

    S = np.abs(stft(harmonic_signal, small_config))
    data = encode_magnitude(S, small_config, length=len(harmonic_signal), top_db=TOP_DB,
                            encoding="png16")
    decoded, meta = image_to_magnitude(data, floor_silence=False)
    assert meta == ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                             peak_db=peak_db(S), top_db=TOP_DB, encoding="png16")
    kept = S > S.max() * 10 ** (-TOP_DB / 20)  # above the floor: within 16-bit steps
    np.testing.assert_allclose(decoded[kept], S[kept], rtol=2e-4)


def test_image_files_lists_pictures_only(tmp_path):
    from specimg.image.codec import image_files

    for name in ("b.png", "a.JPG", ".hidden.png", "notes.txt", "sub/c.webp", "sub/.d.jpg"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"")
    (tmp_path / "folder.png").mkdir()
    assert image_files(tmp_path) == [tmp_path / "a.JPG", tmp_path / "b.png"]
    assert image_files(tmp_path, recursive=True) == [
        tmp_path / "a.JPG", tmp_path / "b.png", tmp_path / "sub/c.webp"]
