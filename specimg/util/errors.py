"""The one error type for problems with a user's input."""

from __future__ import annotations

import os


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
