"""Plumbing: the input error type (:mod:`.errors`), atomic writes and signals (:mod:`.fileio`),
worker pools and core counts (:mod:`.parallel`)."""
