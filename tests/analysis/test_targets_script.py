"""eval/targets.py: each target is judged at its edge as the issue states it, and the shipped results files read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

META = {"date_utc": "2026-11-27T17:00:00Z", "cpu": "Test CPU", "commit": "abc1234"}


def _cue(recall: float, precision: float, f1: float) -> dict[str, Any]:
    labels = {"suicide_cue": {"precision": precision, "recall": recall, "f1": 0.0}}
    labels |= {label: {"precision": 0.0, "recall": 0.0, "f1": f1} for label in ("threat", "deadline", "demand")}
    return {"meta": META, "results": {"talkdown_cue": {"labels": labels}}}


def _bench(p99: float, batch: int, fast: int, cold: float, rss: float) -> dict[str, Any]:
    results = {
        "live": {"p99_ms": p99, "peak_rss_mib": 100.0},
        "batch": {"utterances_per_s": batch, "peak_rss_mib": rss},
        "fast": {"utterances_per_s": fast, "peak_rss_mib": 100.0},
        "cold_start": {"wall_s_median": cold},
    }
    return {"meta": META, "results": results}


@pytest.fixture
def targets(eval_script: Callable[[str], ModuleType], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = eval_script("targets")
    for name in ("PUBLIC", "FRESH_POOLED", "BENCH"):
        monkeypatch.setattr(module, name, tmp_path / f"{name}.json")
    return module


def _verdicts(targets: ModuleType, **docs: dict[str, Any]) -> dict[str, bool]:
    for name, doc in docs.items():
        getattr(targets, name).write_text(json.dumps(doc))
    return {measure: met for measure, _target, _figure, met, _source in targets._rows()}


def test_the_cue_targets_are_met_only_at_both_edges(targets: ModuleType) -> None:
    at_edge = _verdicts(targets, FRESH_POOLED=_cue(recall=0.95, precision=0.70, f1=0.85))
    assert all(at_edge.values()) and len(at_edge) == 4
    short = _verdicts(targets, FRESH_POOLED=_cue(recall=0.99, precision=0.69, f1=0.849))
    assert not any(short.values())


def test_speed_and_memory_targets_read_the_bench_file(targets: ModuleType) -> None:
    met = _verdicts(targets, BENCH=_bench(p99=30.0, batch=500, fast=5000, cold=2.0, rss=381.4))
    assert all(met.values()) and len(met) == 5
    missed = _verdicts(targets, BENCH=_bench(p99=30.1, batch=499, fast=4999, cold=2.01, rss=381.6))
    assert not any(missed.values())  # 400 MB is 381.47 MiB


def test_a_missing_results_file_leaves_its_lines_out(targets: ModuleType) -> None:
    assert targets._rows() == []


def test_the_shipped_results_files_give_every_line(eval_script: Callable[[str], ModuleType]) -> None:
    rows = eval_script("targets")._rows()
    assert len(rows) == 12
    assert all(" UTC, " in source for *_rest, source in rows)
