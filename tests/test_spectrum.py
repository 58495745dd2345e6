import librosa
import numpy as np
import pytest

from specimg.core.spectrum import (
    AMIN,
    StftConfig,
    istft,
    magnitude_to_unit,
    peak_db,
    stft,
    unit_to_magnitude,
)


def test_stft_is_librosa_stft(harmonic_signal, small_config):
    D = stft(harmonic_signal, small_config)
    expected = librosa.stft(harmonic_signal, n_fft=256, hop_length=64, window="hann")
    np.testing.assert_array_equal(D, expected)
    assert D.shape == (small_config.n_bins, small_config.n_frames(len(harmonic_signal)))


def test_istft_inverts_stft(harmonic_signal, small_config):
    y = istft(stft(harmonic_signal, small_config), small_config, len(harmonic_signal))
    np.testing.assert_allclose(y, harmonic_signal, atol=1e-5)


def test_n_frames_without_centering():
    config = StftConfig(sr=8000, n_fft=256, hop_length=64, center=False)
    assert stft(np.zeros(1000, np.float32), config).shape[1] == config.n_frames(1000)


def test_db_map_round_trip_above_the_floor():
    rng = np.random.default_rng(0)
    S = 10 ** rng.uniform(-3, 1, size=(65, 40))
    peak = peak_db(S)
    levels = magnitude_to_unit(S, peak, 80.0)
    assert levels.max() == pytest.approx(1.0) and levels.min() >= 0.0
    np.testing.assert_allclose(unit_to_magnitude(levels, peak, 80.0), S, rtol=1e-4)


def test_db_map_floors_and_silences():
    S = np.array([[1.0, 1e-3, 1e-6, 0.0]])
    levels = magnitude_to_unit(S, peak_db(S), 80.0)
    np.testing.assert_allclose(levels, [[1.0, 0.25, 0.0, 0.0]], atol=1e-6)
    np.testing.assert_allclose(unit_to_magnitude(levels, 0.0, 80.0), [[1, 1e-3, 1e-4, 1e-4]],
                               rtol=1e-4)
    silenced = unit_to_magnitude(levels, 0.0, 80.0, floor_silence=True)
    np.testing.assert_allclose(silenced, [[1, 1e-3, 0, 0]], rtol=1e-4)


def test_peak_db_of_silence_is_finite():
    assert peak_db(np.zeros((3, 3))) == pytest.approx(20 * np.log10(AMIN))
    with pytest.raises(ValueError):
        magnitude_to_unit(np.ones((2, 2)), 0.0, 0.0)
