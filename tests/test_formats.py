"""Picture formats for image models (formats.fit), pictures of the lowest bins, and the card."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from specimg.core.spectrum import StftConfig, magnitude_to_unit, peak_db, stft
from specimg.encoding import audio_to_image
from specimg.image.card import card_json, read_card
from specimg.image.codec import decode_image, encode_levels
from specimg.image.formats import PRESETS, fit, parse_size
from specimg.image.metadata import ImageMeta
from specimg.util.errors import InputError


@pytest.mark.parametrize("size, kwargs, expected", [
    # (n_fft, hop, n_mels or None, n_rows_kept, clip samples)
    ((512, 512), {}, (1022, 255, None, 0, 512 * 255 - 1)),
    ((512, 512), {"hop_length": 127}, (1022, 127, None, 0, 512 * 127 - 1)),
    ((512, 512), {"n_fft": 2048}, (2048, 512, None, 512, 512 * 512 - 1)),
    ((512, 512), {"y_axis": "mel"}, (2048, 512, 512, 0, 512 * 512 - 1)),
    ((256, 256), {}, (510, 127, None, 0, 256 * 127 - 1)),
    ((256, 257), {}, (512, 128, None, 0, 256 * 128 - 1)),  # odd heights fit too
    ((256, 1025), {"n_fft": 2048}, (2048, 512, None, 0, 256 * 512 - 1)),  # every bin
])
def test_fit_fills_the_picture_exactly(size, kwargs, expected):
    fmt = fit(*size, **kwargs)
    n_fft, hop, n_mels, kept, clip = expected
    assert (fmt.stft.n_fft, fmt.stft.hop_length, fmt.n_rows_kept, fmt.clip_length) == (
        n_fft, hop, kept, clip)
    if n_mels:
        assert fmt.y_axis == "mel" and fmt.n_mels == n_mels
    assert fmt.stft.n_frames(fmt.clip_length) == size[0]
    assert fmt.stft.n_frames(fmt.clip_length + 1) == size[0] + 1  # the longest that fits
    assert fmt.picture_size() == size
    meta = fmt.meta(fmt.clip_length)
    assert (meta.n_frames, meta.n_rows) == size


def test_fit_says_in_one_line_why_a_size_cannot_be_filled():
    cases = [((512, 1), {}, "height=1 must be an integer of at least 2"),
             ((0, 512), {}, "width=0"),
             ((512, 2), {}, "hop_length=0 is under 1 sample"),
             ((512, 512), {"n_fft": 1000}, "n_fft=1000 gives 501 bins, fewer than the height"),
             ((512, 512), {"hop_length": 2000}, "hop_length=2000 is over n_fft=1022"),
             ((512, 1100), {"y_axis": "mel"}, "1100 mel bands need at least as many"),
             ((512, 512), {"y_axis": "log"}, "y_axis='log' must be hz or mel"),
             ((512, 512), {"sr": 0}, "sr=0 must be a positive integer")]
    for size, kwargs, message in cases:
        with pytest.raises(ValueError, match=message.replace("(", r"\(")) as raised:
            fit(*size, **kwargs)
        assert "\n" not in str(raised.value)
    assert parse_size(" 512X256 ") == (512, 256)
    for text in ("0x512", "512", "axb", "-1x4"):
        with pytest.raises(ValueError, match="WIDTHxHEIGHT"):
            parse_size(text)


def test_specshow_cannot_keep_only_the_lowest_bins():
    with pytest.raises(ValueError, match="specshow pictures hold every bin"):
        replace(fit(64, 33, n_fft=256), encoding="specshow").check()


def test_lowest_bins_picture_decodes_with_the_bins_above_at_the_floor(harmonic_signal,
                                                                       small_config):
    S = np.abs(stft(harmonic_signal, small_config))
    kept = 40
    meta = ImageMeta(small_config, n_frames=S.shape[1], length=len(harmonic_signal),
                     peak_db=peak_db(S[:kept]), top_db=80.0, encoding="png16", n_rows_kept=kept)
    levels = magnitude_to_unit(S[:kept], meta.peak_db, 80.0)
    decoded, read = decode_image(encode_levels(levels, meta))
    assert read == meta and read.n_rows == kept
    assert decoded.shape == S.shape
    np.testing.assert_allclose(decoded[:kept], levels, atol=1 / 65535)
    assert not decoded[kept:].any()


def test_n_rows_kept_is_stored_only_when_set(small_config):
    meta = ImageMeta(small_config, n_frames=11, length=640, peak_db=-3.0, top_db=80.0,
                     encoding="png8")
    assert meta.to_json() == (  # the bytes pictures made before n_rows_kept carry
        '{"center":true,"cmap":"gray","encoding":"png8","fmax":0.0,"fmin":0.0,'
        '"hop_length":64,"layout":"grid","length":640,"low_row":"bottom","n_fft":256,'
        '"n_frames":11,"n_mels":128,"peak_db":-3.0,"sr":8000,"top_db":80.0,"window":"hann",'
        '"y_axis":"hz"}')
    kept = replace(meta, n_rows_kept=50)
    assert '"n_rows_kept":50' in kept.to_json()
    assert ImageMeta.from_json(kept.to_json()) == kept
    for bad in (replace(meta, n_rows_kept=200), replace(kept, y_axis="mel"),
                replace(kept, layout="specshow")):
        assert any("n_rows_kept" in problem for problem in bad.problems()), bad


def test_a_card_gives_what_each_picture_lacks(tmp_path):
    fmt = fit(64, 33)
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card_json(fmt)))
    card = read_card(path)
    meta = card.meta_for((64, 33), "gen.png")
    assert meta == fmt.meta(fmt.clip_length)  # peak 0 dB: the picture has no loudness
    with pytest.raises(InputError, match="is 64 x 32 px, but the card"):
        card.meta_for((64, 32), "gen.png")
    whole = replace(fmt, clip_length=None, size=None)  # each recording its own width
    path.write_text(json.dumps(card_json(whole)))
    varying = read_card(path)
    assert varying.size is None
    assert varying.meta_for((90, 33), "g.png").n_frames == 90
    assert varying.meta_for((90, 33), "g.png").length == 89 * fmt.stft.hop_length


def test_audio_diffusion_preset_is_its_pixels(harmonic_signal):
    """The preset's picture is audio-diffusion's own recipe (teticio mel.py), pixel for pixel."""
    import io

    import librosa
    from PIL import Image

    fmt = PRESETS["audio-diffusion"].picture_format()
    y = np.resize(harmonic_signal, fmt.clip_length)  # any audio at 22.05 kHz will do
    M = librosa.feature.melspectrogram(y=y, sr=22050, n_fft=2048, hop_length=512, n_mels=256)
    db = librosa.power_to_db(M, ref=np.max, top_db=80)
    theirs = (((db + 80) * 255 / 80).clip(0, 255) + 0.5).astype(np.uint8)
    ours = np.asarray(Image.open(io.BytesIO(audio_to_image(y, fmt))))
    assert ours.shape == theirs.shape == (256, 256)
    assert np.mean(ours != theirs) < 0.01 and np.max(np.abs(ours - theirs.astype(int))) <= 1
    assert fmt.stft == StftConfig(22050, 2048, 512) and fmt.low_row == "top"
