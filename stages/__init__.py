"""Thin DVC stage entry points: each reads its params section and paths, then calls
:mod:`specimg.pipeline`, whose import sets one BLAS thread before numpy loads."""

import specimg.pipeline  # noqa: F401
