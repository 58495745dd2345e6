"""Element-wise maths with the same bits on every CPU.

numpy picks SIMD kernels for the CPU it runs on (``numpy._core._multiarray_umath.
__cpu_dispatch__``), and its AVX2 and AVX-512 kernels of ``abs`` (complex), ``log``, ``log10``,
``exp``, ``power`` and ``arctan2`` (``angle``) round differently from each other and from the
baseline ones; ``cos`` and ``sin`` come from the C library, whose x86-64 builds pick FMA
variants where the CPU has them. A spectrogram computed with them changes in its last bits from
one machine to another, and so does every picture and figure made from it.

The functions here are built from operations that IEEE 754 rounds exactly, whatever the vector
width: ``+ - * /``, ``sqrt``, ``rint``, ``frexp``, ``ldexp``, comparisons, in a fixed order, in
float64. They are numba loops compiled without ``fastmath``, so LLVM neither reorders nor
fuses them into FMAs, on any target (the tests compare against ``NUMBA_CPU_NAME=generic``).
Each result is within a few float64 ulps of the true value and is rounded once to the output
type, so float32 outputs are the correctly rounded value except in rare near-ties (none in
3000 random values of each), and the same bits on every machine. Speed: a few ns per value.
"""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numba
import numpy as np

__all__ = ["LN10", "angle", "cos", "exp10", "log", "log10", "magnitude", "polar", "power"]

getcontext().prec = 60
_LN2 = Decimal("0.693147180559945309417232121458176568075500134360255254120680009")
_LN10 = Decimal("2.30258509299404568401799145468436420760110148862877297603332790")
_PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459")


def _split(value: Decimal, bits: int) -> tuple[float, float]:
    """``value`` as ``hi + lo``: ``hi`` with ``bits`` significant bits (so that ``k * hi`` is
    exact for small integers ``k``), ``lo`` the rest rounded to float64."""
    exponent = math.frexp(float(value))[1]
    hi = math.ldexp(int(value * Decimal(2) ** (bits - exponent)), exponent - bits)
    return hi, float(value - Decimal(hi))


#: ln 10, rounded to float64.
LN10 = float(_LN10)
_LN2_HI, _LN2_LO = _split(_LN2, 32)
_LOG10_2_HI, _LOG10_2_LO = _split(_LN2 / _LN10, 32)
_PIO2_1, _ = _split(_PI / 2, 33)
_PIO2_2, _ = _split(_PI / 2 - Decimal(_PIO2_1), 33)
_PIO2_3 = float(_PI / 2 - Decimal(_PIO2_1) - Decimal(_PIO2_2))
_PI_F, _PIO2_F, _PIO4_F = float(_PI), float(_PI / 2), float(_PI / 4)
_TAN_PI_8 = float(Decimal(2).sqrt() - 1)
_SQRT_HALF = float(Decimal("0.5").sqrt())

# Series coefficients as correctly rounded float64 (Python's int / int rounds once), highest
# term first for Horner's rule.
_ATANH = np.array([2 / (2 * k + 1) for k in range(12)][::-1])  # log m = sum 2 s^(2k+1) / (2k+1)
_ATAN = np.array([(-1) ** k / (2 * k + 1) for k in range(23)][::-1])  # |u| <= tan(pi / 8)
_EXP = np.array([1 / math.factorial(n) for n in range(16)][::-1])  # |u| <= ln(10) log10(2) / 2
_SIN = np.array([(-1) ** k / math.factorial(2 * k + 1) for k in range(10)][::-1])  # |r| <= pi/4
_COS = np.array([(-1) ** k / math.factorial(2 * k) for k in range(10)][::-1])
_INF = math.inf
_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def _horner(coefficients, z):
    """``sum(c[k] * z**(n - 1 - k))``: the coefficients highest term first."""
    total = coefficients[0]
    for k in range(1, coefficients.shape[0]):
        total = total * z + coefficients[k]
    return total


@_jit
def _log_parts(x):
    """``(e, log m)`` with ``x = m 2**e``, ``m`` in [sqrt(1/2), sqrt(2))."""
    m, e = math.frexp(x)
    if m < _SQRT_HALF:
        m, e = 2.0 * m, e - 1
    f = m - 1.0  # exact (Sterbenz)
    s = f / (2.0 + f)
    return np.float64(e), s * _horner(_ATANH, s * s)


@_jit
def _log(x):
    if not x > 0.0 or x == _INF:
        return -_INF if x == 0.0 else x if x == _INF else math.nan
    e, log_m = _log_parts(x)
    return e * _LN2_HI + (log_m + e * _LN2_LO)


@_jit
def _log10(x):
    if not x > 0.0 or x == _INF:
        return _log(x)
    e, log_m = _log_parts(x)
    return e * _LOG10_2_HI + (log_m / LN10 + e * _LOG10_2_LO)


@_jit
def _exp10(y):
    k = np.rint(y / (_LOG10_2_HI + _LOG10_2_LO))
    r = (y - k * _LOG10_2_HI) - k * _LOG10_2_LO
    return math.ldexp(_horner(_EXP, r * LN10), int(k))


@_jit
def _sincos(x):
    """``(cos x, sin x)``: ``x = k pi/2 + r`` (pi/2 in three parts, exact products for
    ``|k| < 2**20``, beyond that a loss of about ``|x| 2**-53`` radians), series on ``r``."""
    k = np.rint(x / _PIO2_F)
    r = ((x - k * _PIO2_1) - k * _PIO2_2) - k * _PIO2_3
    z = r * r
    sin_r = r * _horner(_SIN, z)
    cos_r = _horner(_COS, z)
    quadrant = int(k - 4.0 * np.floor(k / 4.0))
    if quadrant == 0:
        return cos_r, sin_r
    if quadrant == 1:
        return -sin_r, cos_r
    if quadrant == 2:
        return -cos_r, -sin_r
    return sin_r, -cos_r


@_jit
def _cos(x):
    return _sincos(x)[0]


@_jit
def _atan2(im, re):
    ax, ay = abs(re), abs(im)
    big, small = max(ax, ay), min(ax, ay)
    if math.isnan(big) or math.isnan(small):
        return math.nan
    t = small / big if big > 0.0 else 0.0
    if t > _TAN_PI_8:
        u = (t - 1.0) / (t + 1.0)
        theta = _PIO4_F + u * _horner(_ATAN, u * u)
    else:
        theta = t * _horner(_ATAN, t * t)
    if ay > ax:
        theta = _PIO2_F - theta
    if np.signbit(re):
        theta = _PI_F - theta
    return math.copysign(theta, im)


# Loops over flat arrays, compiled on first use (from numba's cache; eager ufuncs would cost
# every importing process 0.6 s), one per function: a kernel passed as an argument defeats
# numba's cache.
@_jit
def _log_loop(x, out):
    for i in range(x.size):
        out[i] = _log(x[i])


@_jit
def _log10_loop(x, out):
    for i in range(x.size):
        out[i] = _log10(x[i])


@_jit
def _exp10_loop(x, out):
    for i in range(x.size):
        out[i] = _exp10(x[i])


@_jit
def _cos_loop(x, out):
    for i in range(x.size):
        out[i] = _cos(x[i])


@_jit
def _abs_loop(re, im, out):
    for i in range(out.size):
        out[i] = math.sqrt(np.float64(re[i]) * np.float64(re[i])
                           + np.float64(im[i]) * np.float64(im[i]))


@_jit
def _angle_loop(re, im, out):
    for i in range(out.size):
        out[i] = _atan2(np.float64(im[i]), np.float64(re[i]))


@_jit
def _polar_loop(S, phase, re, im):
    for i in range(S.size):
        cos_x, sin_x = _sincos(phase[i])
        re[i] = S[i] * cos_x
        im[i] = S[i] * sin_x


def _real(loop, x) -> np.ndarray:
    shape = np.shape(x)  # ascontiguousarray makes a scalar 1-d
    x = np.ascontiguousarray(x, np.float64)
    out = np.empty_like(x)
    loop(x.reshape(-1), out.reshape(-1))
    return out.reshape(shape)


def _parts(D: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Real and imaginary parts of ``D`` (float32 for complex64, else float64), contiguous,
    and an empty output of their type and ``D``'s shape."""
    D = np.asarray(D)
    dtype = np.float32 if D.dtype == np.complex64 else np.float64
    re = np.ascontiguousarray(D.real, dtype)
    im = np.ascontiguousarray(D.imag, dtype)
    return re, im, np.empty(re.shape, dtype)


def log(x: np.ndarray | float) -> np.ndarray:
    """Natural logarithm, float64 (0 gives -inf, negatives NaN).

    ``x = m 2**e`` with ``m`` in [sqrt(1/2), sqrt(2)), ``log m = 2 atanh((m - 1) / (m + 1))``
    by its series (12 terms, below 1e-17), ``e ln 2`` in two parts; within 2 ulps.
    """
    return _real(_log_loop, x)


def log10(x: np.ndarray | float) -> np.ndarray:
    """Base-10 logarithm, float64: ``e log10(2)`` (in two parts) ``+ log(m) / ln 10`` of
    :func:`log`'s ``x = m 2**e`` (within 3 ulps, or 2e-16 where ``|log10 x| < 1``; exact for
    powers of ten up to 1e22)."""
    return _real(_log10_loop, x)


def exp10(y: np.ndarray | float) -> np.ndarray:
    """``10**y``, float64, for ``|y| < 300`` (within 1 ulp).

    ``y = k log10(2) + r`` (``k`` an integer, ``log10(2)`` in two parts), ``10**r =
    exp(r ln 10)`` by its Taylor series (16 terms), scaled by ``2**k`` exactly.
    """
    return _real(_exp10_loop, y)


def power(x: np.ndarray | float, exponent: float) -> np.ndarray:
    """``x ** exponent`` for ``x >= 0`` (0 at 0), float64: :func:`exp10` of ``exponent``
    times :func:`log10` (within a few ulps; ``np.power``'s bits depend on the CPU)."""
    x = np.asarray(x, np.float64)
    positive = x > 0
    out = np.zeros_like(x)
    out[positive] = exp10(exponent * log10(x[positive]))
    return out


def cos(x: np.ndarray | float) -> np.ndarray:
    """Cosine, float64 (within 1e-16 for ``|x| < 1e6``; see :func:`polar`)."""
    return _real(_cos_loop, x)


def polar(S: np.ndarray | float, phase: np.ndarray, dtype: type = np.complex64) -> np.ndarray:
    """``S * exp(1j * phase)`` as complex64 (or complex128), shape of the broadcast: real and
    imaginary parts as float64 products of ``S`` with the cosine and sine of ``phase``
    (radians, within 1e-16 for ``|phase| < 1e6``; ``phase = k pi/2 + r`` with pi/2 in three
    parts, beyond ``|k| = 2**20`` a loss of about ``|phase| 2**-53`` radians), each rounded
    once to ``dtype``."""
    S, phase = np.broadcast_arrays(np.asarray(S, np.float64), np.asarray(phase, np.float64))
    shape = S.shape
    S, phase = np.ascontiguousarray(S), np.ascontiguousarray(phase)
    real = np.float32 if np.dtype(dtype) == np.complex64 else np.float64
    re, im = np.empty(S.shape, real), np.empty(S.shape, real)
    _polar_loop(S.reshape(-1), phase.reshape(-1), re.reshape(-1), im.reshape(-1))
    out = np.empty(S.shape, dtype)
    out.real, out.imag = re, im
    return out.reshape(shape)


def magnitude(D: np.ndarray) -> np.ndarray:
    """``|D|`` of a complex array, float32 for complex64 (float64 otherwise).

    ``sqrt(re**2 + im**2)`` in float64: the squares of float32 parts are exact, the sum and the
    square root each round once, then one rounding to float32 (complex128: within 2 ulps).
    ``np.abs`` of complex64 takes a different SIMD path on CPUs with and without AVX2.
    """
    re, im, out = _parts(D)
    _abs_loop(re.reshape(-1), im.reshape(-1), out.reshape(-1))
    return out.reshape(np.shape(D))


def angle(D: np.ndarray) -> np.ndarray:
    """``np.angle(D)``: radians in [-pi, pi], signed zeros as C's ``atan2``; float32 for
    complex64 (float64 otherwise).

    ``atan(small / big)`` of the parts' absolute values, reduced to ``|u| <= tan(pi/8)`` by
    ``atan t = pi/4 + atan((t - 1) / (t + 1))``, by its series (23 terms), then put in its
    octant (within 3 ulps).
    """
    re, im, out = _parts(D)
    _angle_loop(re.reshape(-1), im.reshape(-1), out.reshape(-1))
    return out.reshape(np.shape(D))
