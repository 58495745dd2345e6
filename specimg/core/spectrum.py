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
        FFT size (samples); the window length too.
    hop_length : int
        Hop between frames (samples).
    window : str
        Window name understood by ``scipy.signal.get_window``.
    center : bool
        Centre frames on their time stamps (librosa's default).
    """

    sr: int = 22050
    n_fft: int = 2048
    hop_length: int = 512
    window: str = "hann"
    center: bool = True

    @property
    def n_bins(self) -> int:
        """Number of frequency bins, ``1 + n_fft // 2``."""
        return 1 + self.n_fft // 2

    def n_frames(self, length: int) -> int:
        """Number of frames for a signal of ``length`` samples."""
        if self.center:
            return 1 + length // self.hop_length
        return 1 + (length - self.n_fft) // self.hop_length

    def as_dict(self) -> dict:
        return asdict(self)


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


def stft(y: np.ndarray, config: StftConfig) -> np.ndarray:
    """Complex STFT of a mono signal, shape ``(n_bins, n_frames)``, complex64."""
    return librosa.stft(
        np.asarray(y, dtype=np.float32),
        n_fft=config.n_fft,
        hop_length=config.hop_length,
        window=window_function(config.window, config.n_fft),
        center=config.center,
    )


def istft(D: np.ndarray, config: StftConfig, length: int | None = None) -> np.ndarray:
    """Inverse STFT (least-squares overlap-add) to a float32 signal of ``length`` samples."""
    return librosa.istft(
        D,
        hop_length=config.hop_length,
        n_fft=config.n_fft,
        window=window_function(config.window, config.n_fft),
        center=config.center,
        length=length,
    )


def peak_db(S: np.ndarray) -> float:
    """Peak of a magnitude spectrogram in dB re amplitude 1.0 (at least ``20*log10(AMIN)``)."""
    return float(20.0 * portable.log10(max(float(np.max(S, initial=0.0)), AMIN)))


def magnitude_to_unit(S: np.ndarray, peak: float, top_db: float) -> np.ndarray:
    """Map magnitudes to image levels in [0, 1], linear in dB.

    ``peak`` (dB) maps to 1 and ``peak - top_db`` (dB) and everything below it to 0: this is
    ``librosa.amplitude_to_db(S, ref=1.0, top_db=top_db)`` rescaled to the unit range, which is
    also what ``specshow`` draws.

    Parameters
    ----------
    S : np.ndarray
        Non-negative magnitudes (amplitude, full scale 1.0).
    peak : float
        Level mapped to 1 (dB re amplitude 1.0), normally :func:`peak_db` of ``S``.
    top_db : float
        Dynamic range kept below the peak (dB), > 0.

    Returns
    -------
    np.ndarray
        float32 levels in [0, 1].
    """
    if top_db <= 0:
        raise ValueError(f"top_db must be positive, got {top_db}")
    db = 20.0 * portable.log10(np.maximum(S, AMIN))
    return np.clip((db - (peak - top_db)) / top_db, 0.0, 1.0).astype(np.float32)


def unit_to_magnitude(
    levels: np.ndarray, peak: float, top_db: float, floor_silence: bool = False
) -> np.ndarray:
    """Inverse of :func:`magnitude_to_unit`: image levels in [0, 1] back to magnitudes.

    Parameters
    ----------
    levels : np.ndarray
        Image levels in [0, 1] (values outside are clipped).
    peak : float
        Level that 1 stands for (dB re amplitude 1.0).
    top_db : float
        Dynamic range that [0, 1] spans (dB).
    floor_silence : bool
        Decode levels at the dB floor (at most :data:`FLOOR_LEVEL`) as silence instead of
        ``peak - top_db``.

    Returns
    -------
    np.ndarray
        float32 magnitudes (amplitude, full scale 1.0).
    """
    levels = np.clip(levels, 0.0, 1.0)
    S = portable.exp10((peak - top_db + top_db * levels) / 20.0).astype(np.float32)
    if floor_silence:
        S[levels <= FLOOR_LEVEL] = 0.0
    return S


def mel_power_to_magnitude(
    P: np.ndarray, config: StftConfig, fmin: float = 0.0, fmax: float | None = None
) -> np.ndarray:
    """STFT magnitudes whose mel power spectrogram is closest to ``P``.

    A non-negative least-squares fit (``librosa.feature.inverse.mel_to_stft``) of
    ``|S|**2`` to the mel filter bank's output, for pictures of mel spectrograms.

    Parameters
    ----------
    P : np.ndarray
        Mel power spectrogram, ``(n_mels, n_frames)``, as ``librosa.feature.melspectrogram``
        makes it (power 2, Slaney mel scale and norm).
    config : StftConfig
        The STFT under the mel bands.
    fmin, fmax : float
        Lowest and highest mel band edges (Hz); ``fmax`` None means ``sr / 2``.

    Returns
    -------
    np.ndarray
        float32 magnitudes, ``(n_bins, n_frames)``.
    """
    return librosa.feature.inverse.mel_to_stft(
        np.asarray(P, np.float32), sr=config.sr, n_fft=config.n_fft, power=2.0, fmin=fmin,
        fmax=fmax,
    ).astype(np.float32)
