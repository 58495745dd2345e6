"""A window shorter than the FFT (``StftConfig.win_length``), through every transform."""

import json

import librosa
import numpy as np
import pytest

from specimg.core.spectrum import StftConfig, stft, stft_window
from specimg.image.metadata import ImageMeta
from specimg.phase import METHODS, reconstruct
from specimg.phase.gla import griffin_lim, random_phase
from specimg.phase.pghi import pghi
from specimg.phase.transform import Stft
from specimg.study.metrics import snr_db, spectral_convergence_db
from specimg.util.errors import InputError

SHORT = StftConfig(sr=8000, n_fft=256, hop_length=64, win_length=128)
LIBROSA = {"n_fft": 256, "hop_length": 64, "win_length": 128}


@pytest.fixture
def S(harmonic_signal):
    return np.abs(stft(harmonic_signal, SHORT))


def sc_of(y, S):
    return spectral_convergence_db(S, np.abs(stft(y, SHORT)))


@pytest.mark.parametrize("win_length", [128, 101, 256])
def test_the_window_is_centred_in_the_frame_as_librosa_pads_it(win_length):
    config = StftConfig(n_fft=256, win_length=win_length)
    expected = librosa.util.pad_center(librosa.filters.get_window("hann", win_length), size=256)
    window = stft_window(config)
    # The cosine is specimg's portable one: within an ulp of scipy's, zero where librosa pads.
    np.testing.assert_allclose(window, expected, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(window == 0, expected == 0)


def test_stft_and_istft_are_librosas(harmonic_signal):
    D = stft(harmonic_signal, SHORT)
    np.testing.assert_allclose(D, librosa.stft(harmonic_signal, **LIBROSA), atol=1e-6)
    assert not np.allclose(D, librosa.stft(harmonic_signal, n_fft=256, hop_length=64), atol=1e-3)


def test_projection_equals_librosa_stft_of_istft(harmonic_signal, S):
    length = len(harmonic_signal)
    transform = Stft(SHORT, length, workers=1)
    scrambled = (S * np.exp(1j * random_phase(S.shape, 0))).astype(np.complex64)
    back = transform.signal(transform.inverse(np.ascontiguousarray(scrambled.T)))
    expected = librosa.istft(scrambled, length=length, **LIBROSA)
    np.testing.assert_allclose(back, expected, atol=1e-5)
    projected = transform.project(np.ascontiguousarray(scrambled.T))
    expected = librosa.stft(expected, **LIBROSA)
    np.testing.assert_allclose(projected.T, expected, atol=1e-4)


def test_fgla_equals_librosa_from_the_same_start(harmonic_signal, S):
    for momentum in (0.0, 0.99):
        ours = griffin_lim(S, SHORT, length=len(harmonic_signal), n_iter=5, alpha=momentum,
                           random_state=3, workers=1)
        theirs = librosa.griffinlim(S, n_iter=5, length=len(harmonic_signal), momentum=momentum,
                                    random_state=3, **LIBROSA)
        np.testing.assert_allclose(ours, theirs, atol=1e-5)


def test_every_method_reconstructs_a_short_window_spectrogram(harmonic_signal, S):
    D = stft(harmonic_signal, SHORT)
    scores = {}
    for method in METHODS:
        target, bands = S, {}
        if method == "mel_gla":  # one band per bin: the bands are the power spectrum
            target, bands = S**2, {"filters": np.eye(len(S), dtype=np.float32)}
        y = reconstruct(target, SHORT, method, length=len(harmonic_signal), n_iter=30,
                        true_phase=np.angle(D), **bands)
        scores[method] = sc_of(y, S)
        if method == "oracle":
            assert snr_db(harmonic_signal, y) > 80
    assert scores["oracle"] < -60
    assert scores["fgla"] == pytest.approx(scores["librosa_fgla"], abs=0.1)
    assert scores["pghi"] < -10
    for method in METHODS:
        assert scores[method] < -9, (method, scores[method])
    for method in ("pghi_fgla", "pghi_agla", "pghi_raar", "fgla"):
        assert scores[method] < scores["gla"] - 3, method


def test_pghi_uses_the_window_length():
    """PGHI's time-frequency ratio is the window's: on a chirp, its phase derivatives are those
    of the true phase; with the ratio of an ``n_fft``-long window, several times worse."""
    sr = 8000
    t = np.arange(2 * sr) / sr
    y = (0.5 * np.sin(2 * np.pi * np.cumsum(500 + 500 * t) / sr)).astype(np.float32)
    config = StftConfig(sr=sr, n_fft=256, hop_length=32, win_length=128)
    D = stft(y, config)
    S = np.abs(D)
    loud = S > 0.1 * S.max()

    def median_errors(phase):
        errors = []
        for axis, pairs in ((1, loud[:, 1:] & loud[:, :-1]), (0, loud[1:] & loud[:-1])):
            step = np.diff(phase, axis=axis) - np.diff(np.angle(D), axis=axis)
            errors.append(np.median(np.abs(np.angle(np.exp(1j * step)))[pairs]))
        return errors

    # Measured: 0.031 and 0.004 rad; with gamma of a 256-long window 0.148 and 0.057.
    along_time, along_freq = median_errors(pghi(S, config))
    assert along_time < 0.05 and along_freq < 0.01
    along_time, along_freq = median_errors(pghi(S, StftConfig(sr=sr, n_fft=256, hop_length=32)))
    assert along_time > 0.1 and along_freq > 0.03


def test_metadata_stores_win_length_only_when_given():
    plain = ImageMeta(StftConfig(sr=8000, n_fft=256, hop_length=64), n_frames=5, length=256,
                      peak_db=0.0, top_db=80.0)
    assert "win_length" not in plain.to_json()
    assert plain.to_json() == ("{\"center\":true,\"cmap\":\"gray\",\"encoding\":\"\","
                               "\"fmax\":0.0,\"fmin\":0.0,\"hop_length\":64,\"layout\":\"grid\","
                               "\"length\":256,\"low_row\":\"bottom\",\"n_fft\":256,"
                               "\"n_frames\":5,\"n_mels\":128,\"peak_db\":0.0,\"sr\":8000,"
                               "\"top_db\":80.0,\"window\":\"hann\",\"y_axis\":\"hz\"}")
    short = ImageMeta(SHORT, n_frames=5, length=256, peak_db=0.0, top_db=80.0)
    assert json.loads(short.to_json())["win_length"] == 128
    assert ImageMeta.from_json(short.to_json()) == short
    assert ImageMeta.from_json(plain.to_json()) == plain


@pytest.mark.parametrize("win_length", [0, 257, "128", 1.5])
def test_metadata_refuses_a_window_outside_the_frame(win_length):
    stored = json.loads(ImageMeta(SHORT, n_frames=5, length=256, peak_db=0.0,
                                  top_db=80.0).to_json())
    stored["win_length"] = win_length
    with pytest.raises(InputError, match="win_length"):
        ImageMeta.from_json(json.dumps(stored))
