"""STFT, inverse STFT and the dB maps between magnitudes and image levels.

All transforms follow librosa's conventions (centred frames by default), so that a spectrogram
made with ``librosa.stft`` and one made here are the same array.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import librosa
import numpy as np

from . import portable

#: Magnitudes below this (amplitude, full scale 1.0) are treated as this in dB maps: -200 dB.
AMIN = 1e-10
#: Levels at or below half an 8-bit step count as the dB floor when decoding it as silence.
FLOOR_LEVEL = 0.5 / 255


@dataclass(frozen=True)
class StftConfig:
    """STFT parameters, named as librosa names them.

    Attributes
    ----------
    sr : int
        Sample rate (Hz).
    n_fft : int
        FFT size (samples): the frame length.
    hop_length : int
        Hop between frames (samples).
    window : str
        Window name understood by ``scipy.signal.get_window``.
    center : bool
        Centre frames on their time stamps (librosa's default).
    win_length : int or None
        Window length (samples), ``1 <= win_length <= n_fft``; the window is zero-padded to
        ``n_fft``, centred in the frame (``librosa.util.pad_center``). None means ``n_fft``
        (librosa's convention); left out of :meth:`as_dict` then.
    """

    sr: int = 22050
    n_fft: int = 2048
    hop_length: int = 512
    window: str = "hann"
    center: bool = True
    win_length: int | None = None

    @property
    def n_bins(self) -> int:
        """Number of frequency bins, ``1 + n_fft // 2``."""
        return 1 + self.n_fft // 2

    def n_frames(self, length: int) -> int:
        """Number of frames for a signal of ``length`` samples."""
        if self.center:
            return 1 + length // self.hop_length
        return 1 + (length - self.n_fft) // self.hop_length

    @property
    def window_length(self) -> int:
        """Window length (samples): ``win_length``, or ``n_fft`` where that is None."""
        return self.n_fft if self.win_length is None else self.win_length

    def as_dict(self) -> dict:
        """The fields as a mapping; ``win_length`` only where it is not None, so that the
        stored form of a configuration from before it existed is unchanged."""
        stored = asdict(self)
        if self.win_length is None:
            del stored["win_length"]
        return stored


def window_function(window: str, n_fft: int) -> np.ndarray:
    """Periodic (DFT-even) analysis window, float64, as ``scipy.signal.get_window(window,
    n_fft, fftbins=True)``.

    Hann, the default, is computed here with scipy's arithmetic but the cosine of
    :mod:`.portable` (the same bits on every CPU): importing ``scipy.signal`` also costs about
    half a second, paid by every process that inverts a picture.
    """
    if window in ("hann", "hanning") and n_fft > 1:
        return 0.5 + 0.5 * portable.cos(np.linspace(-np.pi, np.pi, n_fft + 1)[:-1])
    import scipy.signal

    return scipy.signal.get_window(window, n_fft, fftbins=True)


def stft_window(config: StftConfig) -> np.ndarray:
    """The analysis window of ``config``'s frames, float64, ``n_fft`` samples: the periodic
    window of ``config.window_length`` samples (:func:`window_function`) zero-padded on both
    sides to ``n_fft`` and centred, as ``librosa.util.pad_center`` places it."""
    window = window_function(config.window, config.window_length)
    before = (config.n_fft - len(window)) // 2
    return np.pad(window, (before, config.n_fft - len(window) - before))


def stft(y: np.ndarray, config: StftConfig, *, pad_mode: str = "constant") -> np.ndarray:
    """Complex STFT of a mono signal, shape ``(n_bins, n_frames)``, complex64.

    ``pad_mode`` is how centred frames are padded at the ends (``librosa.stft``'s: zeros by
    default; ``"reflect"`` as torch and torchaudio pad).
    """
    return librosa.stft(
        np.asarray(y, dtype=np.float32),
        n_fft=config.n_fft,
        hop_length=config.hop_length,
        window=stft_window(config),
        center=config.center,
        pad_mode=pad_mode,
    )


def istft(D: np.ndarray, config: StftConfig, length: int | None = None) -> np.ndarray:
    """Inverse STFT (least-squares overlap-add) to a float32 signal of ``length`` samples."""
    return librosa.istft(
        D,
        hop_length=config.hop_length,
        n_fft=config.n_fft,
        window=stft_window(config),
        center=config.center,
        length=length,
    )


def peak_db(S: np.ndarray) -> float:
    """Peak of a magnitude spectrogram in dB re amplitude 1.0 (at least ``20*log10(AMIN)``)."""
    return float(20.0 * portable.log10(max(float(np.max(S, initial=0.0)), AMIN)))


#: How image levels stand for values: linear in dB (``db``) or a power law (``power``).
LEVEL_SCALES = ("db", "power")


def _check_scale(scale: str, exponent: float) -> None:
    if scale not in LEVEL_SCALES:
        raise ValueError(f"scale={scale!r} must be one of {LEVEL_SCALES}")
    if scale == "power" and not (np.isfinite(exponent) and exponent > 0):
        raise ValueError(f"exponent={exponent} must be a positive number")


def magnitude_to_unit(S: np.ndarray, peak: float, top_db: float, *, scale: str = "db",
                      exponent: float = 1.0) -> np.ndarray:
    """Map magnitudes to image levels in [0, 1], linear in dB or by a power law.

    ``db``: ``peak`` (dB) maps to 1 and ``peak - top_db`` (dB) and everything below it to 0:
    this is ``librosa.amplitude_to_db(S, ref=1.0, top_db=top_db)`` rescaled to the unit range,
    which is also what ``specshow`` draws. ``power``: ``(S / 10**(peak / 20)) ** exponent``,
    clipped to [0, 1] (Riffusion's map, exponent 0.25); ``top_db`` is not used.

    Parameters
    ----------
    S : np.ndarray
        Non-negative magnitudes (amplitude, full scale 1.0).
    peak : float
        Level mapped to 1 (dB re amplitude 1.0), normally :func:`peak_db` of ``S``.
    top_db : float
        Dynamic range kept below the peak (dB), > 0.
    scale : {"db", "power"}
        The map (:data:`LEVEL_SCALES`).
    exponent : float > 0
        The power law's exponent.

    Returns
    -------
    np.ndarray
        float32 levels in [0, 1].
    """
    _check_scale(scale, exponent)
    if scale == "power":
        ratio = np.asarray(S, np.float64) / portable.exp10(peak / 20.0)
        return np.clip(portable.power(ratio, exponent), 0.0, 1.0).astype(np.float32)
    if top_db <= 0:
        raise ValueError(f"top_db must be positive, got {top_db}")
    db = 20.0 * portable.log10(np.maximum(S, AMIN))
    return np.clip((db - (peak - top_db)) / top_db, 0.0, 1.0).astype(np.float32)


def unit_to_magnitude(
    levels: np.ndarray, peak: float, top_db: float, floor_silence: bool = False, *,
    scale: str = "db", exponent: float = 1.0,
) -> np.ndarray:
    """Inverse of :func:`magnitude_to_unit`: image levels in [0, 1] back to magnitudes.

    Parameters
    ----------
    levels : np.ndarray
        Image levels in [0, 1] (values outside are clipped).
    peak : float
        Level that 1 stands for (dB re amplitude 1.0).
    top_db : float
        Dynamic range that [0, 1] spans (dB); not used by the ``power`` scale.
    floor_silence : bool
        Decode levels at the dB floor (at most :data:`FLOOR_LEVEL`) as silence instead of
        ``peak - top_db``.
    scale : {"db", "power"}
        The map that made the levels; ``power``: ``10**(peak / 20) * levels ** (1 / exponent)``.
    exponent : float > 0
        The power law's exponent.

    Returns
    -------
    np.ndarray
        float32 magnitudes (amplitude, full scale 1.0).
    """
    _check_scale(scale, exponent)
    levels = np.clip(levels, 0.0, 1.0)
    if scale == "power":
        S = portable.exp10(peak / 20.0) * portable.power(levels, 1.0 / exponent)
        S = S.astype(np.float32)
    else:
        S = portable.exp10((peak - top_db + top_db * levels) / 20.0).astype(np.float32)
    if floor_silence:
        S[levels <= FLOOR_LEVEL] = 0.0
    return S
