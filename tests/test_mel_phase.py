"""Phase retrieval that enforces a mel picture's bands (specimg.phase.mel), on a synthetic
audio-diffusion-style picture of the harmonic test signal."""

from __future__ import annotations

import csv

import librosa
import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from specimg.cli import main
from specimg.core.mel import mel_to_magnitude
from specimg.core.spectrum import StftConfig, stft
from specimg.image.metadata import ImageMeta
from specimg.phase import reconstruct
from specimg.phase.mel import fit_mel_bands, mel_filter_bank, mel_griffin_lim

N_MELS = 32


@pytest.fixture
def picture(harmonic_signal, small_config):
    """The signal's magnitudes, an 8-bit mel picture of it as audio-diffusion writes one (as
    pixels) and the mel power decoded from it (relative to its peak), and its filter bank."""
    meta = ImageMeta(small_config, n_frames=small_config.n_frames(len(harmonic_signal)),
                     length=len(harmonic_signal), peak_db=0.0, top_db=80.0, y_axis="mel",
                     n_mels=N_MELS)
    filters = mel_filter_bank(meta)
    S = np.abs(stft(harmonic_signal, small_config))
    db = librosa.power_to_db(filters @ S**2, ref=np.max, top_db=80)
    pixels = (((db + 80) * 255 / 80).clip(0, 255) + 0.5).astype(np.uint8)
    power = librosa.db_to_power(pixels.astype(np.float32) * 80 / 255 - 80).astype(np.float32)
    return {"S": S, "pixels": pixels, "M": power, "filters": filters, "meta": meta}


def sc_db(S: np.ndarray, y: np.ndarray, config: StftConfig) -> float:
    """Spectral convergence of ``y``'s magnitudes after the best single gain (dB)."""
    E = np.abs(stft(y, config))
    gain = np.sum(E * S) / np.sum(E * E)
    return float(20 * np.log10(np.linalg.norm(gain * E - S) / np.linalg.norm(S)))


def band_error_db(rebuilt: np.ndarray, M: np.ndarray, filters: np.ndarray) -> float:
    """How far a frame-major STFT's mel bands are from ``M``, after the best gain (dB)."""
    bands = filters @ np.abs(rebuilt.T) ** 2
    gain = np.sum(bands * M) / np.sum(bands * bands)
    return float(10 * np.log10(np.sum((gain * bands - M) ** 2) / np.sum(M**2)))


def test_filter_bank_is_librosas():
    meta = ImageMeta(StftConfig(sr=22050, n_fft=2048, hop_length=512), n_frames=256,
                     length=256 * 512 - 1, peak_db=0.0, top_db=80.0, y_axis="mel", n_mels=256)
    expected = librosa.filters.mel(sr=22050, n_fft=2048, n_mels=256)
    np.testing.assert_array_equal(mel_filter_bank(meta), expected.astype(np.float32))


def test_start_fits_the_bands(picture):
    M, filters = picture["M"], picture["filters"]
    flat = np.ones((filters.shape[1], M.shape[1]), np.float32)
    before = band_error_db(flat.T, M, filters)
    after = band_error_db(fit_mel_bands(M, filters).T, M, filters)
    assert after < before - 20


def test_bands_get_closer_over_the_iterations(picture, harmonic_signal, small_config):
    M, filters = picture["M"], picture["filters"]
    errors = []
    mel_griffin_lim(M, filters, small_config, length=len(harmonic_signal), n_iter=30,
                    workers=1, callback=lambda i, rebuilt: errors.append(
                        band_error_db(rebuilt, M, filters)))
    assert errors[9] < errors[0] - 1 and errors[29] < errors[9] - 1


@pytest.mark.parametrize("fit", ["least squares", "our start"])
def test_beats_the_two_step_path(picture, harmonic_signal, small_config, fit):
    """Better than fixing linear magnitudes first, whether by the least-squares fit of the
    two-step path (measured -6.2 against -25.7 dB) or by our own start (-14.6)."""
    S, M, filters, length = picture["S"], picture["M"], picture["filters"], len(harmonic_signal)
    fitted = (mel_to_magnitude(M, small_config) if fit == "least squares"
              else fit_mel_bands(M, filters))
    two_step = reconstruct(fitted, small_config, "pghi_raar", length=length, n_iter=30,
                           workers=1)
    ours = reconstruct(M, small_config, "mel_gla", length=length, n_iter=30, filters=filters,
                       workers=1)
    assert sc_db(S, ours, small_config) < sc_db(S, two_step, small_config) - 5


def test_output_does_not_depend_on_the_thread_count(picture, harmonic_signal, small_config):
    M, filters = picture["M"], picture["filters"]
    runs = [mel_griffin_lim(M, filters, small_config, length=len(harmonic_signal), n_iter=5,
                            steps=2, workers=workers) for workers in (1, 2, 3)]
    assert all(np.array_equal(runs[0], run) for run in runs[1:])
    starts = [fit_mel_bands(M, filters, workers=workers) for workers in (1, 3)]
    assert np.array_equal(*starts)


def test_any_scale_of_the_bands_gives_the_same_sound(picture, harmonic_signal, small_config):
    M, filters, length = picture["M"], picture["filters"], len(harmonic_signal)
    y = mel_griffin_lim(M, filters, small_config, length=length, n_iter=10, workers=1)
    loud = mel_griffin_lim(M * 1e30, filters, small_config, length=length, n_iter=10, workers=1)
    np.testing.assert_allclose(loud, 1e15 * y, rtol=1e-3, atol=1e-3 * 1e15 * np.abs(y).max())


@pytest.mark.parametrize("change, message", [
    (lambda M, F: (M[:-1], F), "mel bands of shape"),
    (lambda M, F: (M[:, :-1], F), "mel bands of shape"),
    (lambda M, F: (M, F[:, :-1]), "filter bank of shape"),
    (lambda M, F: (M[0], F), "mel bands of shape"),
])
def test_bad_shapes_raise_one_clear_error(picture, harmonic_signal, small_config, change,
                                          message):
    M, filters = change(picture["M"], picture["filters"])
    with pytest.raises(ValueError, match=message):
        mel_griffin_lim(M, filters, small_config, length=len(harmonic_signal), n_iter=1)


def test_bad_counts_and_missing_filters_raise(picture, harmonic_signal, small_config):
    M, filters, length = picture["M"], picture["filters"], len(harmonic_signal)
    with pytest.raises(ValueError, match="steps=0"):
        mel_griffin_lim(M, filters, small_config, length=length, steps=0)
    with pytest.raises(ValueError, match=r"blend=1\.5"):
        mel_griffin_lim(M, filters, small_config, length=length, blend=1.5)
    with pytest.raises(ValueError, match="steps=-1"):
        fit_mel_bands(M, filters, steps=-1)
    with pytest.raises(ValueError, match="start has shape"):
        fit_mel_bands(M, filters, start=np.ones((3, 3)))
    with pytest.raises(ValueError, match="filter bank"):
        reconstruct(M, small_config, "mel_gla", length=length)


def test_specimg_invert_runs_it_on_mel_pictures_only(picture, harmonic_signal, tmp_path,
                                                     capsys):
    Image.fromarray(picture["pixels"]).save(tmp_path / "ad.png")
    flags = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64", "--frames",
             str(picture["M"].shape[1]), "--n-mels", str(N_MELS), "--layout", "grid",
             "--low-row", "top", "--method", "mel_gla", "--n-iter", "30"]
    out = tmp_path / "out"
    assert main(["invert", str(tmp_path / "ad.png"), "-o", str(out), "--y-axis", "mel",
                 *flags]) == 0
    z, _ = sf.read(out / "ad.wav", dtype="float32")
    assert sc_db(picture["S"], z, picture["meta"].stft) < -20
    assert main(["invert", str(tmp_path / "ad.png"), "-o", str(tmp_path / "hz"), *flags]) != 0
    assert "is not a mel picture" in capsys.readouterr().out


def test_mel_pictures_are_inverted_by_mel_gla_unless_told(picture, tmp_path):
    """The method measured best for each kind of picture is the default; --method overrides."""
    Image.fromarray(picture["pixels"]).save(tmp_path / "ad.png")
    flags = ["--sr", "8000", "--n-fft", "256", "--hop-length", "64", "--frames",
             str(picture["M"].shape[1]), "--n-mels", str(N_MELS), "--layout", "grid",
             "--low-row", "top", "--y-axis", "mel", "--n-iter", "30"]
    used = {}
    for name, extra in (("default", []), ("told", ["--method", "pghi_raar"])):
        scores = tmp_path / f"{name}.csv"
        assert main(["invert", str(tmp_path / "ad.png"), "-o", str(tmp_path / name), *flags,
                     *extra, "--scores", str(scores)]) == 0
        row = next(csv.DictReader(scores.open()))
        z, _ = sf.read(tmp_path / name / "ad.wav", dtype="float32")
        used[name] = (row["method"], sc_db(picture["S"], z, picture["meta"].stft))
    assert used["default"][0] == "mel_gla" and used["told"][0] == "pghi_raar"
    assert used["default"][1] < used["told"][1], used
