"""avoid.md's ids for an avoid annotation, and its why/better lines: one reading for the debrief, advisor and report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.avoid_doctrine import better_lines, doctrine_ids
from talkdown.analysis.base import annotation
from talkdown.domain.annotations import Annotation

AVOID_MD = Path(__file__).resolve().parents[3] / "shared" / "doctrine" / "avoid.md"


def _ann(label: str, **detail: str) -> Annotation:
    return annotation("avoid", AvoidAnalyzer.version, "talkdown_avoid", label, 0.8, [(0, 4)], detail=dict(detail))


def test_a_model_only_label_gets_avoid_mds_id_and_a_rules_ids_keep_their_order() -> None:
    # The report counted a model-only deadline_setting under the family label, the debrief as setting_deadline.
    assert doctrine_ids(_ann("deadline_setting", source="model")) == ["setting_deadline"]
    assert doctrine_ids(_ann("false_promise")) == ["false_promise"]
    both = _ann("other_avoid", doctrine_id="why_question", doctrine_ids="why_question,trigger_word,why_question")
    assert doctrine_ids(both) == ["why_question", "trigger_word"]


@pytest.mark.skipif(not AVOID_MD.is_file(), reason="the doctrine pack (../shared/doctrine) is not beside the repo")
def test_every_utterance_behaviour_of_avoid_md_has_a_why_and_a_better_line() -> None:
    ids = re.findall(r"^### `([a-z_]+)`", AVOID_MD.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert len(ids) >= 20
    lines = better_lines()
    assert [i for i in ids if i not in lines] == []
    assert all(b.why and b.better for b in lines.values())
