"""The study's stages as functions: what the DVC stage scripts (``stages/``) and their worker
processes or Dask workers run, one module a stage.

Each module holds a stage's per-clip work (module-level functions, so they pickle by reference
for :func:`specimg.pipeline.common.map_items`) and ``run_stage(args, params)``, the stage
itself: ``args`` names its paths, ``params`` is all of ``params.yaml``. Nothing here imports
DVC; the scripts in ``stages/`` parse the paths, read ``params.yaml`` and call these.

Importing this package sets one BLAS/OpenMP thread (below), as every stage process and worker
needs: stages must give byte-identical outputs.
"""

import os

# One BLAS/OpenMP thread: multi-threaded reductions change float results between runs, and
# stages must give byte-identical outputs. Set before numpy is imported by any stage.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_variable] = "1"
