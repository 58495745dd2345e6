import numpy as np
import pytest

from specimg.image.geometry import edge_profile, estimate_n_frames


@pytest.mark.parametrize(("n_frames", "width"), [(431, 2000), (251, 1004), (2584, 10000)])
def test_counts_the_frames_of_a_uniform_grid(n_frames, width):
    rng = np.random.default_rng(n_frames)
    cells = rng.integers(0, 256, size=(64, n_frames)).astype(np.uint8)
    columns = np.floor((np.arange(width) + 0.5) * n_frames / width).astype(int)  # cell centres
    picture = cells[:, columns]
    assert estimate_n_frames(edge_profile(picture)) == n_frames


@pytest.mark.parametrize(("n_frames", "width"), [(431, 431), (2584, 5000), (251, 400),
                                                 (1900, 2000)])
def test_no_count_below_three_pixels_per_frame_where_the_line_aliases(n_frames, width):
    rng = np.random.default_rng(n_frames)
    cells = rng.integers(0, 256, size=(64, n_frames)).astype(np.uint8)
    columns = np.floor((np.arange(width) + 0.5) * n_frames / width).astype(int)
    assert estimate_n_frames(edge_profile(cells[:, columns])) is None


def test_no_count_without_edges():
    assert estimate_n_frames(edge_profile(np.zeros((10, 500), np.uint8))) is None


def test_edge_profile_in_blocks_equals_the_whole():
    picture = np.random.default_rng(1).integers(0, 256, size=(1000, 30)).astype(np.uint8)
    whole = np.abs(np.diff(picture.astype(int), axis=1)).sum(axis=0)
    np.testing.assert_array_equal(edge_profile(picture, rows_at_once=7), whole)
