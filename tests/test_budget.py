"""The iterations a picture gets when none are given: one budget of FFT work, for the command
and the library alike."""

from __future__ import annotations

import csv
import doctest

import numpy as np
import pytest

import specimg
from specimg.cli import main
from specimg.core.spectrum import StftConfig
from specimg.phase import budget
from specimg.phase.budget import MAX_DEFAULT_ITER, MIN_DEFAULT_ITER, default_n_iter

LIBROSA = StftConfig(sr=22050, n_fft=2048, hop_length=512)


def test_the_docstring_examples_run():
    result = doctest.testmod(budget)
    assert result.attempted >= 2 and result.failed == 0, result


@pytest.mark.parametrize(("seconds", "n_iter"), [(1, 1000), (20, 1000), (30, 650), (45, 450),
                                                 (60, 300), (120, 150), (600, 100)])
def test_a_longer_picture_gets_fewer_iterations(seconds, n_iter):
    assert default_n_iter(LIBROSA, LIBROSA.n_frames(seconds * 22050)) == n_iter


def test_the_count_spends_one_budget_of_fft_points():
    for n_frames in range(200, 20000, 97):
        for n_fft in (256, 2048, 17640):
            n_iter = default_n_iter(StftConfig(sr=22050, n_fft=n_fft, hop_length=n_fft // 4),
                                    n_frames)
            assert MIN_DEFAULT_ITER <= n_iter <= MAX_DEFAULT_ITER and n_iter % 50 == 0
            spent = n_iter * n_frames * n_fft
            assert spent <= budget.ITERATION_BUDGET or n_iter == MIN_DEFAULT_ITER
            assert spent + 50 * n_frames * n_fft > budget.ITERATION_BUDGET or (
                n_iter == MAX_DEFAULT_ITER)


def test_a_mel_picture_gets_the_mel_count_whatever_its_length():
    for seconds in (1, 60, 600):
        n_frames = LIBROSA.n_frames(seconds * 22050)
        assert default_n_iter(LIBROSA, n_frames, "mel") == budget.MEL_DEFAULT_ITER
        assert default_n_iter(LIBROSA, n_frames, "log") == default_n_iter(LIBROSA, n_frames)


def test_frames_narrower_than_a_pixel_get_the_fewest():
    n_frames = LIBROSA.n_frames(10 * 22050)
    assert default_n_iter(LIBROSA, n_frames, pixels_per_frame=0.99) == MIN_DEFAULT_ITER
    assert default_n_iter(LIBROSA, n_frames, pixels_per_frame=1.0) == MAX_DEFAULT_ITER


def test_no_frames_is_refused():
    with pytest.raises(ValueError, match="n_frames=0"):
        default_n_iter(LIBROSA, 0)


def test_the_command_runs_the_default_count_and_says_so(tmp_path, harmonic_signal,
                                                        small_config):
    y = harmonic_signal[: small_config.sr]
    picture = specimg.encode(y, small_config.sr, n_fft=small_config.n_fft,
                             hop_length=small_config.hop_length)
    (tmp_path / "own.png").write_bytes(picture)
    scores = tmp_path / "scores.csv"
    assert main(["invert", str(tmp_path / "own.png"), "-o", str(tmp_path / "out"), "--scores",
                 str(scores)]) == 0
    [row] = csv.DictReader(scores.open())
    expected = default_n_iter(small_config, small_config.n_frames(len(y)))
    assert int(row["n_iter"]) == expected
    y_default, _ = specimg.invert(tmp_path / "own.png")
    y_given, _ = specimg.invert(tmp_path / "own.png", n_iter=expected)
    y_fewer, _ = specimg.invert(tmp_path / "own.png", n_iter=100)
    assert np.array_equal(y_default, y_given) and not np.array_equal(y_default, y_fewer)
    assert main(["invert", str(tmp_path / "own.png"), "-o", str(tmp_path / "out8"), "--n-iter",
                 "8", "--scores", str(scores)]) == 0
    assert next(csv.DictReader(scores.open()))["n_iter"] == "8"
