"""Mel filter banks, and STFT magnitudes back from mel spectrograms."""

from __future__ import annotations

import librosa
import numpy as np

from . import portable
from .spectrum import StftConfig

__all__ = ["MEL_NORMS", "NNLS_ITER", "mel_filters", "mel_spectrogram", "mel_to_magnitude", "nnls"]

#: Mel filter normalisations: librosa's Slaney area norm, or none (peak 1, torchaudio's default).
MEL_NORMS = ("slaney", "none")
#: Iterations of :func:`nnls` (a Riffusion picture's bands are fitted to -74 dB at 50, far under
#: its 8-bit steps).
NNLS_ITER = 50


def mel_filters(config: StftConfig, *, n_mels: int, fmin: float = 0.0, fmax: float | None = None,
                htk: bool = False, norm: str = "slaney") -> np.ndarray:
    """The mel filter bank over ``config``'s bins, ``(n_mels, n_bins)``, float32.

    ``librosa.filters.mel``; with ``htk=True, norm="none"`` its triangles are those of
    torchaudio's ``melscale_fbanks(..., norm=None, mel_scale="htk")`` (transposed).

    Parameters
    ----------
    config : StftConfig
        The STFT under the bands (``sr``, ``n_fft``).
    n_mels : int > 0
        Number of bands.
    fmin, fmax : float
        Lowest and highest band edges (Hz); ``fmax`` None means ``sr / 2``.
    htk : bool
        The HTK mel scale (``2595 * log10(1 + f / 700)``) instead of Slaney's.
    norm : {"slaney", "none"}
        Slaney's area normalisation, or none (every triangle peaks at 1).
    """
    if norm not in MEL_NORMS:
        raise ValueError(f"norm={norm!r} must be one of {MEL_NORMS}")
    return librosa.filters.mel(sr=config.sr, n_fft=config.n_fft, n_mels=n_mels, fmin=fmin,
                               fmax=fmax, htk=htk, norm=None if norm == "none" else norm)


def mel_spectrogram(
    S: np.ndarray, config: StftConfig, *, n_mels: int, fmin: float = 0.0,
    fmax: float | None = None, htk: bool = False, norm: str = "slaney", power: float = 2.0,
) -> np.ndarray:
    """The mel bands of STFT magnitudes: the filter bank of :func:`mel_filters` applied to
    ``|S|**power``, as ``librosa.feature.melspectrogram`` computes it; the inverse of
    :func:`mel_to_magnitude`.

    Parameters
    ----------
    S : np.ndarray
        STFT magnitudes, ``(n_bins, n_frames)`` (amplitude).
    config : StftConfig
        Their STFT.
    n_mels, fmin, fmax, htk, norm
        The bands, as :func:`mel_filters` takes them.
    power : float > 0
        The exponent of ``|S|`` under the bands: 2 mel power (librosa's default), 1 magnitude.

    Returns
    -------
    np.ndarray
        float32 mel bands, ``(n_mels, n_frames)``.
    """
    if norm not in MEL_NORMS:
        raise ValueError(f"norm={norm!r} must be one of {MEL_NORMS}")
    return librosa.feature.melspectrogram(
        S=np.asarray(S, np.float32) ** power, sr=config.sr, n_fft=config.n_fft, n_mels=n_mels,
        fmin=fmin, fmax=fmax, htk=htk, norm=None if norm == "none" else norm,
    ).astype(np.float32)


def mel_to_magnitude(
    M: np.ndarray, config: StftConfig, *, fmin: float = 0.0, fmax: float | None = None,
    htk: bool = False, norm: str = "slaney", power: float = 2.0,
) -> np.ndarray:
    """STFT magnitudes whose mel spectrogram is closest to ``M``.

    A non-negative least-squares fit (``librosa.util.nnls``, as
    ``librosa.feature.inverse.mel_to_stft`` does) of ``|S|**power`` to the output of the filter
    bank of :func:`mel_filters`, for pictures of mel spectrograms.

    Parameters
    ----------
    M : np.ndarray
        Mel spectrogram, ``(n_mels, n_frames)``: the filter bank applied to ``|S|**power``
        (``librosa.feature.melspectrogram``'s default is power 2, Slaney scale and norm;
        Riffusion's is power 1, HTK, no norm).
    config : StftConfig
        The STFT under the mel bands.
    fmin, fmax, htk, norm
        The bands, as :func:`mel_filters` takes them.
    power : float > 0
        The exponent of ``|S|`` under the bands: 1 magnitude, 2 power.

    Returns
    -------
    np.ndarray
        float32 magnitudes, ``(n_bins, n_frames)``.
    """
    M = np.asarray(M, np.float32)
    basis = mel_filters(config, n_mels=M.shape[0], fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    fitted = nnls(basis, M)
    root = np.sqrt(fitted) if power == 2 else portable.power(fitted, 1.0 / power)
    return root.astype(np.float32)


def nnls(A: np.ndarray, B: np.ndarray, *, n_iter: int = NNLS_ITER) -> np.ndarray:
    """Non-negative ``X`` minimising ``||A X - B||_F``, for a sparse non-negative ``A``.

    Projected gradient with Nesterov's momentum (FISTA; step ``1 / ||A||_2**2``) on the columns
    of ``A`` that are not zero (the others stay 0), from ``A.T B / (A.T A 1)``. Written for mel
    banks, where ``librosa.util.nnls`` (L-BFGS-B with memory ``A.shape[1]``) needs memory
    growing as ``n_bins**2 * n_frames``: 155 GB for a Riffusion picture.

    Parameters
    ----------
    A : np.ndarray
        Non-negative basis, ``(m, d)``.
    B : np.ndarray
        Targets, ``(m, N)``.
    n_iter : int > 0
        Iterations.

    Returns
    -------
    np.ndarray
        float32 ``(d, N)``.
    """
    import scipy.sparse

    used = np.flatnonzero(np.any(A != 0, axis=0))
    dense = np.asarray(A[:, used], np.float32)
    basis = scipy.sparse.csr_matrix(dense)
    transposed = basis.T.tocsr()
    B = np.asarray(B, np.float32)
    step = np.float32(1.0 / max(float(np.linalg.norm(dense @ dense.T, 2)), 1e-30))
    weight = transposed @ (basis @ np.ones((len(used), 1), np.float32))
    x = np.maximum(transposed @ B / np.maximum(weight, np.float32(1e-30)), 0).astype(np.float32)
    z, t = x, 1.0
    for _ in range(n_iter):
        following = np.maximum(z - step * (transposed @ (basis @ z - B)), 0)
        t_next = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
        z = following + np.float32((t - 1.0) / t_next) * (following - x)
        x, t = following, t_next
    X = np.zeros((A.shape[1], B.shape[1]), np.float32)
    X[used] = x
    return X
