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


def grid_picture(n_frames, width, seed=0, noise=0.0):
    rng = np.random.default_rng(seed)
    cells = rng.integers(0, 256, size=(64, n_frames)).astype(float)
    columns = np.floor((np.arange(width) + 0.5) * n_frames / width).astype(int)
    picture = cells[:, columns] + noise * rng.standard_normal((64, width))
    return np.clip(np.round(picture), 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("n_frames", "width"), [(690, 2000), (705, 2000), (431, 1125),
                                                 (431, 2586), (690, 4140)])
def test_counts_from_2_6_px_per_frame_and_passes_over_harmonics(n_frames, width):
    # 2.84 and 2.90 px per frame (16 s at 2000 px), and 6 px per frame where the line at twice
    # the count is as strong as the count's own
    assert estimate_n_frames(edge_profile(grid_picture(n_frames, width, noise=3.0))) == n_frames


@pytest.mark.parametrize(("n_frames", "width"), [(431, 1078), (800, 2000)])
def test_no_count_below_2_6_px_per_frame(n_frames, width):
    # 2.5 px per frame: its half (5 px) has edges in the middle of every frame
    assert estimate_n_frames(edge_profile(grid_picture(n_frames, width))) is None


def test_colour_pictures_count_on_every_channel():
    grey = grid_picture(300, 1200)
    colour = np.stack([grey, 255 - grey, grey], axis=2)
    assert estimate_n_frames(edge_profile(colour)) == 300
    np.testing.assert_array_equal(edge_profile(colour), 3 * edge_profile(grey))


@pytest.mark.parametrize(("n_frames", "width"), [(300, 1000), (200, 1700), (120, 1000)])
def test_a_third_or_half_of_the_count_with_edges_inside_is_no_count(n_frames, width):
    assert estimate_n_frames(edge_profile(grid_picture(n_frames, width, noise=3.0))) == n_frames


def jpeg_like_picture(seed, n_frames=690, width=4140, height=64):
    """Smooth cells (small steps between frames, as a spectrogram's) at 6 px per frame, with
    a JPEG's 8 x 8 px blocks each off by its own small offset."""
    rng = np.random.default_rng(seed)
    cells = 128 + np.cumsum(8 * rng.standard_normal((height, n_frames)), axis=1) / 3
    columns = np.floor((np.arange(width) + 0.5) * n_frames / width).astype(int)
    picture = cells[:, columns] + 2 * rng.standard_normal((height, width))
    offsets = 5 * rng.standard_normal((height // 8 + 1, width // 8 + 1))
    picture += np.repeat(np.repeat(offsets, 8, 0), 8, 1)[:height, :width]
    return np.clip(np.round(picture), 0, 255).astype(np.uint8)


def test_a_jpeg_block_line_gives_way_to_the_grid():
    # the blocks' line at 3 width / 8 (4 px) is the strongest and passes every test
    profile = edge_profile(jpeg_like_picture(0))
    assert estimate_n_frames(profile, jpeg=True) == 690
    assert estimate_n_frames(profile) == 1035  # what a PNG's counting would say
