"""Jobs of the ``specimg`` commands: inputs found in files and folders, outputs mirrored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..image.codec import image_files
from ..util.errors import InputError


@dataclass(frozen=True)
class Job:
    image: Path
    output: Path


def find_jobs(inputs: Sequence[Path], out_dir: Path, suffix: str) -> tuple[list[Job], list]:
    """One job per image: files as given, folders searched recursively for image files.

    Outputs mirror each folder's layout under ``out_dir``. A name that two images would share
    (``a.png``, ``a.jpg``) keeps the image suffix (``a.png.wav``); an image whose output would
    still collide with another's is not run.

    Returns
    -------
    jobs : list of Job
    clashes : list of (Path, str)
        Images left out, with the reason.
    """
    pairs = []
    for given in inputs:
        if given.is_dir():
            images = image_files(given, recursive=True)
            pairs += [(p, p.relative_to(given)) for p in images]
        else:
            pairs.append((given, Path(given.name)))
    stems = Counter(relative.with_suffix("") for _, relative in pairs)
    jobs, clashes, taken = [], [], {}
    for image, relative in pairs:
        shared = stems[relative.with_suffix("")] > 1
        name = relative.name + suffix if shared else relative.with_suffix(suffix).name
        output = out_dir / relative.parent / name
        if output in taken:
            clashes.append((image, f"its output {output} would overwrite that of {taken[output]}; "
                                   "invert them into separate folders"))
            continue
        taken[output] = image
        jobs.append(Job(image, output))
    return jobs, clashes


def describe(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return f"unexpected {type(exc).__name__}: {exc}"


