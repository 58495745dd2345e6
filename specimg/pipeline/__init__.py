"""The study's stages as functions: what the DVC stage scripts (``stages/``) and their worker
processes or Dask workers run, one module a stage.

Each module holds a stage's per-clip work (module-level functions, so they pickle by reference
for :func:`specimg.pipeline.common.map_items`) and ``run_stage(args, params)``, the stage
itself: ``args`` names its paths, ``params`` is all of ``params.yaml``. Nothing here imports
DVC; the scripts in ``stages/`` parse the paths, read ``params.yaml`` and call these.

Importing this package sets one BLAS/OpenMP thread and, on CPUs with AVX2, OpenBLAS's Haswell
kernels and numpy's kernels up to AVX2 (below), as every stage process and worker needs:
stages must give byte-identical outputs on any machine.
"""

import importlib.metadata
import os

# One BLAS/OpenMP thread: multi-threaded reductions change float results between runs, and
# stages must give byte-identical outputs. Set before numpy is imported by any stage.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"


def _has_avx2() -> bool:
    try:
        with open("/proc/cpuinfo") as info:
            return any(line.startswith("flags") and " avx2" in line for line in info)
    except OSError:
        return False


# OpenBLAS also picks its kernels by CPU (Haswell, SkylakeX, Zen ...), and their float32
# products round differently: librosa's mel_to_audio, the own inverse of the model_pictures
# stage, moved in the fourth decimal of its SC between an AVX-512 machine and an AVX2 one
# (Sandybridge's kernels, forced on the AVX2 one, moved it too). Every x86-64 CPU with AVX2
# runs the Haswell kernels alike.
if _has_avx2():
    os.environ["OPENBLAS_CORETYPE"] = "Haswell"

# For the same reason numpy's AVX-512 kernels are left out (its AVX2 and AVX-512 kernels of
# abs, log, exp ... round differently; specimg.core.portable): numpy 2 names them so.
if int(importlib.metadata.version("numpy").split(".")[0]) >= 2:
    _disabled = os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split()
    os.environ["NPY_DISABLE_CPU_FEATURES"] = " ".join(
        dict.fromkeys([*_disabled, "X86_V4", "AVX512_ICL", "AVX512_SPR"]))
