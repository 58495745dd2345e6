"""One check per user-chosen value: the flags of the ``specimg`` command and the keys of
``params.yaml`` call the same functions, before any work.

Each check takes the value as given (text from a flag, a YAML scalar) and ``name``, how the
user spelled it (``--n-fft``, ``stft.n_fft``), and returns the value typed, or raises
:class:`~specimg.util.errors.ParameterError` naming the value and what is allowed::

    --hop-length 4096 is larger than --n-fft 2048: use a hop of at most n_fft samples

The cross-checks (``check_stft``, ``check_band``, ``check_length``) take ``names``, a mapping
from the parameter (``n_fft``) to its spelling; a parameter not in it is named as itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from .errors import ParameterError

__all__ = [
    "MAX_FRAMES", "MAX_N_FFT", "MAX_SEED", "MAX_SR", "MIN_N_FFT", "boolean", "check_band",
    "check_length", "check_stft", "choice", "duration", "fft_size", "flag_names", "fmax",
    "fmin", "frame_count", "hop_length", "integer", "max_pixels", "n_jobs", "n_mels",
    "peak_db", "real", "sample_rate", "seed", "threads", "top_db", "win_length",
]

#: Smallest FFT size (samples): 9 bins, below which no picture of speech or music is useful.
MIN_N_FFT = 16
#: Largest FFT size (samples), sample rate (Hz), frame count and mel bands, as specimg metadata
#: allows them.
MAX_N_FFT = 1 << 20
MAX_SR = 10**7
MAX_FRAMES = (1 << 31) - 1
MAX_MELS = 1 << 16
#: Largest seed numpy's RandomState takes.
MAX_SEED = 2**32 - 1


def _show(value: object) -> str:
    """A value as the user wrote it: text as is (quoted if empty or spaced), others by repr."""
    if isinstance(value, str):
        return value if value and value.strip() == value and " " not in value else repr(value)
    return repr(value)


def integer(value: object, name: str, *, low: int | None = None, high: int | None = None,
            allowed: str) -> int:
    """``value`` as an int in ``low..high`` (either None: unbounded).

    Text and whole floats (``22050.0`` from YAML) are taken; booleans, fractions and other
    types are not. ``allowed`` ends the message (``use at least 16 samples``).
    """
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            pass
    if number is None:
        raise ParameterError(f"{name} {_show(value)} is not a whole number: {allowed}")
    if low is not None and number < low:
        raise ParameterError(f"{name} {_show(value)} is too small: {allowed}")
    if high is not None and number > high:
        raise ParameterError(f"{name} {_show(value)} is too large: {allowed}")
    return number


def real(value: object, name: str, *, low: float | None = None, above: float | None = None,
         high: float | None = None, allowed: str) -> float:
    """``value`` as a finite float, at least ``low``, greater than ``above``, at most ``high``
    (each None: unbounded). Text and ints are taken; booleans, NaN and infinities are not."""
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            pass
    if number is None or not math.isfinite(number):
        raise ParameterError(f"{name} {_show(value)} is not a finite number: {allowed}")
    if (low is not None and number < low) or (above is not None and number <= above):
        raise ParameterError(f"{name} {_show(value)} is too small: {allowed}")
    if high is not None and number > high:
        raise ParameterError(f"{name} {_show(value)} is too large: {allowed}")
    return number


def choice(value: object, name: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices`` (strings), else the allowed values."""
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(f"{name} {_show(value)} is not allowed: use one of "
                             f"{', '.join(choices)}")
    return value


def boolean(value: object, name: str) -> bool:
    """``value`` if it is a YAML boolean (``true``/``false``)."""
    if not isinstance(value, bool):
        raise ParameterError(f"{name} {_show(value)} is not a boolean: use true or false")
    return value


def sample_rate(value: object, name: str = "sr") -> int:
    """A sample rate: a whole number of Hz, 1..10**7."""
    return integer(value, name, low=1, high=MAX_SR,
                   allowed=f"use a sample rate in Hz, 1 to {MAX_SR}")


def fft_size(value: object, name: str = "n_fft") -> int:
    """An FFT size (samples), 16..2**20; odd sizes are allowed, as in librosa."""
    return integer(value, name, low=MIN_N_FFT, high=MAX_N_FFT,
                   allowed=f"use an FFT size of {MIN_N_FFT} to {MAX_N_FFT} samples "
                   "(librosa's default: 2048)")


def hop_length(value: object, name: str = "hop_length") -> int:
    """A hop (samples), at least 1; :func:`check_stft` holds it to at most ``n_fft``."""
    return integer(value, name, low=1, high=MAX_N_FFT,
                   allowed="use a hop of 1 to n_fft samples (librosa's default: n_fft // 4)")


def win_length(value: object, name: str = "win_length") -> int:
    """A window length (samples), at least 1; :func:`check_stft` holds it to ``n_fft``."""
    return integer(value, name, low=1, high=MAX_N_FFT,
                   allowed="use a window of 1 to n_fft samples")


def top_db(value: object, name: str = "top_db") -> float:
    """The dB range a picture keeps below its peak: finite, above 0 dB."""
    return real(value, name, above=0.0, allowed="use a range in dB above 0 (e.g. 80)")


def peak_db(value: object, name: str = "peak_db") -> float:
    """The level of a picture's brightest pixel, dB re amplitude 1.0: any finite number."""
    return real(value, name, allowed="use a level in dB re amplitude 1.0 (e.g. -20)")


def frame_count(value: object, name: str = "frames") -> int:
    """STFT frames of a picture: 2 or more."""
    return integer(value, name, low=2, high=MAX_FRAMES,
                   allowed=f"use a count of STFT frames, 2 to {MAX_FRAMES}")


def duration(value: object, name: str = "duration") -> float:
    """Seconds of audio: finite, above 0 (:func:`check_length` asks for two frames)."""
    return real(value, name, above=0.0, allowed="use a length in seconds above 0")


def seed(value: object, name: str = "seed") -> int:
    """A random seed: 0..2**32 - 1 (numpy's RandomState)."""
    return integer(value, name, low=0, high=MAX_SEED,
                   allowed=f"use a whole number from 0 to {MAX_SEED}")


def fmin(value: object, name: str = "fmin") -> float:
    """The lowest mel frequency (Hz): 0 or more (:func:`check_band`: below ``fmax``)."""
    return real(value, name, low=0.0, allowed="use a frequency in Hz, 0 or more, below fmax")


def fmax(value: object, name: str = "fmax") -> float:
    """The highest mel frequency (Hz): above 0 (:func:`check_band`: at most ``sr / 2``)."""
    return real(value, name, above=0.0,
                allowed="use a frequency in Hz above fmin, at most sr / 2")


def n_mels(value: object, name: str = "n_mels") -> int:
    """Mel bands: 1..65536."""
    return integer(value, name, low=1, high=MAX_MELS,
                   allowed=f"use a number of mel bands, 1 to {MAX_MELS} (librosa's default: 128)")


def threads(value: object, name: str = "threads") -> int:
    return integer(value, name, low=1, high=4096, allowed="use a whole number of threads from 1")


def max_pixels(value: object, name: str = "max_pixels") -> int:
    """The most pixels a picture may decode to: 1 or more."""
    return integer(value, name, low=1, allowed="use a number of pixels above 0")


def n_jobs(value: object, name: str = "n_jobs") -> int:
    """Worker processes: 1 or more, or -1 (every core)."""
    count = integer(value, name, low=-1, allowed="use a number of processes, 1 or more, or -1 "
                    "for every core")
    if count == 0:
        raise ParameterError(f"{name} 0 is not allowed: use a number of processes, 1 or more, "
                             "or -1 for every core")
    return count


def flag_names(*keys: str) -> dict[str, str]:
    """The command's spelling of parameters: ``n_fft`` -> ``--n-fft``."""
    return {key: "--" + key.replace("_", "-") for key in keys}


def _name(names: Mapping[str, str] | None, key: str) -> str:
    return (names or {}).get(key, key)


def check_stft(*, n_fft: int, hop_length: int, win_length: int | None = None,
               names: Mapping[str, str] | None = None) -> None:
    """Hop and window (samples) no longer than the FFT size."""
    if hop_length > n_fft:
        raise ParameterError(f"{_name(names, 'hop_length')} {hop_length} is larger than "
                             f"{_name(names, 'n_fft')} {n_fft}: use a hop of at most n_fft "
                             "samples (librosa's default: n_fft // 4)")
    if win_length is not None and win_length > n_fft:
        raise ParameterError(f"{_name(names, 'win_length')} {win_length} is larger than "
                             f"{_name(names, 'n_fft')} {n_fft}: use a window of at most n_fft "
                             "samples")


def check_band(*, fmin: float, fmax: float | None, sr: int,
               names: Mapping[str, str] | None = None) -> None:
    """``0 <= fmin < fmax <= sr / 2`` (Hz); ``fmax`` None is ``sr / 2``."""
    nyquist = sr / 2
    top = nyquist if fmax is None else fmax
    if fmax is not None and fmax > nyquist:
        raise ParameterError(f"{_name(names, 'fmax')} {fmax:g} is above half of "
                             f"{_name(names, 'sr')} {sr}: use at most {nyquist:g} Hz")
    if fmin >= top:
        raise ParameterError(f"{_name(names, 'fmin')} {fmin:g} is not below "
                             f"{_name(names, 'fmax')} {top:g}: use fmin < fmax (Hz)")


def check_length(*, frames: int | None, duration: float | None, sr: int, hop_length: int,
                 names: Mapping[str, str] | None = None) -> None:
    """At most one of ``frames`` and ``duration`` (s); a duration of 2 to :data:`MAX_FRAMES`
    frames (at least one hop, centred frames)."""
    if frames is not None and duration is not None:
        raise ParameterError(f"{_name(names, 'frames')} and {_name(names, 'duration')} both "
                             "give the length: give one of them")
    if duration is None:
        return
    hop_s = hop_length / sr
    if round(duration * sr) < hop_length:
        raise ParameterError(f"{_name(names, 'duration')} {duration:g} is shorter than one "
                             f"hop ({hop_length} samples at {sr} Hz, {hop_s:.6g} s): use at "
                             "least that, for two frames")
    if round(duration * sr) // hop_length + 1 > MAX_FRAMES:
        raise ParameterError(f"{_name(names, 'duration')} {duration:g} is too long: use at "
                             f"most {(MAX_FRAMES - 1) * hop_s:.6g} s ({MAX_FRAMES} frames)")
