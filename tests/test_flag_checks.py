"""Every bad flag value is refused before any work: exit status 2, one line naming the flag,
no traceback, nothing written (hypothesis generates the values, as test_bad_images.py and
test_codec_properties.py generate bad bytes). Good values stay accepted."""

from __future__ import annotations

import contextlib
import io
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specimg.cli import main
from specimg.util import checks
from specimg.util.errors import ParameterError

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

#: Text that is no number (nor "auto", "nan" or "inf", which some flags parse).
WORDS = st.text(alphabet="abcdefghijklmopqrsuvwxyz_", min_size=1, max_size=8).filter(
    lambda text: text not in ("auto", "nan", "inf", "infinity"))
FRACTIONS = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6
                      ).filter(lambda x: not x.is_integer()).map(repr)
NON_FINITE = st.sampled_from(["nan", "inf", "-inf", "NaN", "Infinity"])


def ints(*, below: int | None = None, above: int | None = None) -> st.SearchStrategy[str]:
    """Whole numbers below ``below`` or above ``above``, as text."""
    parts = []
    if below is not None:
        parts.append(st.integers(max_value=below - 1, min_value=below - 10**12))
    if above is not None:
        parts.append(st.integers(min_value=above + 1, max_value=above + 10**12))
    return st.one_of(parts).map(str)


def reals(*, at_most: float | None = None, above: float | None = None) -> st.SearchStrategy:
    """Finite numbers at most ``at_most`` or above ``above``, as text."""
    parts = []
    if at_most is not None:
        parts.append(st.floats(max_value=at_most, min_value=-1e12, allow_nan=False))
    if above is not None:
        parts.append(st.floats(min_value=above, max_value=1e12, allow_nan=False,
                               exclude_min=True))
    return st.one_of(parts).map(repr)


#: Each value flag of ``specimg invert`` and values it must refuse.
INVERT_BAD = {
    "--sr": st.one_of(ints(below=1, above=checks.MAX_SR), WORDS, FRACTIONS),
    "--n-fft": st.one_of(ints(below=checks.MIN_N_FFT, above=checks.MAX_N_FFT), WORDS,
                         FRACTIONS),
    "--hop-length": st.one_of(ints(below=1, above=2048), WORDS, FRACTIONS),
    "--top-db": st.one_of(reals(at_most=0.0), NON_FINITE, WORDS),
    "--n-mels": st.one_of(ints(below=1, above=65536), WORDS, FRACTIONS),
    "--fmin": st.one_of(reals(at_most=-1e-9), NON_FINITE, WORDS),
    "--fmax": st.one_of(reals(at_most=0.0, above=11025.0), NON_FINITE, WORDS),
    "--duration": st.one_of(reals(at_most=512 / 22050 * 0.99), NON_FINITE, WORDS),
    "--frames": st.one_of(ints(below=2, above=checks.MAX_FRAMES), WORDS, FRACTIONS),
    "--peak-db": st.one_of(NON_FINITE, WORDS),
    "--seed": st.one_of(ints(below=0, above=checks.MAX_SEED), WORDS, FRACTIONS),
    "--n-iter": st.one_of(ints(below=1), WORDS, FRACTIONS),
    "--max-pixels": st.one_of(ints(below=1), WORDS, FRACTIONS),
    "--jobs": st.one_of(ints(below=-1), st.just("0"), WORDS, FRACTIONS),
}
ENCODE_BAD = {
    "--sr": INVERT_BAD["--sr"], "--n-fft": INVERT_BAD["--n-fft"],
    "--hop-length": st.one_of(ints(below=1), WORDS, FRACTIONS),
    "--n-mels": INVERT_BAD["--n-mels"], "--fmin": INVERT_BAD["--fmin"],
    "--fmax": INVERT_BAD["--fmax"], "--top-db": INVERT_BAD["--top-db"],
    "--clip-seconds": st.one_of(reals(at_most=0.0), NON_FINITE, WORDS),
    "--quality": st.one_of(ints(below=1, above=100), WORDS, FRACTIONS),
    "--height": st.one_of(ints(below=1), WORDS, FRACTIONS),
    "--width-per-second": st.one_of(reals(at_most=0.0), NON_FINITE, WORDS),
    "--jobs": INVERT_BAD["--jobs"],
}


def refused(argv: list[str], out: Path) -> str:
    """The one line ``specimg argv`` prints on refusing it (exit status 2, nothing under out)."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = main(argv)
        except SystemExit as stop:
            status = stop.code
    lines = err.getvalue().strip().splitlines()
    assert status == 2, (argv, err.getvalue())
    assert len(lines) == 1 and "Traceback" not in err.getvalue(), err.getvalue()
    assert not out.exists()
    return lines[0]


@pytest.fixture
def picture(tmp_path) -> Path:
    (tmp_path / "in.png").write_bytes(b"never opened: the flags are refused first")
    return tmp_path / "in.png"


@pytest.mark.parametrize("flag", sorted(INVERT_BAD))
def test_a_bad_invert_flag_is_one_line_naming_it(flag, picture, tmp_path):
    @SETTINGS
    @given(value=INVERT_BAD[flag])
    def check(value):
        line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), f"{flag}={value}"],
                       tmp_path / "out")
        assert line.startswith(f"specimg invert: error: {flag} "), line

    check()


@pytest.mark.parametrize("flag", sorted(ENCODE_BAD))
def test_a_bad_encode_flag_is_one_line_naming_it(flag, picture, tmp_path):
    @SETTINGS
    @given(value=ENCODE_BAD[flag])
    def check(value):
        line = refused(["encode", str(picture), "-o", str(tmp_path / "out"), f"{flag}={value}"],
                       tmp_path / "out")
        assert line.startswith(f"specimg encode: error: {flag} "), line

    check()


@SETTINGS
@given(n_fft=st.integers(16, 8192), extra=st.integers(1, 10**5))
def test_a_hop_longer_than_n_fft_is_refused_naming_both(n_fft, extra, picture, tmp_path):
    line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), f"--n-fft={n_fft}",
                    f"--hop-length={n_fft + extra}"], tmp_path / "out")
    assert f"--hop-length {n_fft + extra} is larger than --n-fft {n_fft}" in line


@SETTINGS
@given(sr=st.integers(1000, 96000), data=st.data())
def test_fmin_below_fmax_within_half_the_sample_rate(sr, data, picture, tmp_path):
    fmax = data.draw(st.floats(1.0, sr / 2, exclude_max=True).map(lambda x: round(x, 3)))
    fmin = data.draw(st.floats(fmax, 10 * sr))
    line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), f"--sr={sr}",
                    f"--fmin={fmin!r}", f"--fmax={fmax!r}"], tmp_path / "out")
    assert "--fmin" in line and "is not below --fmax" in line
    above = data.draw(st.floats(sr / 2, 10 * sr, exclude_min=True))
    line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), f"--sr={sr}",
                    f"--fmax={above!r}"], tmp_path / "out")
    assert "--fmax" in line and f"is above half of --sr {sr}" in line


@SETTINGS
@given(hop=st.integers(16, 4096), data=st.data())
def test_a_duration_shorter_than_one_hop_is_refused(hop, data, picture, tmp_path):
    seconds = data.draw(st.floats(1e-6, (hop - 0.5) / 22050, exclude_max=True))
    line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), "--n-fft=8192",
                    f"--hop-length={hop}", f"--duration={seconds!r}"], tmp_path / "out")
    assert line.startswith("specimg invert: error: --duration ") and "shorter than one hop" in line


def test_frames_and_duration_together_are_refused(picture, tmp_path):
    line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), "--frames", "10",
                    "--duration", "2"], tmp_path / "out")
    assert "--frames and --duration both give the length" in line


def test_a_preset_is_checked_with_the_flags_given(picture, tmp_path):
    line = refused(["invert", str(picture), "-o", str(tmp_path / "out"), "--preset",
                    "riffusion", "--hop-length", "20000"], tmp_path / "out")
    assert "--hop-length 20000 is larger than --n-fft 17640" in line


@SETTINGS
@given(n_fft=st.integers(checks.MIN_N_FFT, 1 << 16), data=st.data())
def test_good_values_pass_the_checks(n_fft, data):
    hop = data.draw(st.integers(1, n_fft))
    sr = data.draw(st.integers(1, checks.MAX_SR))
    assert checks.fft_size(str(n_fft), "--n-fft") == n_fft
    assert checks.hop_length(str(hop), "--hop-length") == hop
    checks.check_stft(n_fft=n_fft, hop_length=hop)
    fmax = data.draw(st.floats(1e-3, sr / 2))
    fmin = data.draw(st.floats(0.0, fmax, exclude_max=True))
    checks.check_band(fmin=fmin, fmax=fmax, sr=sr)
    seconds = data.draw(st.floats(hop / sr * 1.01, hop / sr * 1e6))
    assert math.isfinite(checks.duration(repr(seconds), "--duration"))
    checks.check_length(frames=None, duration=seconds, sr=sr, hop_length=hop)
    assert checks.seed(data.draw(st.integers(0, checks.MAX_SEED)), "seed") >= 0


def test_a_parameter_error_is_a_value_error_naming_the_value():
    with pytest.raises(ValueError, match=r"^stft.n_fft 3 is too small: use an FFT size of 16"):
        checks.fft_size(3, "stft.n_fft")
    with pytest.raises(ParameterError, match="is not a whole number"):
        checks.integer(True, "x", allowed="use a count")
    assert checks.win_length("1024", "--win-length") == 1024
    with pytest.raises(ParameterError, match=r"^--win-length 2049 is larger than --n-fft 2048"):
        checks.check_stft(n_fft=2048, hop_length=512, win_length=2049,
                          names=checks.flag_names("n_fft", "win_length"))
