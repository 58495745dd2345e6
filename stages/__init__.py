"""Thin DVC stage entry points: each reads its params section and paths, then calls specimg."""

import os

# One BLAS/OpenMP thread: multi-threaded reductions change float results between runs, and
# stages must give byte-identical outputs. Set before numpy is imported by any stage.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
