"""Phase retrieval beyond Griffin-Lim's alternating projections: ADMM and RAAR.

Both cost what a Griffin-Lim iteration costs, one projection onto consistent spectrograms
(:meth:`.transform.Stft.project`), plus element-wise steps in fused numba loops on the same
thread pool. Their inputs and outputs are those of :func:`specimg.phase.gla.griffin_lim`.

- ADMM Griffin-Lim (Masuyama, Yatabe, Koizumi, Oikawa, Harada, "Griffin-Lim like phase recovery
  via alternating direction method of multipliers", IEEE SPL 2019): with ``P_M`` the magnitude
  projection and ``P_C`` the consistency projection, each iteration is
  ``x = P_M(z - u)``, ``z = (rho (x + u) + P_C(x + u)) / (1 + rho)``, ``u = u + x - z``.
- RAAR, relaxed averaged alternating reflections, as the start of GLA (Peer, Nenov, Balazs,
  "Beyond Griffin-Lim: improved iterative phase retrieval for speech", IWAENC 2022):
  ``c = beta / 2 (R_C R_M + I) c + (1 - beta) P_M c`` with reflections ``R = 2 P - I``, for a
  share of the iterations, then fast GLA from its phase for the rest.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.portable import angle
from ..core.spectrum import StftConfig
from .gla import _EPS, _floats, griffin_lim, initial_coefficients
from .transform import Stft, _in_parallel, _kernel, threads_of

__all__ = ["admm_gla", "raar_gla"]


@_kernel
def _admm_split(z, u, S, v, first, last):
    """``v = P_M(z - u) + u`` on float32 views."""
    cols = S.shape[1]
    for i in range(first, last):
        for j in range(cols):
            re, im = 2 * j, 2 * j + 1
            d_re, d_im = z[i, re] - u[i, re], z[i, im] - u[i, im]
            gain = S[i, j] / (np.sqrt(d_re * d_re + d_im * d_im) + _EPS)
            v[i, re] = d_re * gain + u[i, re]
            v[i, im] = d_im * gain + u[i, im]


@_kernel
def _admm_merge(v, projected, rho, z, u, first, last):
    """``z = (rho v + P_C v) / (1 + rho)``, ``u = v - z`` (that is ``u + x - z``)."""
    rho = np.float32(rho)
    scale = np.float32(1.0) / (np.float32(1.0) + rho)
    cols = v.shape[1]
    for i in range(first, last):
        for j in range(cols):
            new_z = (rho * v[i, j] + projected[i, j]) * scale
            z[i, j] = new_z
            u[i, j] = v[i, j] - new_z


@_kernel
def _raar_reflect(c, S, r, first, last):
    """``r = R_M c = 2 P_M(c) - c``."""
    cols = S.shape[1]
    for i in range(first, last):
        for j in range(cols):
            re, im = 2 * j, 2 * j + 1
            gain = S[i, j] / (np.sqrt(c[i, re] * c[i, re] + c[i, im] * c[i, im]) + _EPS)
            r[i, re] = 2 * c[i, re] * gain - c[i, re]
            r[i, im] = 2 * c[i, im] * gain - c[i, im]


@_kernel
def _raar_step(projected, S, beta, c, r, first, last):
    """``c = beta P_C(R_M c) + beta c + (1 - 2 beta) P_M c`` (the RAAR step written out), then
    the next reflection ``r = R_M c``, in one pass."""
    beta = np.float32(beta)
    keep = np.float32(1.0) - 2 * beta
    cols = S.shape[1]
    for i in range(first, last):
        for j in range(cols):
            re, im = 2 * j, 2 * j + 1
            gain = S[i, j] / (np.sqrt(c[i, re] * c[i, re] + c[i, im] * c[i, im]) + _EPS)
            c_re = beta * projected[i, re] + beta * c[i, re] + keep * c[i, re] * gain
            c_im = beta * projected[i, im] + beta * c[i, im] + keep * c[i, im] * gain
            c[i, re], c[i, im] = c_re, c_im
            gain = S[i, j] / (np.sqrt(c_re * c_re + c_im * c_im) + _EPS)
            r[i, re] = 2 * c_re * gain - c_re
            r[i, im] = 2 * c_im * gain - c_im


def admm_gla(
    S: np.ndarray,
    config: StftConfig,
    *,
    length: int,
    n_iter: int = 100,
    rho: float = 0.1,
    init_phase: np.ndarray | None = None,
    random_state: int = 0,
    workers: int = -1,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> np.ndarray:
    """ADMM Griffin-Lim (Masuyama et al. 2019) on one spectrogram.

    Parameters are those of :func:`specimg.phase.gla.griffin_lim`; ``rho > 0`` weighs the
    consistency penalty (the paper's relaxed form; a large ``rho`` approaches Douglas-Rachford).
    ``callback`` receives ``P_C(x + u)`` each iteration.
    """
    transform = Stft(config, length, workers)
    magnitude, z = initial_coefficients(S, transform, init_phase, random_state)
    u = np.zeros_like(z)
    v = np.empty_like(z)
    floats = _floats(z), _floats(u), _floats(v)

    def step(projected, _previous, first, last):
        _admm_merge(floats[2], _floats(projected), rho, floats[0], floats[1], first, last)
        _admm_split(*floats[:2], magnitude, floats[2], first, last)

    with threads_of(transform, workers):
        _in_parallel(transform.pool, transform.threads, _admm_split, len(magnitude), *floats[:2],
                     magnitude, floats[2])
        transform.iterate(v, n_iter, step, callback=callback)
        return transform.signal(transform.inverse(v - u))


def raar_gla(
    S: np.ndarray,
    config: StftConfig,
    *,
    length: int,
    raar_iter: int = 30,
    n_iter: int = 70,
    relaxation: float = 0.9,
    alpha: float = 0.99,
    beta: float = 0.0,
    gamma: float = 1.0,
    init_phase: np.ndarray | None = None,
    random_state: int = 0,
    workers: int = -1,
    callback: Callable[[int, np.ndarray], None] | None = None,
    tol_db: float | None = None,
) -> np.ndarray:
    """``raar_iter`` iterations of RAAR, then ``n_iter`` of GLA from its phase.

    ``relaxation`` in (0, 1] is RAAR's beta (1 gives the averaged reflections of the difference
    map); ``alpha``, ``beta``, ``gamma``, ``tol_db`` and the other parameters are those of
    :func:`specimg.phase.gla.griffin_lim`, for the GLA that follows (fast GLA by default,
    accelerated GLA with ``beta``, ``gamma``; ``tol_db`` stops it early).
    """
    transform = Stft(config, length, workers)
    magnitude, c = initial_coefficients(S, transform, init_phase, random_state)
    reflected = np.empty_like(c)

    def step(projected, _previous, first, last):
        _raar_step(_floats(projected), magnitude, relaxation, _floats(c), _floats(reflected),
                   first, last)

    with threads_of(transform, workers):
        _in_parallel(transform.pool, transform.threads, _raar_reflect, len(magnitude), _floats(c),
                     magnitude, _floats(reflected))
        transform.iterate(reflected, raar_iter, step, callback=callback)
    phase = angle(c).T
    later = None if callback is None else (lambda i, rebuilt: callback(raar_iter + i, rebuilt))
    return griffin_lim(S, config, length=length, n_iter=n_iter, alpha=alpha, beta=beta,
                       gamma=gamma, init_phase=phase, workers=workers, callback=later,
                       tol_db=tol_db)
