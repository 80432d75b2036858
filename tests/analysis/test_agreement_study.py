"""eval/agreement.py: the inter-annotator study pairs every subject turn once and scores the pair correctly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def study(eval_script: Callable[[str], ModuleType]) -> ModuleType:
    return eval_script("agreement")


def _original(tmp_path: Path) -> Path:
    turns = [
        {"idx": 0, "speaker": "n", "role": "negotiator", "text": "Talk to me.",
         "labels": {"talkdown_skill": ["open_question"], "talkdown_avoid": []}},
        {"idx": 1, "speaker": "s", "role": "subject", "text": "Back off or she gets hurt.",
         "labels": {"talkdown_cue": ["threat", "demand"]}},
        {"idx": 2, "speaker": "s", "role": "subject", "text": "Nobody would miss me.", "labels": {"talkdown_cue": []}},
    ]  # fmt: skip
    path = tmp_path / "indomain_writerX.jsonl"
    path.write_text(json.dumps({"id": "c-1", "source": "talkdown", "split": "train", "turns": turns}) + "\n")
    return path


def _second(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "indomain_writerX_annotator2.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_the_second_annotators_labels_replace_the_cues_and_pair_with_the_first(
    study: ModuleType, tmp_path: Path
) -> None:
    second = _second(tmp_path, [{"id": "c-1", "idx": 1, "talkdown_cue": ["threat"]},
                                {"id": "c-1", "idx": 2, "talkdown_cue": ["suicide_cue"]}])  # fmt: skip
    copy = tmp_path / "copy.jsonl"
    pairs = study.relabelled(_original(tmp_path), study.second_labels(second), copy)
    assert pairs == [({"threat", "demand"}, {"threat"}), (set(), {"suicide_cue"})]
    turns = json.loads(copy.read_text())["turns"]
    assert [t["labels"] for t in turns[1:]] == [{"talkdown_cue": ["threat"]}, {"talkdown_cue": ["suicide_cue"]}]
    assert turns[0]["labels"]["talkdown_skill"] == ["open_question"]  # the negotiator's labels are untouched
    scores = study.agreement(pairs)
    assert scores["threat"]["f1"] == 1.0
    demand = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "kappa": 0.0, "support_1": 1, "support_2": 0}
    assert scores["demand"] == demand
    assert scores["suicide_cue"]["support_2"] == 1 and scores["suicide_cue"]["f1"] == 0.0
    assert "weapon" not in scores  # neither annotator used it: nothing to agree on


def test_a_turn_left_out_or_added_or_an_unknown_label_is_refused(study: ModuleType, tmp_path: Path) -> None:
    original = _original(tmp_path)
    missing = _second(tmp_path, [{"id": "c-1", "idx": 1, "talkdown_cue": []}])
    with pytest.raises(SystemExit, match="did not label"):
        study.relabelled(original, study.second_labels(missing), tmp_path / "copy.jsonl")
    extra = _second(tmp_path, [{"id": "c-1", "idx": i, "talkdown_cue": []} for i in (1, 2, 3)])
    with pytest.raises(SystemExit, match="does not have"):
        study.relabelled(original, study.second_labels(extra), tmp_path / "copy.jsonl")
    with pytest.raises(SystemExit, match="unknown label"):
        study.second_labels(_second(tmp_path, [{"id": "c-1", "idx": 1, "talkdown_cue": ["hostage"]}]))
