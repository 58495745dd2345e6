import numpy as np
import pytest

from specimg.study.metrics import log_spectral_distance_db, snr_db, spectral_convergence_db


@pytest.fixture
def magnitudes():
    return np.random.default_rng(0).uniform(0.1, 1.0, size=(33, 20))


def test_spectral_convergence_known_values(magnitudes):
    assert spectral_convergence_db(magnitudes, magnitudes) < -150
    assert spectral_convergence_db(magnitudes, 0.5 * magnitudes) == pytest.approx(-6.0206, abs=1e-3)
    assert spectral_convergence_db(magnitudes, 2 * magnitudes) == pytest.approx(0.0, abs=1e-9)


def test_spectral_convergence_compares_common_frames(magnitudes):
    longer = np.concatenate([magnitudes, magnitudes[:, :3]], axis=1)
    assert spectral_convergence_db(magnitudes, longer) < -150
    with pytest.raises(ValueError):
        spectral_convergence_db(magnitudes, magnitudes[:-1])


def test_snr_known_value():
    rng = np.random.default_rng(0)
    reference = rng.standard_normal(10000)
    assert snr_db(reference, 0.9 * reference) == pytest.approx(20.0, abs=1e-9)
    assert snr_db(reference, reference) > 150


def test_log_spectral_distance(magnitudes):
    assert log_spectral_distance_db(magnitudes, magnitudes) == 0.0
    assert log_spectral_distance_db(magnitudes, 2 * magnitudes) == pytest.approx(6.0206, abs=1e-3)
    # Below the floor (peak - top_db) differences are ignored.
    quiet, quieter = magnitudes.copy(), magnitudes.copy()
    quiet[0], quieter[0] = 1e-9, 1e-12
    assert log_spectral_distance_db(quiet, quieter, top_db=80) == 0.0
    assert log_spectral_distance_db(quiet, quieter, top_db=200) > 1.0


def test_silence_gives_finite_scores():
    silent = np.zeros((33, 20))
    scores = [
        spectral_convergence_db(silent, silent),
        spectral_convergence_db(silent, silent + 1e-3),
        log_spectral_distance_db(silent, silent),
        snr_db(np.zeros(100), np.zeros(100)),
        snr_db(np.zeros(100), np.ones(100)),
    ]
    assert np.all(np.isfinite(scores))
    assert scores[0] == 0.0
