"""The schema of ``params.yaml``: every section, every key and its check, and the checks
between keys, applied by :func:`stages.common.load_params` before any stage runs.

Each key's check is one of :mod:`specimg.util.checks` (the ``specimg`` command's flags call
the same ones), named by its place (``stft.hop_length``). A key that is not in the schema is
refused with the keys that are, so a typo stops the run instead of being ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import get_args

from specimg.core.audio import Mixdown, TailPolicy
from specimg.core.spectrum import window_function
from specimg.image.codec import parse_encoding
from specimg.image.drawing import SpecshowStyle
from specimg.phase.methods import METHODS, parse_n_iter
from specimg.util import checks
from specimg.util.errors import ParameterError
from specimg.util.parallel import EXECUTORS

__all__ = ["SCHEMA", "Key", "check_params"]

Check = Callable[[object, str], object]


@dataclass(frozen=True)
class Key:
    """One key: its check, and whether a stage needs it (else its default applies)."""

    check: Check
    required: bool = True


def _optional(check: Check) -> Check:
    """``check``, with null allowed."""
    return lambda value, name: None if value is None else check(value, name)


def _choice(choices: tuple[str, ...]) -> Check:
    return lambda value, name: checks.choice(value, name, choices)


def _list(check: Check, *, empty: bool = False) -> Check:
    """A list of values that each pass ``check`` (named ``name[i]``)."""
    def checked(value: object, name: str) -> list:
        if not isinstance(value, list) or (not value and not empty):
            raise ParameterError(f"{name} {value!r} is not a list"
                                 + ("" if empty else " of one or more entries"))
        return [check(item, f"{name}[{index}]") for index, item in enumerate(value)]

    return checked


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ParameterError(f"{name} {value!r} is not a name: use text")
    return value


def _encoding(value: object, name: str) -> str:
    try:
        parse_encoding(_text(value, name))
    except ValueError as exc:
        raise ParameterError(f"{name}: {exc}") from None
    return value


def _window(value: object, name: str) -> str:
    try:
        window_function(_text(value, name), 8)
    except ValueError:
        raise ParameterError(f"{name} {value!r} is no window scipy knows: use e.g. hann") from None
    return value


def _seconds(value: object, name: str) -> float:
    return checks.real(value, name, above=0.0, allowed="use seconds above 0")


def _count(low: int) -> Check:
    return lambda value, name: checks.integer(value, name, low=low,
                                              allowed=f"use a whole number, {low} or more")


def _finite(value: object, name: str) -> float:
    return checks.real(value, name, allowed="use a finite number")


def _styles(value: object, name: str) -> dict:
    """``encode.specshow``: a drawing style per specshow encoding."""
    if not isinstance(value, dict):
        raise ParameterError(f"{name} is not a mapping of specshow encodings to styles")
    for encoding, style in value.items():
        try:
            SpecshowStyle.from_params(style, f"{name}.{encoding}")
        except ValueError as exc:
            raise ParameterError(str(exc)) from None
    return value


def _codecs(value: object, name: str) -> dict:
    """``model.codecs``: codec names per representation (the model stage checks each pair)."""
    if not isinstance(value, dict):
        raise ParameterError(f"{name} is not a mapping of representations to codecs")
    for representation, codecs in value.items():
        _list(_text, empty=True)(codecs, f"{name}.{representation}")
    return value


_CHOICES = {"on_error": ("fail", "skip")}

#: section -> key -> check; ``on_error`` is the one top-level value.
SCHEMA: dict[str, dict[str, Key]] = {
    "parallel": {
        "n_jobs": Key(checks.n_jobs, required=False),
        "executor": Key(_choice(EXECUTORS), required=False),
        "scheduler_address": Key(_optional(_text), required=False),
    },
    "segment": {
        "sr": Key(checks.sample_rate),
        "clip_seconds": Key(_seconds),
        "step_seconds": Key(_seconds),
        "tail": Key(_choice(get_args(TailPolicy))),
        "mixdown": Key(_choice(get_args(Mixdown))),
    },
    "stft": {
        "n_fft": Key(checks.fft_size),
        "hop_length": Key(checks.hop_length),
        "window": Key(_window),
        "center": Key(checks.boolean),
        "top_db": Key(checks.top_db),
    },
    "encode": {
        "encodings": Key(_list(_encoding)),
        "specshow": Key(_styles, required=False),
    },
    "invert": {
        "methods": Key(_list(_choice(METHODS))),
        "n_iter": Key(parse_n_iter, required=False),
        "momentum": Key(_finite, required=False),
        "agla_beta": Key(_finite, required=False),
        "agla_gamma": Key(_finite, required=False),
        "pghi_tol_db": Key(checks.top_db, required=False),
        "seed": Key(checks.seed, required=False),
        "floor_silence": Key(checks.boolean),
        "record_every": Key(_count(1)),
    },
    "evaluate": {
        "lsd_top_db": Key(checks.top_db),
        "convergence_encoding": Key(_encoding),
    },
    "report": {
        "encoding": Key(_encoding),
        "method": Key(_choice(METHODS)),
    },
    "model": {
        "sizes": Key(_list(_count(1))),
        "recordings_per_kind": Key(_count(0), required=False),
        "codecs": Key(_codecs, required=False),
        "riffusion_sizes": Key(_list(_count(1), empty=True), required=False),
        "riffusion_kinds": Key(_list(_text, empty=True), required=False),
        "sweep": Key(checks.boolean, required=False),
        "n_iter": Key(_count(1)),
        "naive_n_iter": Key(_count(1)),
        "user_encoding": Key(_optional(_encoding), required=False),
    },
}
_OPTIONAL_SECTIONS = ("parallel",)


def check_params(params: object) -> None:
    """Every key of ``params`` (``params.yaml`` as read) by :data:`SCHEMA`, then the checks
    between keys; :class:`ParameterError` with one line on the first problem."""
    if not isinstance(params, dict):
        raise ParameterError("is not a mapping of sections (segment, stft, ...)")
    for name, value in params.items():
        if name in _CHOICES:
            checks.choice(value, name, _CHOICES[name])
        elif name not in SCHEMA:
            raise ParameterError(f"{name} is not a section (sections: "
                                 f"{', '.join([*_CHOICES, *SCHEMA])})")
    for section, keys in SCHEMA.items():
        values = params.get(section)
        if values is None and section in _OPTIONAL_SECTIONS:
            continue
        if not isinstance(values, dict):
            raise ParameterError(f"{section} is {'missing' if values is None else repr(values)}:"
                                 f" it must be a section with keys {', '.join(keys)}")
        _check_section(section, values, keys)
    _check_between(params)


def _check_section(section: str, values: Mapping, keys: Mapping[str, Key]) -> None:
    for key, value in values.items():
        if key not in keys:
            raise ParameterError(f"{section}.{key} is not a key of {section} (keys: "
                                 f"{', '.join(keys)})")
        keys[key].check(value, f"{section}.{key}")
    missing = [key for key, spec in keys.items() if spec.required and key not in values]
    if missing:
        raise ParameterError(f"{section} has no {', '.join(missing)}: add "
                             f"{'it' if len(missing) == 1 else 'them'}")


def _check_between(params: Mapping) -> None:
    segment, stft, encode = params["segment"], params["stft"], params["encode"]
    names = {key: f"stft.{key}" for key in ("n_fft", "hop_length")}
    checks.check_stft(n_fft=int(stft["n_fft"]), hop_length=int(stft["hop_length"]), names=names)
    checks.check_length(frames=None, duration=float(segment["clip_seconds"]),
                        sr=int(segment["sr"]), hop_length=int(stft["hop_length"]),
                        names={"duration": "segment.clip_seconds"})
    encodings = encode["encodings"]
    styles = encode.get("specshow") or {}
    for encoding in encodings:
        if parse_encoding(encoding)[0] == "specshow" and encoding not in styles:
            raise ParameterError(f"encode.specshow has no entry {encoding!r}: add one "
                                 "(width_per_second, height, quality, cmap) for this encoding")
    chosen = [("evaluate.convergence_encoding", params["evaluate"]["convergence_encoding"]),
              ("report.encoding", params["report"]["encoding"])]
    if params["model"].get("user_encoding") is not None:
        chosen.append(("model.user_encoding", params["model"]["user_encoding"]))
    for name, encoding in chosen:
        if encoding not in encodings:
            raise ParameterError(f"{name} {encoding} is not one of encode.encodings "
                                 f"({', '.join(encodings)})")
    method = params["report"]["method"]
    if method not in params["invert"]["methods"]:
        raise ParameterError(f"report.method {method} is not one of invert.methods "
                             f"({', '.join(params['invert']['methods'])})")
