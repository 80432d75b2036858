"""The study report's figures, from results written by a real (rules-only) bulk analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from talkdown.errors import TalkdownError
from talkdown.services.analyze_corpus import analyze_corpus
from talkdown.services.study_report import collect

pytestmark = pytest.mark.integration


def test_the_cue_rate_counts_turns_with_a_cue_so_it_never_exceeds_one(tmp_path: Path) -> None:
    # One turn with two cues (a deadline and a demand) was "2 cue turns per turn": the rate summed the
    # conversation table's per-label counts.
    said = [("subject", "I want a car by noon or I stop talking."), ("negotiator", "Tell me more about the car.")]
    turns = [{"idx": i, "speaker": s, "role": s, "text": t, "labels": {}} for i, (s, t) in enumerate(said)]
    conv = {"id": "two-cues", "source": "t", "split": "dev", "meta": {}, "turns": turns}
    (tmp_path / "in.jsonl").write_text(json.dumps(conv) + "\n", encoding="utf-8")
    analyze_corpus([str(tmp_path / "in.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True)
    cues = pq.read_table(tmp_path / "r.parquet").column("talkdown_cue").to_pylist()
    assert len(cues[0]) >= 2 and not cues[1]  # the premise: two cues on the first turn, none on the second
    data = collect(tmp_path / "r.parquet")
    assert data.cue_rates == [("two-cues", 0.5, 1)] and data.conversations == 1


def test_a_line_the_cue_rules_cannot_judge_is_no_cue_turn_on_the_page(tmp_path: Path) -> None:
    # An empty or foreign line gets the cue rules' low-confidence "none"; the page listed "none" among the cues
    # overall and counted such lines as cue turns, so a call with no cue at all showed a cue rate of 0.5.
    said = [
        ("negotiator", "Talk to me, I'm listening."),
        ("subject", ""),
        ("subject", "Laissez-moi tranquille, je ne veux pas parler avec vous."),
    ]
    turns = [{"idx": i, "speaker": s, "role": s, "text": t, "labels": {}} for i, (s, t) in enumerate(said)]
    conv = {"id": "quiet", "source": "t", "split": "dev", "meta": {}, "turns": turns}
    (tmp_path / "in.jsonl").write_text(json.dumps(conv) + "\n", encoding="utf-8")
    analyze_corpus([str(tmp_path / "in.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True)
    cues = pq.read_table(tmp_path / "r.parquet").column("talkdown_cue").to_pylist()
    assert cues == [[], ["none"], ["none"]]  # the premise: neither subject line can be judged
    data = collect(tmp_path / "r.parquet")
    assert data.cue_rates == [("quiet", 0.0, 0)] and not data.cues


def test_listening_skills_and_other_moves_are_charted_apart(tmp_path: Path) -> None:
    from talkdown.services.study_report import render_html

    said = [("subject", "Nobody listens to me."), ("negotiator", "You sound frustrated. Are you alone in there?")]
    turns = [{"idx": i, "speaker": s, "role": s, "text": t, "labels": {}} for i, (s, t) in enumerate(said)]
    conv = {"id": "skills", "source": "t", "split": "dev", "meta": {}, "turns": turns}
    (tmp_path / "in.jsonl").write_text(json.dumps(conv) + "\n", encoding="utf-8")
    analyze_corpus([str(tmp_path / "in.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True)
    page = render_html(collect(tmp_path / "r.parquet"), title="t")
    listening, other = page.split("<h2>Listening skills", 1)[1].split("<h2>Other moves", 1)
    other = other.split("<h2>", 1)[0]
    assert "emotion_labeling" in listening and "closed_question" not in listening  # one chart of both, before
    assert "closed_question" in other and "emotion_labeling" not in other


def test_two_conversations_sharing_an_id_get_a_bar_and_a_timeline_each(tmp_path: Path) -> None:
    # Keyed by id, two calls both written as "call-1" drew one bar (1 cue turn of 5: 0.2, where the calls have
    # 1 of 2 and 0 of 3) and one timeline running through both.
    def call(said: list[tuple[str, str]]) -> str:
        turns = [{"idx": i, "speaker": s, "role": s, "text": t, "labels": {}} for i, (s, t) in enumerate(said)]
        return json.dumps({"id": "call-1", "source": "t", "split": "dev", "meta": {}, "turns": turns}) + "\n"

    threat = [("negotiator", "Talk to me, I'm listening."), ("subject", "I have a gun and I will shoot.")]
    calm = [("negotiator", "How are you doing?"), ("subject", "Fine, thanks."), ("subject", "Nice day.")]
    (tmp_path / "in.jsonl").write_text(call(threat) + call(calm), encoding="utf-8")
    analyze_corpus([str(tmp_path / "in.jsonl")], out=tmp_path / "r.parquet", workers=1, fast=True)
    data = collect(tmp_path / "r.parquet")
    assert data.cue_rates == [("call-1 (in.jsonl #0)", 0.5, 1), ("call-1 (in.jsonl #1)", 0.0, 0)]
    assert [len(stages) for stages in data.timelines.values()] == [2, 3]


@pytest.mark.parametrize("name", ["results.parquet", "."])
def test_a_results_path_that_cannot_be_opened_is_td107_naming_why_not_a_bad_results_file(
    tmp_path: Path, name: str
) -> None:
    # A mistyped name was TD123 "not a talkdown study results file ([Errno 2] Failed to open local file ...)
    # Create one with 'talkdown study analyze'": advice to redo an hour's analysis for a typo.
    with pytest.raises(TalkdownError) as err:
        collect(tmp_path / name)
    assert err.value.code == "TD107"
    assert ("No such file or directory" if name != "." else "Is a directory") in err.value.message
