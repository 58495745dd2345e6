"""Quality measures of a reconstruction, in dB.

All measures stay finite for silent input: norms are floored at a tiny power (``EPS``) so a
silent clip scores 0 dB instead of NaN or inf.
"""

from __future__ import annotations

from collections.abc import Mapping

import librosa
import numpy as np

from ..core import portable
from ..core.spectrum import StftConfig, stft
from ..util.extras import missing_extra

#: Power floor (amplitude squared, full scale 1.0): -200 dB.
EPS = 1e-20
#: Sample rate (Hz) at which PESQ wide-band and STOI score speech.
SPEECH_RATE = 16000


def snr_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-noise ratio of ``estimate`` against ``reference`` (dB, higher is better).

    Meaningful only when the phase is the true one: any phase-retrieved signal differs from the
    original waveform and scores near 0 dB whatever its quality. Signals are compared over the
    shorter length.
    """
    n = min(len(reference), len(estimate))
    ref, est = np.asarray(reference[:n], np.float64), np.asarray(estimate[:n], np.float64)
    return float(10.0 * portable.log10((np.sum(ref**2) + EPS) / (np.sum((ref - est) ** 2) + EPS)))


def spectral_convergence_db(S_reference: np.ndarray, S_estimate: np.ndarray) -> float:
    """Spectral convergence ``20*log10(||S_est - S_ref||_F / ||S_ref||_F)`` (dB, lower is better).

    Both are magnitude spectrograms on the same grid (amplitude).
    """
    ref, est = _same_frames(S_reference, S_estimate)
    error = np.sum((est - ref) ** 2)
    return float(10.0 * portable.log10((error + EPS) / (np.sum(ref**2) + EPS)))


def log_spectral_distance_db(
    S_reference: np.ndarray, S_estimate: np.ndarray, top_db: float = 80.0
) -> float:
    """Log-spectral distance (dB, lower is better).

    The RMS over bins of the difference of the two dB spectra, averaged over frames. Both
    spectra are floored at ``top_db`` below the reference's peak, so that differences in
    inaudible, near-silent bins do not dominate.
    """
    ref, est = _same_frames(S_reference, S_estimate)
    floor = 10.0 * portable.log10(np.max(ref**2, initial=0.0) + EPS) - top_db
    ref_db = np.maximum(10.0 * portable.log10(ref**2 + EPS), floor)
    est_db = np.maximum(10.0 * portable.log10(est**2 + EPS), floor)
    return float(np.mean(np.sqrt(np.mean((ref_db - est_db) ** 2, axis=0))))


def loudness_error_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Level of ``estimate`` relative to ``reference``: ``20*log10(rms_est / rms_ref)`` (dB).

    0 dB is right; positive is too loud. An image without its stored peak loses this entirely.
    """
    ref, est = np.asarray(reference, np.float64), np.asarray(estimate, np.float64)
    return float(10.0 * portable.log10((np.mean(est**2) + EPS) / (np.mean(ref**2) + EPS)))


def pesq_wb(reference: np.ndarray, estimate: np.ndarray, sr: int) -> float:
    """PESQ wide-band (ITU-T P.862.2) MOS-LQO, 1.0 to 4.64 (higher is better), for speech.

    Both signals are resampled from ``sr`` (Hz) to 16 kHz and compared over the shorter length.
    Returns NaN where PESQ finds no speech (e.g. a silent clip).
    """
    try:
        import pesq  # here, not at start-up: only speech scoring needs it
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "PESQ (specimg.study.metrics.pesq_wb)") from None

    ref, est = _speech_pair(reference, estimate, sr)
    try:
        return float(pesq.pesq(SPEECH_RATE, ref, est, "wb"))
    except pesq.NoUtterancesError:
        return float("nan")


def stoi(reference: np.ndarray, estimate: np.ndarray, sr: int) -> float:
    """Short-time objective intelligibility, 0 to 1 (higher is better), for speech.

    Both signals are resampled from ``sr`` (Hz) to 16 kHz and compared over the shorter length.
    """
    try:
        import pystoi
    except ModuleNotFoundError as exc:
        raise missing_extra(exc, "STOI (specimg.study.metrics.stoi)") from None

    ref, est = _speech_pair(reference, estimate, sr)
    return float(pystoi.stoi(ref, est, SPEECH_RATE))


def reconstruction_scores(
    reference: np.ndarray,
    estimate: np.ndarray,
    S_reference: np.ndarray,
    S_target: np.ndarray,
    config: StftConfig,
    *,
    lsd_top_db: float = 80.0,
    speech: bool = False,
) -> dict[str, float]:
    """Every score of one reconstruction, by name.

    Parameters
    ----------
    reference, estimate : np.ndarray
        The original clip and the reconstruction (samples at ``config.sr``).
    S_reference : np.ndarray
        The original magnitudes, ``(n_bins, n_frames)``.
    S_target : np.ndarray
        The magnitudes the reconstruction was made from (the decoded image).
    config : StftConfig
        The STFT of both spectrograms.
    lsd_top_db : float
        See :func:`log_spectral_distance_db`.
    speech : bool
        Also score PESQ-WB and STOI (NaN otherwise).

    Returns
    -------
    dict
        ``sc_db`` (against the original: the whole loss), ``consistency_sc_db`` (against the
        target: the phase loss, needs no reference audio), ``lsd_db``, ``snr_db`` (meaningful
        only with the true phase), ``loudness_error_db``, ``pesq_wb``, ``stoi``.
    """
    S_estimate = portable.magnitude(stft(estimate, config))
    nan = float("nan")
    return {
        "sc_db": spectral_convergence_db(S_reference, S_estimate),
        "consistency_sc_db": spectral_convergence_db(S_target, S_estimate),
        "lsd_db": log_spectral_distance_db(S_reference, S_estimate, lsd_top_db),
        "snr_db": snr_db(reference, estimate),
        "loudness_error_db": loudness_error_db(reference, estimate),
        "pesq_wb": pesq_wb(reference, estimate, config.sr) if speech else nan,
        "stoi": stoi(reference, estimate, config.sr) if speech else nan,
    }


class ConvergenceLog:
    """Spectral convergence of an iterative phase reconstruction, every few iterations.

    Pass an instance as the ``callback`` of :func:`specimg.phase.gla.griffin_lim` (or
    :func:`specimg.phase.reconstruct`); it records iteration 1 and every ``every``-th iteration.

    Parameters
    ----------
    references : mapping of str to np.ndarray
        Magnitude spectrograms ``(n_bins, n_frames)`` to score the iterates against, by column
        name: e.g. the original (``sc_db``) and the target being inverted
        (``consistency_sc_db``).
    every : int
        Recording interval (iterations).
    """

    def __init__(self, references: Mapping[str, np.ndarray], every: int = 5) -> None:
        if every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        self.references = dict(references)
        self.every = every
        self.rows: list[dict[str, float]] = []

    def __call__(self, iteration: int, rebuilt: np.ndarray) -> None:
        if iteration != 1 and iteration % self.every:
            return
        magnitude = portable.magnitude(rebuilt).T
        self.rows.append({"iteration": iteration, **{
            name: spectral_convergence_db(S, magnitude) for name, S in self.references.items()
        }})


def _speech_pair(reference: np.ndarray, estimate: np.ndarray, sr: int):
    n = min(len(reference), len(estimate))
    return tuple(
        librosa.resample(np.asarray(x[:n], np.float64), orig_sr=sr, target_sr=SPEECH_RATE)
        for x in (reference, estimate)
    )


def _same_frames(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"spectrograms have {a.shape[0]} and {b.shape[0]} bins")
    n = min(a.shape[1], b.shape[1])
    return np.asarray(a[:, :n], np.float64), np.asarray(b[:, :n], np.float64)
