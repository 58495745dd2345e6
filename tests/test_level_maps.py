"""Level maps beyond dB (a power law) and mel bands beyond librosa's defaults (HTK, no norm,
mel of magnitude), stored in ImageMeta and honoured by the decoder."""

import io
import json

import librosa
import numpy as np
import pytest
import scipy.optimize
from PIL import Image, PngImagePlugin

from specimg.core.mel import mel_filters, mel_to_magnitude, nnls
from specimg.core.spectrum import StftConfig, magnitude_to_unit, stft, unit_to_magnitude
from specimg.image.metadata import METADATA_KEY, ImageMeta
from specimg.inversion import image_to_magnitude
from specimg.study.metrics import spectral_convergence_db
from specimg.util.errors import InputError

CONFIG = StftConfig(sr=8000, n_fft=256, hop_length=64)
#: Riffusion's kind of mel picture, on the small test STFT.
POWER_MEL = {"y_axis": "mel", "n_mels": 48, "fmax": 3000.0, "level_scale": "power",
             "level_exponent": 0.25, "mel_htk": True, "mel_norm": "none", "mel_power": 1.0,
             "cmap": "gray_r"}


def test_power_scale_round_trip():
    S = np.array([[0.0, 1e-4, 0.01, 0.5, 2.0]], np.float32)
    levels = magnitude_to_unit(S, 7.0, 80.0, scale="power", exponent=0.25)
    np.testing.assert_allclose(levels, (S / 10 ** 0.35) ** 0.25, rtol=1e-6)
    back = unit_to_magnitude(levels, 7.0, 80.0, scale="power", exponent=0.25)
    np.testing.assert_allclose(back, S, rtol=1e-5, atol=1e-12)
    with pytest.raises(ValueError, match="scale='log'"):
        unit_to_magnitude(levels, 0.0, 80.0, scale="log")
    with pytest.raises(ValueError, match="exponent=0"):
        magnitude_to_unit(S, 0.0, 80.0, scale="power", exponent=0)


def test_mel_filters_follow_the_scale_and_norm():
    htk = mel_filters(CONFIG, n_mels=32, fmax=3000.0, htk=True, norm="none")
    np.testing.assert_array_equal(htk, librosa.filters.mel(sr=8000, n_fft=256, n_mels=32,
                                                           fmax=3000.0, htk=True, norm=None))
    assert htk.max() == pytest.approx(1.0, abs=0.05)  # triangles peak near 1 with no norm
    slaney = mel_filters(CONFIG, n_mels=32, fmax=3000.0)
    assert not np.allclose(htk, slaney)
    with pytest.raises(ValueError, match="norm='l2'"):
        mel_filters(CONFIG, n_mels=32, norm="l2")


@pytest.mark.parametrize("power", [1.0, 2.0])
def test_mel_to_magnitude_fits_the_bands_it_is_given(harmonic_signal, power):
    S = np.abs(stft(harmonic_signal, CONFIG))
    bands = {"fmax": 3000.0, "htk": True, "norm": "none"}
    basis = mel_filters(CONFIG, n_mels=48, **bands)
    M = basis @ S**power
    fitted = mel_to_magnitude(M, CONFIG, power=power, **bands)
    assert fitted.shape == S.shape and fitted.min() >= 0
    # The fit reproduces the bands (measured: -37 dB at power 1, -57 at 2) and is near the
    # bins below fmax (-21, -22 dB); a fit with Slaney's bank does not (+32 dB).
    assert spectral_convergence_db(M, basis @ fitted**power) < -30
    wrong = mel_to_magnitude(M, CONFIG, power=power, fmax=3000.0)
    assert spectral_convergence_db(M, basis @ wrong**power) > 0
    cut = S * (basis.sum(axis=0) > 0)[:, None]  # the bins under the bands
    assert spectral_convergence_db(cut, fitted) < -15


def test_nnls_fits_as_well_as_librosas(harmonic_signal):
    S = np.abs(stft(harmonic_signal, CONFIG))
    basis = mel_filters(CONFIG, n_mels=40)
    M = basis @ S**2
    ours, theirs = nnls(basis, M), librosa.util.nnls(basis, M)
    assert ours.min() >= 0 and ours.dtype == np.float32
    # Measured: -42.7 dB against librosa's -19.3 dB (-15.8 after one iteration).
    fit = spectral_convergence_db(M, basis @ ours)
    assert fit < -40 and fit < spectral_convergence_db(M, basis @ theirs) - 10
    assert spectral_convergence_db(M, basis @ nnls(basis, M, n_iter=1)) > -30
    # One frame against scipy's exact active-set solution (residual 0): within -50 dB.
    column = scipy.optimize.nnls(basis.astype(np.float64), M[:, 40].astype(np.float64))[0]
    assert np.linalg.norm(basis @ ours[:, 40] - M[:, 40]) < 3e-3 * np.linalg.norm(M[:, 40])
    assert np.linalg.norm(basis @ column - M[:, 40]) < 1e-6 * np.linalg.norm(M[:, 40])


def test_defaults_leave_the_stored_json_as_it_was():
    meta = ImageMeta(CONFIG, n_frames=5, length=256, peak_db=0.0, top_db=80.0, y_axis="mel")
    stored = json.loads(meta.to_json())
    for name in ("level_scale", "level_exponent", "mel_htk", "mel_norm", "mel_power"):
        assert name not in stored
    power = ImageMeta(CONFIG, n_frames=5, length=256, peak_db=0.0, top_db=80.0, **POWER_MEL)
    stored = json.loads(power.to_json())
    assert (stored["level_scale"], stored["level_exponent"], stored["mel_htk"],
            stored["mel_norm"], stored["mel_power"]) == ("power", 0.25, True, "none", 1.0)
    assert ImageMeta.from_json(power.to_json()) == power
    assert ImageMeta.from_json(meta.to_json()) == meta


@pytest.mark.parametrize(("name", "value"), [("level_scale", "log"), ("level_exponent", 0),
                                             ("level_exponent", "x"), ("mel_htk", 1),
                                             ("mel_norm", "l2"), ("mel_power", -1.0)])
def test_bad_new_fields_are_named(name, value):
    stored = json.loads(ImageMeta(CONFIG, n_frames=5, length=256, peak_db=0.0, top_db=80.0,
                                  **POWER_MEL).to_json())
    stored[name] = value
    with pytest.raises(InputError, match=name):
        ImageMeta.from_json(json.dumps(stored))


def test_an_inverted_grey_power_law_mel_picture_decodes(harmonic_signal):
    """A picture drawn as Riffusion draws (255 - 255 * (mel / max) ** 0.25, truncated, grey as
    RGB, low bands at the bottom) with cmap gray_r decodes to its mel bands' magnitudes."""
    S = np.abs(stft(harmonic_signal, CONFIG))
    basis = mel_filters(CONFIG, n_mels=48, fmax=3000.0, htk=True, norm="none")
    M = basis @ S
    peak = float(20 * np.log10(M.max()))
    meta = ImageMeta(CONFIG, n_frames=S.shape[1], length=len(harmonic_signal), peak_db=peak,
                     top_db=80.0, **POWER_MEL)
    pixels = (255 - 255 * magnitude_to_unit(M, peak, 80.0, scale="power", exponent=0.25))
    grey = Image.fromarray(np.flipud(pixels.astype(np.uint8)), "L").convert("RGB")
    info = PngImagePlugin.PngInfo()
    info.add_text(METADATA_KEY, meta.to_json())
    buffer = io.BytesIO()
    grey.save(buffer, format="PNG", pnginfo=info)
    decoded, read = image_to_magnitude(buffer.getvalue(), floor_silence=False)
    assert read == meta
    # The bands come back within the 8-bit steps (measured: -35.5 dB), the bins under them
    # close to the original (-20.5 dB; the bands' resolution limits it).
    assert spectral_convergence_db(M, basis @ decoded) < -30
    cut = S * (basis.sum(axis=0) > 0)[:, None]
    assert spectral_convergence_db(cut, decoded) < -15
    # Read as plain grey, as dB or with Slaney's bands, they are far off (measured: +7.7,
    # -5.9, +2.6 dB).
    for wrong in ({"cmap": "gray"}, {"level_scale": "db"}, {"mel_htk": False}):
        stored = {**json.loads(meta.to_json()), **wrong}
        info = PngImagePlugin.PngInfo()
        info.add_text(METADATA_KEY, json.dumps(stored))
        buffer = io.BytesIO()
        grey.save(buffer, format="PNG", pnginfo=info)
        bad, _ = image_to_magnitude(buffer.getvalue(), floor_silence=False)
        assert spectral_convergence_db(M, basis @ bad) > -10, wrong
