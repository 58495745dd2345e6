import numpy as np
import pytest
import soundfile as sf

from specimg.core.audio import (
    clip_id_prefix,
    clip_offsets,
    cut_clip,
    encode_audio,
    load_audio,
    read_audio,
)
from specimg.util.errors import InputError


@pytest.mark.parametrize(
    ("n", "tail", "expected"),
    [
        (30, "drop", [0, 10, 20]),
        (30, "pad", [0, 10, 20]),
        (30, "last_window", [0, 10, 20]),
        (25, "drop", [0, 10]),
        (25, "pad", [0, 10, 20]),
        (25, "last_window", [0, 10, 15]),
        (4, "drop", []),
        (4, "pad", [0]),
        (4, "last_window", [0]),
        (0, "pad", []),
        (10, "last_window", [0]),
    ],
)
def test_clip_offsets_tail_policies(n, tail, expected):
    assert clip_offsets(n, 10, 10, tail) == expected


def test_clip_offsets_overlapping_step():
    assert clip_offsets(25, 10, 5, "last_window") == [0, 5, 10, 15]
    assert clip_offsets(27, 10, 5, "last_window") == [0, 5, 10, 15, 17]
    assert clip_offsets(20, 10, 5, "pad") == [0, 5, 10]  # the clip at 10 already ends at 20
    assert clip_offsets(22, 10, 5, "pad") == [0, 5, 10, 15]
    assert clip_offsets(25, 10, 20, "pad") == [0, 20]
    assert clip_offsets(15, 10, 20, "pad") == [0]  # a next clip would start past the end


def test_clip_offsets_never_negative_and_always_inside():
    rng = np.random.default_rng(1)
    for _ in range(500):
        n, clip, step = (int(v) for v in rng.integers(1, 200, size=3))
        for tail in ("drop", "pad", "last_window"):
            offsets = clip_offsets(n, clip, step, tail)
            assert offsets == sorted(set(offsets))
            assert all(0 <= o < n for o in offsets)
            if tail == "last_window" and n >= clip:
                assert offsets[-1] + clip == n or offsets[-1] + clip > n - step


def test_clip_offsets_rejects_bad_parameters():
    with pytest.raises(ValueError):
        clip_offsets(100, 0, 10)
    with pytest.raises(ValueError):
        clip_offsets(100, 10, 10, "wrap")


def test_cut_clip_pads_with_zeros():
    y = np.arange(1, 8, dtype=np.float32)
    np.testing.assert_array_equal(cut_clip(y, 5, 4), [6, 7, 0, 0])
    np.testing.assert_array_equal(cut_clip(y, 0, 3), [1, 2, 3])


def test_load_audio_resamples_and_mixes_down(tmp_path):
    sr_in, sr_out = 44100, 22050
    t = np.arange(sr_in) / sr_in
    left = 0.5 * np.sin(2 * np.pi * 1000 * t)
    path = tmp_path / "stereo.flac"
    sf.write(path, np.stack([left, np.zeros_like(left)], axis=1), sr_in, subtype="PCM_24")

    mean = load_audio(path, sr_out, "mean")
    first = load_audio(path, sr_out, "first")
    assert mean.dtype == np.float32 and mean.shape == (sr_out,)
    middle = slice(1000, -1000)
    assert np.max(np.abs(mean[middle])) == pytest.approx(0.25, abs=0.005)
    assert np.max(np.abs(first[middle])) == pytest.approx(0.5, abs=0.01)


def test_load_audio_names_the_file_it_cannot_read(tmp_path):
    path = tmp_path / "not audio.wav"
    path.write_text("<html>hello</html>")
    with pytest.raises(InputError) as caught:
        load_audio(path, 22050)
    assert "not audio.wav" in str(caught.value)


def test_encode_audio_is_pcm16_deterministic_and_clips(tmp_path):
    y = np.array([0.0, 0.5, -0.25, 1.7, -3.0], dtype=np.float32)
    data = encode_audio(y, 8000)
    assert data == encode_audio(y, 8000)
    path = tmp_path / "x.flac"
    path.write_bytes(data)
    back, sr = read_audio(path)
    assert sr == 8000 and sf.info(path).subtype == "PCM_16"
    np.testing.assert_allclose(back, np.clip(y, -1, 1), atol=1 / 32767)


def test_clip_id_prefix_is_ascii_safe():
    assert clip_id_prefix("music_introzik.ogg") == "music_introzik"
    assert clip_id_prefix("Ma chanson (été).wav") == "Ma_chanson_t"
    assert clip_id_prefix("song.wav", with_suffix=True) == "song_wav"
    assert clip_id_prefix("???.wav") == "clip"
