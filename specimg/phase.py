"""Phase reconstruction: from a magnitude spectrogram back to a signal."""

from __future__ import annotations

import librosa
import numpy as np

from .spectrum import StftConfig, istft

#: ``oracle`` uses the true phase (isolates what the image cost); ``gla`` is Griffin-Lim
#: (momentum 0); ``fgla`` is fast Griffin-Lim (Perraudin et al. 2013, momentum ``momentum``).
METHODS = ("oracle", "gla", "fgla")


def reconstruct(
    S: np.ndarray,
    config: StftConfig,
    method: str,
    *,
    length: int | None = None,
    n_iter: int = 100,
    momentum: float = 0.99,
    random_state: int = 0,
    true_phase: np.ndarray | None = None,
) -> np.ndarray:
    """Turn a magnitude spectrogram into a signal.

    Parameters
    ----------
    S : np.ndarray
        Magnitudes, ``n_bins x n_frames`` (amplitude, full scale 1.0).
    config : StftConfig
        The STFT that ``S`` comes from.
    method : {"oracle", "gla", "fgla"}
        See :data:`METHODS`.
    length : int, optional
        Output length (samples).
    n_iter : int
        Iterations of the iterative methods.
    momentum : float
        Momentum of ``fgla`` (0.99 as in librosa); ``gla`` always uses 0.
    random_state : int
        Seed of the random initial phase (iterative methods), for reproducible output.
    true_phase : np.ndarray, optional
        Phase (radians), same shape as ``S``; required by ``oracle``.

    Returns
    -------
    np.ndarray
        float32 signal.
    """
    if method == "oracle":
        if true_phase is None:
            raise ValueError("the oracle method needs the true phase")
        return istft(S * np.exp(1j * true_phase).astype(np.complex64), config, length)
    if method not in ("gla", "fgla"):
        raise ValueError(f"unknown phase method {method!r}; choose from {METHODS}")
    return librosa.griffinlim(
        S,
        n_iter=n_iter,
        hop_length=config.hop_length,
        n_fft=config.n_fft,
        window=config.window,
        center=config.center,
        length=length,
        momentum=momentum if method == "fgla" else 0.0,
        init="random",
        random_state=random_state,
    )
