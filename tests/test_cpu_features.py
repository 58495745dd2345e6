"""The tiny study gives the same bytes on every CPU: under each feature level numpy can emulate
here, and with numba compiling for a generic x86-64, every output and dvc.lock are those of a
run with this machine's own features. The one exception: without AVX2, the values of
``librosa_fgla`` (librosa's own ``np.abs``) may differ within ``reprocompare.TOLERANCES``.

numpy picks SIMD kernels at run time (``__cpu_dispatch__``); ``NPY_DISABLE_CPU_FEATURES``
turns them off from the top (an AVX2 machine without AVX-512 is ``X86_V4`` off, an older one
``X86_V3`` off too). The levels the stages turn off themselves (AVX-512) are not rerun: they are
the default run. ``NUMBA_CPU_NAME=generic`` with an empty cache recompiles every numba kernel for
no particular CPU, as a CPU without AVX2 would need: that level runs it too.
Slow (a few minutes on 2 cores): deselect with
``-m 'not cpu_features'``.
"""

from __future__ import annotations

import os
import subprocess

import pytest
from reprocompare import differences, run_files, table
from tinyproject import BIN, TINY, make_project

pytestmark = pytest.mark.cpu_features

#: The tiny study trimmed to one recording (speech, for PESQ and STOI too), a lossless and a
#: drawn JPEG picture, and methods that run every kernel: the true phase, fast GLA from a
#: random phase, PGHI then RAAR then accelerated GLA, and librosa's GLA.
PARAMS = {**TINY,
          "encode": {**TINY["encode"], "encodings": ["png16", "specshow"]},
          "invert": {**TINY["invert"],
                     "methods": ["oracle", "fgla", "pghi_raar", "librosa_fgla"]},
          "report": {"encoding": "specshow", "method": "pghi_raar"}}
FILES = ("speech_vm-options.wav", "SOURCES.csv")
#: Without AVX2, libjpeg-turbo (Pillow's JPEG) takes its SSE2 path and the C library its
#: functions without FMA: set with numpy's X86_V3 off.
NO_AVX2 = {"JSIMD_FORCESSE2": "1",
           "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-AVX2_Usable,-FMA_Usable,-AVX2,-FMA"}
#: Variables that choose the code paths; the default run has none of them. ducc0's build is
#: not emulated: specimg caps it at its x86-64 build on every CPU (specimg/phase/fft.py).
EMULATION = ("NPY_DISABLE_CPU_FEATURES", "NUMBA_CPU_NAME", "NUMBA_CACHE_DIR",
             "DUCC0_MAX_PSABI_LEVEL", *NO_AVX2)


def left_out_by_the_stages() -> set[str]:
    """numpy's dispatch targets that importing :mod:`specimg.pipeline` turns off on every CPU:
    switching them off here again would only rerun the default."""
    done = subprocess.run([str(BIN / "python"), "-c", "import os, specimg.pipeline; "
                           "print(os.environ.get('NPY_DISABLE_CPU_FEATURES', ''))"],
                          env={key: value for key, value in os.environ.items()
                               if key not in EMULATION},
                          capture_output=True, text=True, check=True)
    return set(done.stdout.replace(",", " ").split())


def feature_levels() -> list[tuple[str, dict[str, str]]]:
    """``(name, environment)`` of each emulated CPU: numpy's dispatch targets this machine has
    and the stages keep, switched off cumulatively from the top; once X86_V3 is off, as on a
    CPU without AVX2, :data:`NO_AVX2` too and numba compiling for a generic x86-64. Where no
    level reaches that, numba's generic target on its own is the last."""
    from numpy._core import _multiarray_umath as umath

    left_out = left_out_by_the_stages()
    kept = [name for name in umath.__cpu_dispatch__
            if umath.__cpu_features__.get(name) and name not in left_out]
    levels = []
    for count in range(1, len(kept) + 1):
        off = " ".join(reversed(kept[-count:]))
        env = {"NPY_DISABLE_CPU_FEATURES": off}
        if "X86_V3" in off.split():
            env |= {**NO_AVX2, "NUMBA_CPU_NAME": "generic"}
        levels.append((f"numpy without {off}" + (", numba generic" if len(env) > 1 else ""),
                       env))
    if not any("NUMBA_CPU_NAME" in env for _, env in levels):
        levels.append(("numba generic", {"NUMBA_CPU_NAME": "generic"}))
    return levels


def repro(project, env: dict[str, str], numba_cache) -> dict[str, bytes]:
    inherited = {key: value for key, value in os.environ.items() if key not in EMULATION}
    environment = {**inherited, **env, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
                   "DVC_NO_ANALYTICS": "1", "NUMBA_CACHE_DIR": str(numba_cache)}
    done = subprocess.run([str(BIN / "dvc"), "repro", "-f"], cwd=project, env=environment,
                          capture_output=True, text=True)
    assert done.returncode == 0, f"dvc repro -f with {env} failed:\n{done.stdout}{done.stderr}"
    return run_files(project)


def test_same_bytes_under_every_cpu_feature_level(tmp_path):
    project = make_project(tmp_path / "project", PARAMS, files=FILES)
    expected = repro(project, {}, tmp_path / "numba-host")
    assert any(name.startswith("data/recon/") for name in expected)
    failures = []
    for name, env in feature_levels():
        cache = tmp_path / ("numba-generic" if "NUMBA_CPU_NAME" in env else "numba-host")
        # Without AVX2, librosa's own np.abs rounds differently (reprocompare.CPU_DEPENDENT)
        tolerant = "X86_V3" in env.get("NPY_DISABLE_CPU_FEATURES", "").split()
        rows = differences(expected, repro(project, env, cache), tolerant=tolerant)
        if rows:
            failures.append(f"{name}: {len(rows)} files differ\n"
                            f"{table(rows, 'this CPU', name)}")
    assert not failures, "\n\n".join(failures)
