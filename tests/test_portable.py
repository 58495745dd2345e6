"""specimg.core.portable: accurate to a few ulps against numpy, and C's conventions at the edges
(that its bits do not depend on the CPU is tests/test_cpu_features.py's part)."""

from __future__ import annotations

import numpy as np
import pytest

from specimg.core import portable


def ulps(value: np.ndarray, reference: np.ndarray) -> float:
    return float(np.max(np.abs(value - reference) / np.spacing(np.abs(reference))))


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_logarithms_and_powers_of_ten_within_a_few_ulps(rng):
    x = 10.0 ** rng.uniform(-300, 300, 20000)
    assert ulps(portable.log(x), np.log(x)) <= 3
    assert ulps(portable.log10(x), np.log10(x)) <= 3
    near_one = rng.uniform(0.1, 10.0, 20000)
    assert np.max(np.abs(portable.log10(near_one) - np.log10(near_one))) <= 2.5e-16
    assert np.array_equal(portable.log10(10.0 ** np.arange(-22, 23)), np.arange(-22.0, 23.0))
    y = rng.uniform(-30, 30, 20000)
    assert ulps(portable.exp10(y), np.power(10.0, y)) <= 3
    assert portable.exp10(-2.0) == 0.01 and portable.exp10(3.0) == 1000.0
    edges = portable.log(np.array([0.0, -1.0, np.inf, np.nan, 5e-324]))
    assert edges[0] == -np.inf and np.isnan(edges[1]) and edges[2] == np.inf
    assert np.isnan(edges[3]) and edges[4] == pytest.approx(np.log(5e-324), rel=1e-15)


def test_cosine_and_polar_form(rng):
    phase = np.concatenate([rng.uniform(-7, 7, 5000), rng.uniform(-1e5, 1e5, 5000)])
    assert np.max(np.abs(portable.cos(phase) - np.cos(phase))) < 4e-16
    S = rng.random(phase.size).astype(np.float32)
    D = portable.polar(S, phase, np.complex128)
    assert np.max(np.abs(D - S * np.exp(1j * phase))) < 4e-16
    D32 = portable.polar(S, phase)
    assert D32.dtype == np.complex64
    assert np.array_equal(D32.real, D.real.astype(np.float32))
    assert portable.polar(2.0, np.pi / 2, np.complex128) == pytest.approx(2j, abs=1e-15)


def test_magnitude_is_the_float64_hypotenuse_rounded_once(rng):
    D = (rng.standard_normal(10000) + 1j * rng.standard_normal(10000)) * 10.0 ** rng.uniform(
        -20, 5, 10000)
    D32 = D.astype(np.complex64)
    re, im = D32.real.astype(np.float64), D32.imag.astype(np.float64)
    expected = np.sqrt(re * re + im * im).astype(np.float32)
    assert portable.magnitude(D32).dtype == np.float32
    assert np.array_equal(portable.magnitude(D32), expected)
    assert ulps(portable.magnitude(D), np.abs(D)) <= 2
    assert portable.magnitude(D32.reshape(100, 100)[:, ::3]).shape == (100, 34)


def test_angle_within_three_ulps_and_signed_zeros_as_atan2(rng):
    D = rng.standard_normal(20000) * 10.0 ** rng.uniform(-8, 8, 20000) \
        + 1j * rng.standard_normal(20000) * 10.0 ** rng.uniform(-8, 8, 20000)
    assert ulps(portable.angle(D), np.angle(D)) <= 3
    assert portable.angle(D.astype(np.complex64)).dtype == np.float32
    parts = np.array([0.0, -0.0, 3.0, -3.0, np.inf, -np.inf])
    re, im = (a.ravel() for a in np.meshgrid(parts, parts))
    finite = np.isfinite(re) & np.isfinite(im)
    edge = np.empty(finite.sum(), complex)
    edge.real, edge.imag = re[finite], im[finite]
    got, want = portable.angle(edge), np.arctan2(edge.imag, edge.real)
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))
    assert np.isnan(portable.angle(np.array([complex(np.nan, 1.0)]))[0])
    assert portable.angle(np.complex64(1j)) == np.float32(np.pi / 2)
