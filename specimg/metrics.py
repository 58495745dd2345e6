"""Quality measures of a reconstruction, in dB.

All measures stay finite for silent input: norms are floored at a tiny power (``EPS``) so a
silent clip scores 0 dB instead of NaN or inf.
"""

from __future__ import annotations

import numpy as np

#: Power floor (amplitude squared, full scale 1.0): -200 dB.
EPS = 1e-20


def snr_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-noise ratio of ``estimate`` against ``reference`` (dB, higher is better).

    Meaningful only when the phase is the true one: any phase-retrieved signal differs from the
    original waveform and scores near 0 dB whatever its quality. Signals are compared over the
    shorter length.
    """
    n = min(len(reference), len(estimate))
    ref, est = np.asarray(reference[:n], np.float64), np.asarray(estimate[:n], np.float64)
    return float(10.0 * np.log10((np.sum(ref**2) + EPS) / (np.sum((ref - est) ** 2) + EPS)))


def spectral_convergence_db(S_reference: np.ndarray, S_estimate: np.ndarray) -> float:
    """Spectral convergence ``20*log10(||S_est - S_ref||_F / ||S_ref||_F)`` (dB, lower is better).

    Both are magnitude spectrograms on the same grid (amplitude).
    """
    ref, est = _same_frames(S_reference, S_estimate)
    error = np.sum((est - ref) ** 2)
    return float(10.0 * np.log10((error + EPS) / (np.sum(ref**2) + EPS)))


def log_spectral_distance_db(
    S_reference: np.ndarray, S_estimate: np.ndarray, top_db: float = 80.0
) -> float:
    """Log-spectral distance (dB, lower is better).

    The RMS over bins of the difference of the two dB spectra, averaged over frames. Both
    spectra are floored at ``top_db`` below the reference's peak, so that differences in
    inaudible, near-silent bins do not dominate.
    """
    ref, est = _same_frames(S_reference, S_estimate)
    floor = 10.0 * np.log10(np.max(ref**2, initial=0.0) + EPS) - top_db
    ref_db = np.maximum(10.0 * np.log10(ref**2 + EPS), floor)
    est_db = np.maximum(10.0 * np.log10(est**2 + EPS), floor)
    return float(np.mean(np.sqrt(np.mean((ref_db - est_db) ** 2, axis=0))))


def _same_frames(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"spectrograms have {a.shape[0]} and {b.shape[0]} bins")
    n = min(a.shape[1], b.shape[1])
    return np.asarray(a[:, :n], np.float64), np.asarray(b[:, :n], np.float64)
