"""Phase reconstruction: from a magnitude spectrogram back to a signal.

Methods (:data:`METHODS`):

- ``oracle``: the true phase. Isolates what an image cost; needs the original.
- ``pghi``: phase-gradient heap integration (Průša, Balazs, Søndergaard, IEEE/ACM TASLP 2017),
  no iteration.
- ``gla``: Griffin-Lim (momentum 0).
- ``fgla``: fast Griffin-Lim (Perraudin, Balazs, Søndergaard, WASPAA 2013), momentum
  ``alpha`` (librosa's ``momentum``).
- ``agla``: accelerated Griffin-Lim (Nenov, Nguyen, Balazs, ICASSP 2023): ``alpha``, ``beta``,
  ``gamma``.
- ``pghi_gla``, ``pghi_fgla``, ``pghi_agla``: the iterative methods started from PGHI's phase
  instead of a random one.
- ``librosa_fgla``: ``librosa.griffinlim`` itself, the reference everyone knows.
- ``admm``, ``pghi_admm``: ADMM Griffin-Lim (Masuyama et al., IEEE SPL 2019), and ``raar``,
  ``pghi_raar``: RAAR for the first :data:`RAAR_SHARE` of the iterations, then accelerated GLA
  (Peer, Nenov, Balazs, IWAENC 2022); see :mod:`specimg.phase.projections`.
- ``mel_gla``: for mel pictures, fast GLA whose magnitude target is refitted to the picture's
  mel bands every iteration (:mod:`specimg.phase.mel`); ``S`` is then the picture's mel
  bands, ``filters`` their filter bank and ``mel_power`` the exponent of ``|S|`` under them.

The iterative methods run on :class:`specimg.phase.transform.Stft` (one STFT pair per signal length,
its work shared by threads without changing a bit of the output); Griffin-Lim and its
accelerations are in :mod:`specimg.phase.gla`, PGHI in :mod:`specimg.phase.pghi`, ADMM and RAAR in
:mod:`specimg.phase.projections`. ``fgla`` from a given start equals ``librosa.griffinlim`` from the
same start to float tolerance.
"""

from __future__ import annotations

from collections.abc import Callable

import librosa
import numpy as np

from ..core.portable import polar
from ..core.spectrum import StftConfig
from ..util import checks
from .gla import AUTO_MAX_ITER, AUTO_TOL_DB, griffin_lim
from .pghi import pghi
from .transform import Stft

__all__ = ["DEFAULT_METHOD", "FIXED_AUTO_ITER", "METHODS", "RAAR_SHARE", "parse_n_iter",
           "reconstruct"]

METHODS = (
    "oracle", "pghi", "gla", "fgla", "agla", "pghi_gla", "pghi_fgla", "pghi_agla", "librosa_fgla",
    "admm", "pghi_admm", "raar", "pghi_raar", "mel_gla",
)
#: The best measured at equal time on png16, jpeg95 and the user-density specshow pictures
#: (README, benchmarks/phase.py).
DEFAULT_METHOD = "pghi_raar"

#: Iterations for ``n_iter="auto"`` of the methods with no stopping rule (``librosa_fgla``,
#: ``admm``); ``raar`` runs RAAR for :data:`RAAR_SHARE` of this, then GLA with the rule.
FIXED_AUTO_ITER = 100
#: Share of the iterations that ``raar`` spends in RAAR before accelerated GLA (measured on
#: png16 with a PGHI start: 0.3 best of 0.3, 0.45, 0.6).
RAAR_SHARE = 0.3


def reconstruct(
    S: np.ndarray,
    config: StftConfig,
    method: str,
    *,
    length: int,
    n_iter: int | str = 100,
    momentum: float = 0.99,
    beta: float = 1.1,
    gamma: float = 1.2,
    pghi_tol_db: float = 70.0,
    random_state: int = 0,
    true_phase: np.ndarray | None = None,
    filters: np.ndarray | None = None,
    mel_power: float = 2.0,
    workers: int = -1,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> np.ndarray:
    """Turn a magnitude spectrogram into a signal by one of :data:`METHODS`.

    Parameters
    ----------
    S : np.ndarray
        Magnitudes, ``(n_bins, n_frames)`` (amplitude, full scale 1.0); for ``mel_gla``, mel
        bands ``(n_mels, n_frames)``, any scale.
    config : StftConfig
        The STFT that ``S`` comes from.
    method : str
        One of :data:`METHODS`.
    length : int
        Output length (samples).
    n_iter : int or "auto"
        Iterations of the iterative methods; ``"auto"`` stops each one when it stops improving
        (:data:`.gla.AUTO_TOL_DB` over :data:`.gla.AUTO_WINDOW` iterations, at
        most :data:`.gla.AUTO_MAX_ITER`; the methods with no such rule, ``mel_gla`` among
        them, run :data:`FIXED_AUTO_ITER`).
    momentum : float
        ``alpha`` of ``fgla`` and ``agla``, and librosa's ``momentum``; ``gla`` uses 0.
    beta, gamma : float
        The other two parameters of ``agla``.
    pghi_tol_db : float
        PGHI integrates coefficients down to this far below the peak (dB).
    random_state : int
        Seed of every random phase, for reproducible output.
    true_phase : np.ndarray, optional
        Phase (radians), shape of ``S``; required by ``oracle``.
    filters : np.ndarray, optional
        Mel filter bank ``(n_mels, n_bins)`` of ``S``
        (:func:`specimg.phase.mel.mel_filter_bank`); required by ``mel_gla``.
    mel_power : {2, 1}
        ``mel_gla``: the bands are of ``|S|**2`` (librosa's mel power) or ``|S|`` (Riffusion).
    workers : int
        Threads for the FFTs and the numba steps, -1 for all cores.
    callback : callable, optional
        Passed to :func:`specimg.phase.gla.griffin_lim` by the iterative methods (e.g. to record
        convergence).

    Returns
    -------
    np.ndarray
        float32 signal of ``length`` samples.
    """
    if method not in METHODS:
        raise ValueError(f"unknown phase method {method!r}; choose from {', '.join(METHODS)}")
    if method == "oracle":
        if true_phase is None:
            raise ValueError("the oracle method needs the true phase")
        return _with_phase(S, true_phase, config, length, workers)
    if method != "pghi":  # PGHI does not iterate
        n_iter = parse_n_iter(n_iter)
    auto = n_iter == "auto"
    if method == "mel_gla":
        if filters is None:
            raise ValueError("the mel_gla method needs a mel picture's filter bank")
        from .mel import mel_griffin_lim

        return mel_griffin_lim(S, filters, config, length=length,
                               n_iter=FIXED_AUTO_ITER if auto else n_iter, power=mel_power,
                               alpha=momentum,
                               pghi_tol_db=pghi_tol_db, random_state=random_state,
                               workers=workers, callback=callback)
    if method == "librosa_fgla":
        return librosa.griffinlim(
            S, n_iter=FIXED_AUTO_ITER if auto else n_iter, hop_length=config.hop_length,
            n_fft=config.n_fft, win_length=config.win_length, window=config.window,
            center=config.center, length=length,
            momentum=momentum, init="random", random_state=random_state,
        )
    start = pghi(S, config, pghi_tol_db, random_state) if method.startswith("pghi") else None
    if method == "pghi":
        return _with_phase(S, start, config, length, workers)
    iterative = method.removeprefix("pghi_")
    if iterative in ("admm", "raar"):
        from .projections import admm_gla, raar_gla

        count = FIXED_AUTO_ITER if auto else n_iter
        if iterative == "admm":
            return admm_gla(S, config, length=length, n_iter=count, init_phase=start,
                            random_state=random_state, workers=workers, callback=callback)
        raar_iter = round(RAAR_SHARE * count)
        return raar_gla(S, config, length=length, raar_iter=raar_iter,
                        n_iter=AUTO_MAX_ITER - raar_iter if auto else count - raar_iter,
                        alpha=momentum, beta=beta, gamma=gamma, init_phase=start,
                        random_state=random_state, workers=workers, callback=callback,
                        tol_db=AUTO_TOL_DB if auto else None)
    parameters = {
        "gla": (0.0, 0.0, 1.0), "fgla": (momentum, 0.0, 1.0), "agla": (momentum, beta, gamma),
    }
    a, b, g = parameters[iterative]
    return griffin_lim(S, config, length=length, n_iter=AUTO_MAX_ITER if auto else n_iter,
                       alpha=a, beta=b, gamma=g, init_phase=start, random_state=random_state,
                       workers=workers, callback=callback, tol_db=AUTO_TOL_DB if auto else None)


def _with_phase(S: np.ndarray, phase: np.ndarray, config: StftConfig, length: int,
                workers: int) -> np.ndarray:
    """The least-squares signal of magnitudes ``S`` with ``phase`` (radians)."""
    transform = Stft(config, length, workers)
    coefficients = np.ascontiguousarray(polar(S, phase).T)
    return transform.signal(transform.inverse(coefficients))


def parse_n_iter(value: object, name: str = "n_iter") -> int | str:
    """An iteration count: a positive integer or ``"auto"``; :class:`ParameterError` naming
    ``name`` (``--n-iter``, ``invert.n_iter``) otherwise."""
    if value == "auto":
        return "auto"
    return checks.integer(value, name, low=1, allowed="use a positive integer or 'auto'")


