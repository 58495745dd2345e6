"""Jobs of the ``specimg`` commands: inputs found in files and folders, outputs mirrored under
one folder, run on worker processes (or a Dask cluster's workers) with a progress bar, one line
per failure."""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..util import checks
from ..util.errors import InputError, OutputError
from ..util.parallel import available_cores, imap


class UsageError(ValueError):
    """A flag's value the command cannot use: one line, exit status 2 (as argparse's)."""


class ClusterError(RuntimeError):
    """The ``--scheduler`` cannot be reached, or was lost during the run: one line, exit
    status 1 (the outputs finished are kept)."""


SCHEDULER_FORM = re.compile(r"(tcp|tls|ws|wss|inproc|ucx)://[^\s/]+:\d+")


@dataclass(frozen=True)
class Job:
    source: Path
    output: Path


def find_jobs(inputs: Sequence[Path], out_dir: Path, suffix: str, *,
              files: Callable[..., list[Path]], suffixes: Sequence[str], verb: str
              ) -> tuple[list[Job], list]:
    """One job per input file: files as given, folders searched recursively by ``files``
    (``files(folder, recursive=True)``, e.g. :func:`specimg.image.codec.image_files`).

    Outputs mirror each folder's layout under ``out_dir``, named after the input with
    ``suffix``. A name that two inputs would share (``a.png``, ``a.jpg``) keeps the input's
    suffix (``a.png.wav``); an input whose output would still collide with another's is not
    run. A folder holding no file of ``suffixes`` (what ``files`` finds) is a failure too.

    Returns
    -------
    jobs : list of Job
    clashes : list of (Path, str)
        Inputs left out, with the reason (naming ``verb``, the command).

    Raises
    ------
    UsageError
        If ``out_dir`` is a file.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"-o {out_dir} is a file: give a folder for the outputs")
    pairs, empty = [], []
    for given in inputs:
        if given.is_dir():
            found = [(p, p.relative_to(given)) for p in files(given, recursive=True)]
            if not found:
                empty.append((given, f"nothing to {verb} in it (no {'/'.join(suffixes)} file, "
                                     "in its subfolders neither)"))
            pairs += found
        else:
            pairs.append((given, Path(given.name)))
    stems = Counter(relative.with_suffix("") for _, relative in pairs)
    jobs, clashes, taken = [], [], {}
    for source, relative in pairs:
        shared = stems[relative.with_suffix("")] > 1
        name = relative.name + suffix if shared else relative.with_suffix(suffix).name
        output = out_dir / relative.parent / name
        if output in taken:
            clashes.append((source, f"its output {output} would overwrite that of "
                                    f"{taken[output]}; {verb} them into separate folders"))
            continue
        taken[output] = source
        jobs.append(Job(source, output))
    return jobs, empty + clashes


def parse_scheduler(text: str) -> str:
    """A Dask scheduler's address (``tcp://HOST:PORT``), once ``dask.distributed`` imports;
    ValueError in one line otherwise."""
    if not SCHEDULER_FORM.fullmatch(text):
        raise ValueError(f"{text!r} is not a Dask scheduler address; give tcp://HOST:PORT, as "
                         "`dask scheduler` prints it")
    try:
        import distributed  # noqa: F401  (the pipeline extra)
    except ImportError:
        raise ValueError("needs dask.distributed, which specimg's pipeline extra installs: "
                         "pip install 'specimg[pipeline]'") from None
    return text


def add_job_arguments(parser: argparse.ArgumentParser, inputs: str, items: str) -> None:
    """The flags both commands take: the inputs (files or folders, shown as ``inputs``), the
    output folder, ``-j`` (``items`` done at once), ``--overwrite`` and ``--scheduler``."""
    parser.add_argument("inputs", nargs="+", type=Path, metavar=inputs)
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="OUT_DIR")
    parser.add_argument("-j", "--jobs", type=flag_type(checks.n_jobs, "--jobs"),
                        default=available_cores(),
                        help=f"{items} done at once (default: all cores)")
    parser.add_argument("--overwrite", action="store_true", help="redo existing outputs")
    parser.add_argument("--scheduler", type=argument_type(parse_scheduler),
                        metavar="tcp://HOST:PORT",
                        help=f"send the {items} to this Dask cluster's workers instead (-j then "
                        "does not apply; pip install 'specimg[pipeline]'): each needs specimg "
                        "and sees the inputs and OUT_DIR at the same absolute paths")


def argument_type(parse: Callable[[str], object]) -> Callable[[str], object]:
    """``parse`` as an argparse type: its ValueError becomes argparse's one-line error."""
    def checked(text: str) -> object:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return checked


def flag_type(check: Callable[[object, str], object], flag: str) -> Callable[[str], object]:
    """A check of :mod:`specimg.util.checks` as the argparse type of ``flag``."""
    return argument_type(partial(check, name=flag))


def describe(exc: Exception) -> str:
    if isinstance(exc, InputError):
        return exc.problem
    if isinstance(exc, OutputError):
        return f"its output {exc}"
    if isinstance(exc, OSError):
        return f"cannot be read ({exc.strerror or exc})"
    return f"unexpected {type(exc).__name__}: {exc}"


def run_jobs(work: Callable[[Job], object], todo: Sequence[Job], n_jobs: int, unit: str, *,
             scheduler: str | None = None
             ) -> tuple[list[tuple[Job, object]], list[tuple[Path, str]]]:
    """Run ``work(job)`` for every job on ``n_jobs`` processes, with a progress bar; with
    ``scheduler`` (a Dask scheduler's address), on that cluster's workers, the jobs' relative
    paths taken from this folder.

    Returns ``(done, failed)``: each finished job with what ``work`` returned, in input order,
    and each job that raised (or whose worker died) with one line saying why. One bad input
    does not stop the others. A warning a library raises in ``work`` is printed as one line
    naming the job's input and what it means (:func:`warning_line`).

    Raises
    ------
    ClusterError
        No scheduler answers at ``scheduler``, or the connection to it was lost.
    """
    from tqdm import tqdm

    results, failed, finished = {}, [], set()
    root = Path.cwd() if scheduler else None
    attempt = partial(_attempt, work=work, root=root)
    died = f"its {'Dask ' if scheduler else ''}worker process died"
    with tqdm(total=len(todo), unit=unit, disable=None, file=sys.stderr) as progress, \
            _quiet_dask(scheduler):
        try:
            for index, (ok, outcome, warned) in imap(
                    attempt, todo, n_jobs, executor="dask" if scheduler else "local",
                    scheduler_address=scheduler,
                    died=lambda job: (False, f"{died} on it (out of memory?)", [])):
                finished.add(index)
                progress.update()
                for line in warned:
                    progress.write(f"  warning: {todo[index].source}: {line}", file=sys.stderr)
                if ok:
                    results[index] = outcome
                else:
                    failed.append((todo[index].source, outcome))
        except BrokenProcessPool:
            failed += [(job.source, f"{died} (out of memory? try fewer -j)")
                       for index, job in enumerate(todo) if index not in finished]
        except CancelledError:
            if scheduler is None:
                raise
            raise ClusterError(f"lost the Dask scheduler at {scheduler} after {len(finished)} "
                               f"of {len(todo)} {unit}(s); finished outputs are kept, none is "
                               "partial: run the same command again to do the rest") from None
        except OSError as exc:  # Dask's: connecting failed (the jobs' own are caught in them)
            if scheduler is None:
                raise
            raise ClusterError(f"no Dask scheduler answers at {scheduler} ({exc}); start one "
                               "(`dask scheduler`) or check the address") from None
    return [(todo[i], results[i]) for i in sorted(results)], failed


def print_failures(failed: Sequence[tuple[Path, str]]) -> None:
    """One line per failed input, sorted by path."""
    for source, reason in sorted(failed, key=lambda item: str(item[0])):
        print(f"  failed: {source}: {reason}")


def warning_line(caught: warnings.WarningMessage) -> str:
    """What a library's warning means for the output, in one line without source paths."""
    message = str(caught.message).strip().splitlines()[0] if str(caught.message).strip() else ""
    for pattern, meaning in _MEANINGS:
        if pattern in message:
            return meaning
    if issubclass(caught.category, RuntimeWarning):
        return (f"numerical trouble ({message}): the output may hold silence or noise where it "
                "happened")
    return f"{caught.category.__name__}: {message}"


#: Warnings known to come from the work, and what they mean.
_MEANINGS = (
    ("Empty filters detected in mel frequency basis",
     "some mel bands hold no STFT bin (too many mel bands for n_fft, or fmin..fmax too narrow):"
     " they come back silent; use fewer --n-mels or a larger --n-fft"),
)


@contextlib.contextmanager
def _quiet_dask(scheduler: str | None):
    """Dask's log records off while the cluster runs the jobs: a lost scheduler logs
    tracebacks, where the command says it in one line."""
    if scheduler is None:
        yield
        return
    logging.disable(logging.ERROR)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


def _attempt(job: Job, work: Callable[[Job], object],
             root: Path | None = None) -> tuple[bool, object, list[str]]:
    if root is not None:  # on a cluster's worker, whose working folder is not ours
        job = Job(root / job.source, root / job.output)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # a library's deprecations speak to its callers' developers, not to the user
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        try:
            ok, outcome = True, work(job)
        except Exception as exc:  # one bad input must not stop the others
            ok, outcome = False, describe(exc)
    return ok, outcome, list(dict.fromkeys(warning_line(item) for item in caught))
