"""Shared fixtures: small generated signals with known content."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tinyproject import dvc, make_project

from specimg.core.spectrum import StftConfig


@pytest.fixture
def small_config() -> StftConfig:
    return StftConfig(sr=8000, n_fft=256, hop_length=64)


@pytest.fixture
def harmonic_signal() -> np.ndarray:
    """2 s at 8 kHz: a gliding harmonic tone with an envelope, plus faint noise (seeded)."""
    sr, seconds = 8000, 2.0
    t = np.arange(int(sr * seconds)) / sr
    f0 = 220.0 + 60.0 * t
    phase = 2 * np.pi * np.cumsum(f0) / sr
    y = sum(np.sin(k * phase) / k for k in range(1, 6))
    y *= 0.3 * (0.6 + 0.4 * np.sin(2 * np.pi * 1.5 * t))
    y += 1e-3 * np.random.default_rng(0).standard_normal(len(t))
    return y.astype(np.float32)


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    """A tiny copy of the project (see tests/tinyproject.py) after one ``dvc repro``."""
    root = make_project(tmp_path_factory.mktemp("project"))
    dvc(root, "repro")
    return root
