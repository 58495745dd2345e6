"""The error types for problems with a user's input: a file, a value, an output's place."""

from __future__ import annotations

import os

__all__ = ["InputError", "OutputError", "ParameterError"]


class InputError(Exception):
    """An input file that cannot be used, with the file and what to do about it.

    Parameters
    ----------
    path : str or path-like
        The offending file.
    problem : str
        What is wrong and, where it helps, what to do.
    """

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self):  # pickle by path and problem, so it crosses process boundaries
        return type(self), (self.path, self.problem)


class OutputError(OSError):
    """An output that cannot be written, named with why (an ``OSError``, as what it replaces).

    Parameters
    ----------
    path : str or path-like
        The output file.
    problem : str
        Why it cannot be written (``a directory is in its place``).
    """

    def __init__(self, path: str | os.PathLike, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path} cannot be written: {problem}")

    def __str__(self) -> str:
        return self.args[0]

    def __reduce__(self):
        return type(self), (self.path, self.problem)


class ParameterError(ValueError):
    """A value (a flag, a ``params.yaml`` key, an argument) outside what is allowed; its
    message names the value, where it came from and what is allowed (librosa's
    ``ParameterError`` style). A ``ValueError``, so callers catching that keep working."""
