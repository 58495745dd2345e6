"""The top-level calls: specimg.invert decides as `specimg invert` does, specimg.reconstruct
takes librosa's layout, their docstring examples run, and `import specimg` stays light."""

from __future__ import annotations

import doctest
import subprocess
import sys

import librosa
import numpy as np
import pytest
import soundfile as sf
from PIL import Image
from tinyproject import REPO

import specimg
import specimg.api
from specimg.cli import main
from specimg.core.spectrum import StftConfig, stft
from specimg.util.errors import InputError

CONFIG = StftConfig(sr=8000, n_fft=256, hop_length=64)
#: The picture's parameters as flags and as keyword arguments.
GIVEN = {"sr": 8000, "n_fft": 256, "hop_length": 64, "layout": "grid", "duration": 1.5}


def drawn_picture(y: np.ndarray, path) -> None:
    """A gray PNG of ``y``'s dB spectrogram, one row per bin, lowest at the bottom, no
    metadata: a picture made elsewhere."""
    db = librosa.amplitude_to_db(np.abs(stft(y, CONFIG)), ref=np.max, top_db=80.0)
    Image.fromarray(np.round((db + 80) * 255 / 80).astype(np.uint8)[::-1]).save(path)


def test_the_docstring_examples_run():
    result = doctest.testmod(specimg.api, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 10 and result.failed == 0, result


def test_import_specimg_loads_nothing_heavy_until_first_use():
    probe = ("import sys, specimg; heavy = ('numpy', 'librosa', 'scipy', 'PIL', 'numba'); "
             "print(sorted(m for m in heavy if m in sys.modules)); specimg.reconstruct; "
             "print(sorted(m for m in heavy if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=REPO)
    before, after = done.stdout.splitlines()
    assert before == "[]"
    assert "numpy" in after and "librosa" in after
    assert set(specimg.__all__) >= {"invert", "reconstruct", "encode"}
    with pytest.raises(AttributeError, match="no_such"):
        specimg.no_such  # noqa: B018


def test_invert_gives_what_the_command_writes(tmp_path, harmonic_signal):
    y = harmonic_signal[: int(1.5 * CONFIG.sr)]
    drawn_picture(y, tmp_path / "drawn.png")
    flags = [f"--{name.replace('_', '-')}={value}" for name, value in GIVEN.items()]
    assert main(["invert", str(tmp_path / "drawn.png"), "-o", str(tmp_path / "out"),
                 "--n-iter", "8", *flags]) == 0
    written, written_sr = sf.read(tmp_path / "out/drawn.wav", dtype="float32")
    y_hat, sr = specimg.invert(tmp_path / "drawn.png", n_iter=8, **GIVEN)
    assert sr == written_sr == 8000 and y_hat.dtype == np.float32
    assert len(y_hat) == len(written) == len(y)
    assert np.max(np.abs(y_hat - written)) <= 1 / 32768  # the command's 16-bit rounding
    same, _ = specimg.invert((tmp_path / "drawn.png").read_bytes(), n_iter=8, **GIVEN)
    assert np.array_equal(same, y_hat)


def test_invert_follows_duration_frames_and_counted_frames(tmp_path, harmonic_signal):
    y = harmonic_signal[: int(1.5 * CONFIG.sr)]
    drawn_picture(y, tmp_path / "drawn.png")
    grid = {"sr": 8000, "n_fft": 256, "hop_length": 64, "layout": "grid", "n_iter": 2}
    assert len(specimg.invert(tmp_path / "drawn.png", duration=1.5, **grid)[0]) == 12000
    assert len(specimg.invert(tmp_path / "drawn.png", duration=1.0, **grid)[0]) == 8000
    frames = CONFIG.n_frames(len(y))
    assert len(specimg.invert(tmp_path / "drawn.png", frames=frames, **grid)[0]) == (
        (frames - 1) * 64)


def test_invert_names_what_it_cannot_use(tmp_path, harmonic_signal):
    drawn_picture(harmonic_signal, tmp_path / "drawn.png")
    with pytest.raises(ValueError, match="leave out sr, duration"):
        specimg.invert(tmp_path / "drawn.png", card=tmp_path / "card.json", sr=8000,
                       duration=1.0)
    with pytest.raises(InputError, match=r"card\.json"):
        specimg.invert(tmp_path / "drawn.png", card=tmp_path / "card.json")
    with pytest.raises(ValueError, match="n_iter 0"):
        specimg.invert(tmp_path / "drawn.png", n_iter=0, **GIVEN)
    with pytest.raises(ValueError, match="hop_length 4096 is larger than n_fft 2048"):
        specimg.invert(tmp_path / "drawn.png", hop_length=4096, duration=1.0)


def test_reconstruct_takes_librosa_layout(harmonic_signal):
    S = np.abs(stft(harmonic_signal, CONFIG))
    y = specimg.reconstruct(S, sr=8000, hop_length=64, n_iter=16)
    assert y.dtype == np.float32 and len(y) == 64 * (S.shape[1] - 1)  # as librosa.istft
    rebuilt = np.abs(stft(y, CONFIG))
    assert 20 * np.log10(np.linalg.norm(rebuilt - S) / np.linalg.norm(S)) < -15
    assert len(specimg.reconstruct(S, length=len(harmonic_signal), n_iter=2)) == len(
        harmonic_signal)  # hop from n_fft // 4, n_fft from the rows
    assert np.array_equal(specimg.reconstruct(S, hop_length=64, n_iter=4, seed=1),
                          specimg.reconstruct(S, hop_length=64, n_iter=4, seed=1))


@pytest.mark.parametrize(("S", "options", "message"), [
    (np.ones(129, np.float32), {}, "finite 2-D float array"),
    (np.full((129, 10), np.nan, np.float32), {}, "finite 2-D float array"),
    (np.ones((129, 10), np.float32), {"n_fft": 512}, "S has 129 rows; n_fft=512 gives 257"),
    (np.ones((129, 10), np.float32), {"hop_length": 0}, "hop_length=0"),
])
def test_reconstruct_names_a_bad_input(S, options, message):
    with pytest.raises(ValueError, match=message):
        specimg.reconstruct(S, **options)


def test_encode_writes_a_picture_invert_reads_back(harmonic_signal):
    picture = specimg.encode(harmonic_signal, 8000, n_fft=256, hop_length=64, encoding="png16")
    y, sr = specimg.invert(picture, n_iter=16)
    assert sr == 8000 and len(y) == len(harmonic_signal)
    with pytest.raises(ValueError, match="top_db=0"):
        specimg.encode(harmonic_signal, 8000, top_db=0)
