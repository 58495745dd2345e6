"""Every key of params.yaml is checked before a stage runs (stages/schema.py): a bad value, an
unknown key or section is one line naming it (hypothesis generates the bad values); the
study's own params and the tiny project's pass."""

from __future__ import annotations

import copy
import math
import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinyproject import REPO, TINY

from specimg.util.errors import InputError, ParameterError
from stages.common import load_params
from stages.schema import SCHEMA, check_params

SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

NAMES = st.text(alphabet="abcdefghijklmopqrsuvwxyz_", min_size=1, max_size=10)
UNKNOWN = NAMES.map(lambda text: "x_" + text)  # no window, method, tail or encoding
NOT_NUMBERS = st.one_of(NAMES, st.booleans(), st.none(), st.lists(st.integers(), max_size=2))
NON_FINITE = st.sampled_from([math.nan, math.inf, -math.inf])


def below(limit: float) -> st.SearchStrategy:
    return st.one_of(st.integers(max_value=math.floor(limit) - 1, min_value=-10**9),
                     NOT_NUMBERS)


def not_positive() -> st.SearchStrategy:
    return st.one_of(st.floats(max_value=0.0, min_value=-1e9), NON_FINITE, NOT_NUMBERS)


NOT_BOOLS = st.one_of(NAMES, st.integers(), st.none())

#: (section, key) -> values the schema must refuse, as YAML values.
BAD = {
    ("segment", "sr"): below(1),
    ("segment", "clip_seconds"): not_positive(),
    ("segment", "step_seconds"): not_positive(),
    ("segment", "tail"): st.one_of(UNKNOWN, st.integers(), st.none()),
    ("segment", "mixdown"): st.one_of(UNKNOWN, st.integers(), st.none()),
    ("stft", "n_fft"): below(16),
    ("stft", "hop_length"): st.one_of(below(1), st.integers(257, 300),  # TINY's n_fft: 256
                                      st.integers(257, 10**5)),
    ("stft", "window"): st.one_of(UNKNOWN, st.integers(), st.none()),
    ("stft", "center"): NOT_BOOLS,
    ("stft", "top_db"): not_positive(),
    ("encode", "encodings"): st.one_of(st.lists(UNKNOWN, min_size=1, max_size=3),
                                       st.just([]), NAMES, st.integers()),
    ("invert", "methods"): st.one_of(st.lists(UNKNOWN, min_size=1, max_size=3), st.just([])),
    ("invert", "n_iter"): below(1).filter(lambda value: value != "auto"),
    ("invert", "momentum"): st.one_of(NON_FINITE, NOT_NUMBERS),
    ("invert", "seed"): st.one_of(below(0), st.integers(2**32, 2**64)),
    ("invert", "floor_silence"): NOT_BOOLS,
    ("invert", "record_every"): below(1),
    ("evaluate", "lsd_top_db"): not_positive(),
    ("report", "method"): st.one_of(UNKNOWN, st.integers()),
    ("model", "sizes"): st.one_of(st.lists(st.integers(max_value=0), min_size=1, max_size=3),
                                  st.just([]), NAMES),
    ("model", "n_iter"): below(1),
    ("model", "naive_n_iter"): below(1),
    ("parallel", "n_jobs"): st.one_of(st.integers(max_value=-2), st.just(0), NOT_NUMBERS),
    ("parallel", "executor"): st.one_of(UNKNOWN, st.integers()),
}


def loaded(tmp_path, params: dict) -> str:
    """What load_params says of ``params`` written as tmp_path/params.yaml (it must refuse)."""
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    before = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(InputError) as refused:
            load_params()
    finally:
        os.chdir(before)
    return str(refused.value)


@pytest.mark.parametrize(("section", "key"), sorted(BAD))
def test_a_bad_value_is_refused_naming_its_key(section, key, tmp_path):
    @SETTINGS
    @given(value=BAD[(section, key)])
    def check(value):
        params = copy.deepcopy(TINY)
        params[section][key] = value
        message = loaded(tmp_path, params)
        assert message.startswith(f"params.yaml: {section}.{key}"), (value, message)
        assert "\n" not in message

    check()


@SETTINGS
@given(section=st.sampled_from(sorted(SCHEMA)), key=NAMES)
def test_an_unknown_key_is_refused_with_the_keys_there_are(section, key, tmp_path):
    if key in SCHEMA[section]:
        return
    params = copy.deepcopy(TINY)
    params[section][key] = 1
    message = loaded(tmp_path, params)
    assert message.startswith(f"params.yaml: {section}.{key} is not a key of {section} (keys: ")
    assert all(name in message for name in SCHEMA[section])


@SETTINGS
@given(section=UNKNOWN)
def test_an_unknown_section_is_refused(section, tmp_path):
    message = loaded(tmp_path, {**copy.deepcopy(TINY), section: {"a": 1}})
    assert message.startswith(f"params.yaml: {section} is not a section (sections: on_error, ")


@pytest.mark.parametrize(("change", "message"), [
    (("segment", "tail", "lastwindow"),
     "segment.tail lastwindow is not allowed: use one of drop, pad, last_window"),
    (("segment", "tial", "drop"), "segment.tial is not a key of segment (keys: sr, "),
    (("stft", "hop_length", 4096), "stft.hop_length 4096 is larger than stft.n_fft 256"),
    (("segment", "clip_seconds", 0.001), "segment.clip_seconds 0.001 is shorter than one hop"),
    (("report", "encoding", "png8"), "report.encoding png8 is not one of encode.encodings"),
    (("report", "method", "gla"), "report.method gla is not one of invert.methods"),
    (("evaluate", "convergence_encoding", "jpeg95"), "evaluate.convergence_encoding jpeg95 is "
     "not one of encode.encodings"),
    (("encode", "specshow", {}), "encode.specshow has no entry 'specshow'"),
    (("on_error", None, "later"), "on_error later is not allowed: use one of fail, skip"),
])
def test_keys_are_checked_against_each_other(change, message, tmp_path):
    section, key, value = change
    params = copy.deepcopy(TINY)
    if key is None:
        params[section] = value
    else:
        params[section][key] = value
    assert loaded(tmp_path, params).startswith(f"params.yaml: {message}")


def test_a_missing_key_or_section_is_named(tmp_path):
    params = copy.deepcopy(TINY)
    del params["stft"]["n_fft"]
    assert loaded(tmp_path, params) == "params.yaml: stft has no n_fft: add it"
    del params["stft"]
    assert loaded(tmp_path, params).startswith("params.yaml: stft is missing: it must be a "
                                               "section with keys n_fft, hop_length")


def test_malformed_yaml_is_one_line(tmp_path):
    (tmp_path / "params.yaml").write_text("segment:\n  sr: [8000\n")
    before = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(InputError, match=r"^params.yaml: is not valid YAML \(.*line \d+\)$"):
            load_params()
    finally:
        os.chdir(before)


def test_the_study_and_tiny_params_pass():
    check_params(yaml.safe_load((REPO / "params.yaml").read_text()))
    check_params(copy.deepcopy(TINY))
    with pytest.raises(ParameterError, match="is not a mapping of sections"):
        check_params(["segment"])
