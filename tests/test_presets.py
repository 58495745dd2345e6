"""Riffusion's and audio-diffusion's pictures: drawn as their code draws them, read back with no
flags (Riffusion's EXIF tags) or by preset."""

import io
import re
from dataclasses import replace

import librosa
import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from specimg.core.mel import mel_filters
from specimg.image.codec import open_image
from specimg.image.metadata import read_meta
from specimg.image.preset_pictures import (
    audio_diffusion_levels,
    audio_diffusion_picture,
    riffusion_mel,
    riffusion_picture,
)
from specimg.image.presets import AUDIO_DIFFUSION, RIFFUSION, preset_meta
from specimg.inversion import image_to_magnitude, invert_image
from specimg.study.metrics import spectral_convergence_db
from specimg.util.errors import InputError

SR = 44100


@pytest.fixture(scope="module")
def tones() -> np.ndarray:
    """1 s at 44.1 kHz: 440 Hz and 3 kHz with a slow envelope, faint noise."""
    t = np.arange(SR) / SR
    y = 0.4 * np.sin(2 * np.pi * 440 * t) + 0.1 * np.sin(2 * np.pi * 3000 * t) * t
    y += 1e-3 * np.random.default_rng(1).standard_normal(len(t))
    return y.astype(np.float32)


@pytest.fixture(scope="module")
def riffusion_png(tones) -> bytes:
    return riffusion_picture(tones, SR)


def _riffusion_pixels(y):
    """Riffusion's picture by its own recipe, with librosa for torchaudio: mel of |STFT| of
    16-bit sample values, then ``image_from_spectrogram``'s lines."""
    samples = np.clip(np.round(y * 32768), -32768, 32767).astype(np.float32)
    S = np.abs(librosa.stft(samples, n_fft=17640, hop_length=441, win_length=4410,
                            pad_mode="reflect"))
    mel = librosa.filters.mel(sr=SR, n_fft=17640, n_mels=512, fmax=10000, htk=True,
                              norm=None) @ S
    data = np.power(mel / np.max(mel), 0.25) * 255
    return np.flipud((255 - data).astype(np.uint8)), float(np.max(mel))


def test_riffusion_picture_is_drawn_as_riffusion_draws(tones, riffusion_png):
    image = Image.open(io.BytesIO(riffusion_png))
    assert image.format == "PNG" and image.mode == "RGB" and image.size == (101, 512)
    rgb = np.asarray(image)
    assert np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 0], rgb[..., 2])
    expected, max_value = _riffusion_pixels(tones)
    # Same arithmetic; only float rounding of a value at an integer step may differ.
    assert np.mean(rgb[..., 0] != expected) < 1e-3
    assert np.max(np.abs(rgb[..., 0].astype(int) - expected)) <= 1
    exif = image.getexif()
    assert exif[11000] == 44100 and exif[11010] == 10 and exif[11020] == 100
    assert exif[11030] == 400 and exif[11040] == 512 and exif[11060] == 10000
    assert exif[11070] == 0.25 and exif[11080] == pytest.approx(max_value, rel=1e-5)
    # Low frequencies at the bottom: 440 Hz is the darkest (loudest) row, in the lower part.
    loudest_row = int(np.argmin(rgb[..., 0].astype(float).mean(axis=1)))
    band_440 = np.argmax(mel_filters(RIFFUSION.stft, n_mels=512, fmax=10000, htk=True,
                                     norm="none")[:, round(440 / SR * 17640)])
    assert loudest_row == 511 - band_440


def test_riffusion_picture_inverts_with_no_flags(tones, riffusion_png):
    meta = read_meta(open_image(riffusion_png))
    max_value = Image.open(io.BytesIO(riffusion_png)).getexif()[11080]
    assert meta == replace(RIFFUSION, max_value=max_value).meta(101)
    assert (meta.stft.n_fft, meta.stft.win_length, meta.stft.hop_length) == (17640, 4410, 441)
    assert (meta.n_frames, meta.length, meta.n_mels, meta.cmap) == (101, 44100, 512, "gray_r")
    S, _ = image_to_magnitude(riffusion_png, floor_silence=False)
    mel = riffusion_mel(tones, SR) / 32768
    basis = mel_filters(meta.stft, n_mels=512, fmax=10000, htk=True, norm="none")
    # The bands come back to within the picture's 8-bit power-law steps (measured: -39.7 dB;
    # the same pixels read as plain grey: +17.6 dB).
    assert spectral_convergence_db(mel, basis @ S) < -35
    result = invert_image(riffusion_png, n_iter=10, workers=1)
    assert result.loudness_known and len(result.y) == 44100
    reference = np.abs(librosa.stft(tones, n_fft=17640, hop_length=441, win_length=4410))
    rebuilt = np.abs(librosa.stft(result.y, n_fft=17640, hop_length=441, win_length=4410))
    kept = slice(0, round(10000 / SR * 17640))  # the bins under the bands
    assert spectral_convergence_db(reference[kept], rebuilt[kept]) < -15  # measured -21.7


def test_a_jpeg_resave_keeps_the_parameters(riffusion_png):
    image = Image.open(io.BytesIO(riffusion_png))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95, exif=image.getexif())
    jpeg = buffer.getvalue()
    assert b"Exif\0\0" in jpeg[:2000]
    png_meta = read_meta(open_image(riffusion_png))
    assert read_meta(open_image(jpeg)) == png_meta
    S_png, _ = image_to_magnitude(riffusion_png)
    S_jpeg, _ = image_to_magnitude(jpeg)
    assert spectral_convergence_db(S_png, S_jpeg) < -30  # measured -38.1 dB


def _with_tag(png: bytes, tag: int, value) -> bytes:
    image = Image.open(io.BytesIO(png))
    exif = image.getexif()
    if value is None:
        del exif[tag]
    else:
        exif[tag] = value
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(("tag", "value", "says"), [
    (11010, 0, "11010 (step ms) = 0"), (11020, 500, "11020 (window ms) = 500"),
    (11060, 30000, "11060 (max Hz) = 30000"), (11070, float("nan"), "11070 (power) = nan"),
    (11000, "fast", "11000 (sample rate) = 'fast'"), (11005, 1, "11005 (stereo) = 1"),
    (11040, 2.5, "11040 (bands) = 2.5"), (11030, None, "not 11030"),
    (11050, -5, "11050 (min Hz) = -5"), (11080, 0.0, "11080 (max value) = 0.0"),
])
def test_bad_riffusion_tags_are_named(riffusion_png, tag, value, says):
    with pytest.raises(InputError, match=f"^<image>: [^\n]*{re.escape(says)}") as caught:
        read_meta(open_image(_with_tag(riffusion_png, tag, value)))
    assert "\n" not in str(caught.value)


def test_pictures_without_riffusion_tags_have_no_parameters():
    image = Image.new("RGB", (8, 8))
    exif = image.getexif()
    exif[271] = "a camera"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    assert read_meta(open_image(buffer.getvalue())) is None


def test_audio_diffusion_picture_is_drawn_as_its_mel_py_draws(tones):
    y = librosa.resample(tones, orig_sr=SR, target_sr=22050)[: 40 * 512 - 1]
    levels = audio_diffusion_levels(y, 22050)
    assert levels.shape == (256, 40) and levels.dtype == np.uint8
    S = librosa.feature.melspectrogram(y=y, sr=22050, n_fft=2048, hop_length=512, n_mels=256)
    db = librosa.power_to_db(S, ref=np.max, top_db=80)
    np.testing.assert_array_equal(levels, (((db + 80) * 255 / 80).clip(0, 255) + 0.5)
                                  .astype(np.uint8))
    # Row 0 is the lowest band: 440 Hz is near the top of the array.
    assert int(np.argmax(levels.astype(float).mean(axis=1))) < 64
    png = audio_diffusion_picture(y, 22050)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "L" and np.array_equal(np.asarray(image), levels)
    assert read_meta(open_image(png)) is None
    meta = preset_meta("audio-diffusion", *image.size)
    S_decoded, used = image_to_magnitude(png, fallback=meta, floor_silence=False)
    assert used is meta and used.low_row == "top" and used.length == 40 * 512 - 1
    basis = mel_filters(AUDIO_DIFFUSION.stft, n_mels=256)
    # The bands within the picture's 80 dB / 255 steps (measured: -40.7 dB).
    assert spectral_convergence_db(S / S.max(), basis @ S_decoded**2) < -35


def test_presets():
    for name, width, height in (("riffusion", 512, 512), ("audio-diffusion", 256, 256),
                                ("audio-diffusion", 64, 64)):
        meta = preset_meta(name, width, height)
        assert meta.problems() == [] and (meta.n_frames, meta.n_rows) == (width, height)
    assert preset_meta("riffusion", 512, 512) == RIFFUSION.meta(512)
    with pytest.raises(ValueError, match="unknown preset 'mp3'"):
        preset_meta("mp3", 8, 8)
    with pytest.raises(ValueError, match="0 x 8"):
        preset_meta("riffusion", 0, 8)


def test_encoders_resample_to_their_rate(tones):
    half = librosa.resample(tones, orig_sr=SR, target_sr=22050)
    riffusion = Image.open(io.BytesIO(riffusion_picture(half, 22050)))
    assert riffusion.size == (1 + len(tones) // 441, 512)
    diffusion = Image.open(io.BytesIO(audio_diffusion_picture(tones, SR)))
    assert diffusion.size == (1 + len(half) // 512, 256)


def test_mel_gla_inverts_a_riffusion_picture_from_its_bands_of_magnitudes(tones, riffusion_png):
    """Riffusion's bands are of |S|, not |S|**2: mel_gla fits them as such."""
    reference = np.abs(librosa.stft(tones, n_fft=17640, hop_length=441, win_length=4410))
    kept = slice(0, round(10000 / SR * 17640))
    scores = {}
    for method in ("pghi_raar", "mel_gla"):
        y = invert_image(riffusion_png, method=method, n_iter=10, workers=1).y
        rebuilt = np.abs(librosa.stft(y, n_fft=17640, hop_length=441, win_length=4410))
        scores[method] = spectral_convergence_db(reference[kept], rebuilt[kept])
    assert scores["mel_gla"] < -15, scores  # measured -23.0 (pghi_raar -21.7)
    assert scores["mel_gla"] < scores["pghi_raar"] + 1, scores


def test_a_riffusion_picture_without_its_exif_inverts_with_the_preset(tones, riffusion_png,
                                                                     tmp_path):
    """What a model generates has no EXIF: ``--preset riffusion`` gives every parameter but
    the loudness, the frames from the picture's width."""
    from specimg.cli import main

    bare = tmp_path / "generated.png"
    pixels = Image.open(io.BytesIO(riffusion_png))
    pixels.save(bare)  # the pixels alone
    assert read_meta(open_image(bare.read_bytes())) is None
    assert main(["invert", str(bare), "-o", str(tmp_path / "out"), "--preset", "riffusion",
                 "--n-iter", "10", "-j", "1"]) == 0
    y, sr = sf.read(tmp_path / "out" / "generated.wav", dtype="float32")
    assert (sr, len(y)) == (SR, 100 * 441)
    reference = np.abs(librosa.stft(tones[: len(y)], n_fft=17640, hop_length=441,
                                    win_length=4410))
    rebuilt = np.abs(librosa.stft(y, n_fft=17640, hop_length=441, win_length=4410))
    kept = slice(0, round(10000 / SR * 17640))
    gain = np.sum(reference[kept] * rebuilt[kept]) / np.sum(rebuilt[kept] ** 2)
    assert spectral_convergence_db(reference[kept], gain * rebuilt[kept]) < -15
