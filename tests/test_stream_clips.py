"""stream_clips against the whole-file path (load_audio + clip_offsets + cut_clip).

The signals are seeded noise (plus a chirp), written as float32 WAV so that the file holds the
exact samples: a clip cut one sample early or late, a dropped or repeated block, or a wrong tail
rule changes samples by about the signal's level, far above any tolerance used here.
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from specimg.core.audio import clip_offsets, cut_clip, load_audio, stream_clips
from specimg.util.errors import InputError

TAILS = ("drop", "pad", "last_window")
#: Resampled clips against librosa.load's resampling. Both are libsoxr at HQ quality on float32
#: with the same ratio (stream_clips: soxr.ResampleStream, load_audio: soxr.resample, which also
#: processes its input chunk by chunk); libsoxr's output does not depend on how the input is
#: chunked, and the two agree bit for bit here. The allowance is a few float32 ulps at full scale,
#: for rounding only (mixing channels before rather than after resampling, SIMD paths); a
#: misplaced sample of the noise below moves a value by ~0.3.
RESAMPLE_ATOL = 1e-6


def _signal(n: int, seed: int = 0) -> np.ndarray:
    """Seeded noise on a chirp, float32, within [-1, 1]: neighbouring samples differ a lot."""
    t = np.arange(n) / n
    chirp = 0.3 * np.sin(2 * np.pi * (5.0 * t + 200.0 * t**2))
    noise = 0.3 * np.random.default_rng(seed).standard_normal(n)
    return np.clip(chirp + noise, -1.0, 1.0).astype(np.float32)


def _write(tmp_path, y: np.ndarray, sr: int, name: str = "long.wav"):
    path = tmp_path / name
    sf.write(path, y, sr, subtype="FLOAT")
    return path


def _whole_file(y: np.ndarray, clip_length: int, step: int, tail: str):
    """The clips the whole-signal path cuts: (offset, clip, audio_samples)."""
    return [(offset, cut_clip(y, offset, clip_length), min(clip_length, len(y) - offset))
            for offset in clip_offsets(len(y), clip_length, step, tail)]


def _assert_same_clips(got, want, atol: float = 0.0) -> None:
    assert [o for o, _, _ in got] == [o for o, _, _ in want]
    assert [a for _, _, a in got] == [a for _, _, a in want]
    for (offset, clip, _), (_, expected, _) in zip(got, want, strict=True):
        assert clip.dtype == np.float32 and clip.shape == expected.shape, offset
        if atol == 0.0:
            np.testing.assert_array_equal(clip, expected, err_msg=f"clip at {offset}")
        else:
            np.testing.assert_allclose(clip, expected, rtol=0, atol=atol,
                                       err_msg=f"clip at {offset}")


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize(("clip_length", "step"), [(100, 100), (100, 37), (100, 163)])
@pytest.mark.parametrize("block_frames", [1, 7, 64, 100, 1000, 1 << 16])
def test_clips_equal_the_file_across_block_boundaries(tmp_path, block_frames, clip_length,
                                                      step, tail):
    """Guards the block bookkeeping: at the file's own rate every clip is exactly the file's
    samples, whether it lies in one block or straddles several (blocks of 1 to 1000 frames,
    tiling, overlapping and gapped clips), and the offsets are those of clip_offsets."""
    y = _signal(1234)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, clip_length, step, tail, block_frames=block_frames))
    want = _whole_file(y, clip_length, step, tail)
    assert len(want) >= 7
    _assert_same_clips(got, want)
    _assert_same_clips(got, _whole_file(load_audio(path, 8000), clip_length, step, tail))


def test_block_size_dividing_the_file_length(tmp_path):
    """Guards the end-of-file test when the last block is full (frames_read == frames): no clip
    is lost or duplicated, and pad / last_window still see the file's end."""
    y = _signal(1000)
    path = _write(tmp_path, y, 8000)
    for tail in TAILS:
        for block_frames in (100, 250, 1000):
            got = list(stream_clips(path, 8000, 300, 200, tail, block_frames=block_frames))
            _assert_same_clips(got, _whole_file(y, 300, 200, tail))


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize("block_frames", [100, 4097, None])
@pytest.mark.parametrize(("file_sr", "sr", "n"), [(44100, 22050, 30011), (48000, 16000, 150001)])
def test_resampled_clips_equal_whole_file_resampling(tmp_path, file_sr, sr, n, block_frames,
                                                     tail):
    """Guards the streaming resampler: clips at ``sr`` equal the whole file resampled by
    load_audio (same length, offsets and samples within RESAMPLE_ATOL), with small blocks and
    with the default block size over several blocks (150001 frames > 2 * 65536)."""
    y = _signal(n, seed=1)
    path = _write(tmp_path, y, file_sr)
    reference = load_audio(path, sr)
    assert len(reference) == -(-n * sr // file_sr)
    # The check can see a one-sample shift: neighbouring samples differ far beyond the tolerance.
    assert np.median(np.abs(np.diff(reference))) > 1000 * RESAMPLE_ATOL
    kwargs = {} if block_frames is None else {"block_frames": block_frames}
    got = list(stream_clips(path, sr, 1024, 700, tail, **kwargs))
    want = _whole_file(reference, 1024, 700, tail)
    _assert_same_clips(got, want, atol=RESAMPLE_ATOL)
    if tail == "last_window":
        offset, clip, audio = got[-1]
        assert offset + 1024 == len(reference) and audio == 1024
        np.testing.assert_allclose(clip, reference[-1024:], rtol=0, atol=RESAMPLE_ATOL)


def test_tail_drop(tmp_path):
    """Guards ``drop``: only full clips, the audio after the last one never appears."""
    y = _signal(1050)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, 100, 100, "drop", block_frames=64))
    assert [o for o, _, _ in got] == list(range(0, 1000, 100))
    assert all(audio == 100 for _, _, audio in got)
    for offset, clip, _ in got:
        np.testing.assert_array_equal(clip, y[offset : offset + 100])


def test_tail_pad(tmp_path):
    """Guards ``pad``: one more clip a step after the last full one, holding the rest of the
    file and then exact zeros, its audio count being what is left of the file."""
    y = _signal(1050)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, 100, 100, "pad", block_frames=64))
    assert [o for o, _, _ in got] == list(range(0, 1100, 100))
    assert [audio for _, _, audio in got] == [100] * 10 + [50]
    clip = got[-1][1]
    np.testing.assert_array_equal(clip[:50], y[1000:])
    np.testing.assert_array_equal(clip[50:], np.zeros(50, np.float32))


def test_tail_last_window(tmp_path):
    """Guards ``last_window``: the extra clip ends exactly at the file's end, unpadded."""
    y = _signal(1050)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, 100, 100, "last_window", block_frames=64))
    assert [o for o, _, _ in got] == [*range(0, 1000, 100), 950]
    assert all(audio == 100 for _, _, audio in got)
    np.testing.assert_array_equal(got[-1][1], y[-100:])


@pytest.mark.parametrize("tail", TAILS)
def test_file_that_fits_exactly_gets_no_tail_clip(tmp_path, tail):
    """Guards the exact fit (length = clip + k * step): every policy gives the same clips."""
    y = _signal(100 + 9 * 70)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, 100, 70, tail, block_frames=33))
    assert [o for o, _, _ in got] == list(range(0, 640, 70))
    _assert_same_clips(got, _whole_file(y, 100, 70, tail))


def test_tail_pad_after_resampling_is_exact_zeros(tmp_path):
    """Guards the resampled stream's end: the padded clip holds n_out - offset samples of audio
    (matching load_audio) and exact zeros after them, not resampler ringing."""
    y = _signal(30011, seed=2)
    path = _write(tmp_path, y, 44100)
    reference = load_audio(path, 16000)  # 10889 samples
    got = list(stream_clips(path, 16000, 1000, 1000, "pad", block_frames=1000))
    offset, clip, audio = got[-1]
    assert offset == 10000 and audio == len(reference) - 10000 == 889
    np.testing.assert_allclose(clip[:audio], reference[offset:], rtol=0, atol=RESAMPLE_ATOL)
    np.testing.assert_array_equal(clip[audio:], np.zeros(1000 - audio, np.float32))


@pytest.mark.parametrize("mixdown", ["mean", "first"])
@pytest.mark.parametrize(("file_sr", "sr"), [(8000, 8000), (48000, 16000)])
def test_stereo_mixdown(tmp_path, mixdown, file_sr, sr):
    """Guards the mixdown: the mean of the channels, or the first one alone, as load_audio gives
    it (exactly at the file's rate, within RESAMPLE_ATOL after resampling, where the stream
    mixes before resampling and load_audio after)."""
    stereo = np.stack([_signal(9001, seed=3), _signal(9001, seed=4)], axis=1)
    path = _write(tmp_path, stereo, file_sr, "stereo.wav")
    reference = load_audio(path, sr, mixdown)
    if file_sr == sr:
        direct = stereo.mean(axis=1) if mixdown == "mean" else stereo[:, 0]
        np.testing.assert_array_equal(reference, direct)
    got = list(stream_clips(path, sr, 500, 300, "last_window", mixdown, block_frames=1000))
    want = _whole_file(reference, 500, 300, "last_window")
    _assert_same_clips(got, want, atol=0.0 if file_sr == sr else RESAMPLE_ATOL)
    other = load_audio(path, sr, "first" if mixdown == "mean" else "mean")
    assert np.abs(got[0][1] - other[:500]).max() > 0.1  # the two mixdowns differ


@pytest.mark.parametrize("tail", TAILS)
@pytest.mark.parametrize(("file_sr", "sr", "n"), [(8000, 8000, 60), (44100, 16000, 200)])
def test_file_shorter_than_one_clip(tmp_path, tail, file_sr, sr, n):
    """Guards a file shorter than one clip: nothing with ``drop``, otherwise one clip at offset
    0 holding the whole (resampled) file then exact zeros."""
    y = _signal(n, seed=5)
    path = _write(tmp_path, y, file_sr, "short.wav")
    reference = load_audio(path, sr)
    got = list(stream_clips(path, sr, 100, 50, tail, block_frames=16))
    if tail == "drop":
        assert got == []
        return
    assert len(got) == 1
    offset, clip, audio = got[0]
    assert offset == 0 and audio == len(reference) == -(-n * sr // file_sr)
    assert clip.shape == (100,) and clip.dtype == np.float32
    np.testing.assert_allclose(clip[:audio], reference, rtol=0, atol=RESAMPLE_ATOL)
    if file_sr == sr:
        np.testing.assert_array_equal(clip[:audio], y)
    np.testing.assert_array_equal(clip[audio:], np.zeros(100 - audio, np.float32))


def test_gapped_clips_skip_the_gaps(tmp_path):
    """Guards step > clip_length: the clips start a step apart and hold only their own samples;
    last_window still ends at the file's end."""
    y = _signal(1000)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, 100, 250, "last_window", block_frames=90))
    assert [o for o, _, _ in got] == [0, 250, 500, 750, 900]
    for offset, clip, _ in got:
        np.testing.assert_array_equal(clip, y[offset : offset + 100])


def test_overlapping_clips_share_samples(tmp_path):
    """Guards step < clip_length: samples kept from one block serve several clips."""
    y = _signal(1000)
    path = _write(tmp_path, y, 8000)
    got = list(stream_clips(path, 8000, 300, 40, "drop", block_frames=50))
    assert [o for o, _, _ in got] == list(range(0, 701, 40))
    for offset, clip, _ in got:
        np.testing.assert_array_equal(clip, y[offset : offset + 300])


def test_file_without_frames_is_an_input_error(tmp_path):
    """Guards a header-only file: an InputError, not an empty or zero clip."""
    path = _write(tmp_path, np.zeros(0, np.float32), 8000, "empty.wav")
    with pytest.raises(InputError):
        list(stream_clips(path, 8000, 100, 100))
