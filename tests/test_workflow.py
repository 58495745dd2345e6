"""CI: the workflow runs the make targets the README names, and the reproducibility check tells
a stale dvc.lock from outputs that are only absent (a fresh clone has no DVC cache)."""

from __future__ import annotations

import importlib.util

import yaml
from tinyproject import REPO

spec = importlib.util.spec_from_file_location("check_repro", REPO / ".ci/check_repro.py")
check_repro = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_repro)

LOCK = {"stages": {
    "segment": {"outs": [{"path": "data/clips"}, {"path": "metrics/skipped.json"}]},
    "encode@png16": {"outs": [{"path": "data/images/png16"},
                              {"path": "metrics/encode/png16.json"}]},
    "evaluate": {"outs": [{"path": "metrics/summary.json"}]},
}}
OUTS = check_repro.pipeline_outs(LOCK)
LOCKED = set(LOCK["stages"])


def stale(report: dict) -> list[str]:
    return [f"{stage}: {what}" for stage, what in check_repro.stale(report, OUTS, LOCKED)]


def test_a_fresh_clone_with_absent_outputs_is_up_to_date():
    report = {
        "segment": [{"changed outs": {"data/clips": "not in cache"}}],
        "encode@png16": [{"changed deps": {"data/clips/manifest.csv": "deleted"}},
                         {"changed outs": {"data/images/png16": "not in cache"}}],
        # data/images is in git for its .gitignore, so it reads as modified, not deleted.
        "evaluate": [{"changed deps": {"data/clips": "deleted", "data/images": "modified",
                                       "metrics/encode": "modified"}}],
    }
    assert stale(report) == []


def test_code_params_and_committed_metrics_out_of_step_with_the_lock_are_stale():
    report = {
        "segment": [{"changed deps": {"stages/segment.py": "modified", "data/raw": "modified",
                                      "params.yaml": {"segment.sr": "modified"}}},
                    {"changed outs": {"data/clips": "not in cache"}}],
        # A committed metrics file (cache: false) that differs from dvc.lock, or is missing:
        # by_kind.json is in dvc.yaml only, and reading it as an output, its dependants are not
        # named for it.
        "evaluate": [{"changed outs": {"metrics/summary.json": "modified",
                                       "metrics/by_kind.json": "deleted"}}],
        "report": [{"changed deps": {"metrics/summary.json": "modified",
                                     "metrics/by_kind.json": "deleted"}}],
        "encode@png16": ["changed command"],
    }
    assert stale(report) == [
        "segment: stages/segment.py modified",
        "segment: data/raw modified",
        "segment: param segment.sr modified",
        "evaluate: output metrics/summary.json modified",
        "evaluate: output metrics/by_kind.json deleted",
        "report: not in dvc.lock (never run)",
        "encode@png16: changed command",
    ]


def test_produced_paths_hold_lie_in_or_are_outputs():
    assert check_repro.produced("data/images", OUTS)
    assert check_repro.produced("data/clips/manifest.csv", OUTS)
    assert check_repro.produced("metrics/encode/png16.json", OUTS)
    assert not check_repro.produced("data/raw", OUTS)
    assert not check_repro.produced("data/clipsX", OUTS)
    assert not check_repro.produced("stages/segment.py", OUTS)


def test_the_workflow_runs_the_make_targets():
    workflow = yaml.safe_load((REPO / ".github/workflows/ci.yml").read_text())
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"] == {"python-version": "3.11", "cache": "pip",
                             "cache-dependency-path": "requirements.lock"}
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0
    runs = [s["run"] for s in job["steps"] if "run" in s]
    assert "make test" in runs and "make check-repro" in runs
    summary = next(s for s in job["steps"] if "diff-summary" in s.get("run", ""))
    assert summary["if"] == "github.event_name == 'pull_request'"
    assert summary["env"]["BASE"] == "origin/${{ github.base_ref }}"
    assert summary["run"].endswith('>> "$GITHUB_STEP_SUMMARY"')
    # YAML 1.1 reads the key `on` as True.
    assert set(workflow[True]) == {"push", "pull_request"}
