"""The trainee line as the subject reads it: the listening weights docs/training.md gives are the ones used."""

from __future__ import annotations

from pathlib import Path

from talkdown.analysis.avoid import AvoidAnalyzer
from talkdown.analysis.avoid_doctrine import better_lines
from talkdown.analysis.base import annotation
from talkdown.analysis.registry import default_pipeline
from talkdown.sim.reading import LISTENING, SIM_FAMILIES, WINDOW, LineReader, _reading

ROOT = Path(__file__).resolve().parents[2]
# docs/training.md's words for each listening move of sim/reading.py
DOC_NAMES = {
    "summarizing": "summary",
    "emotion_labeling": "label",
    "paraphrasing": "paraphrase",
    "affirmation": "validation",
    "open_question": "open question",
    "mirroring": "mirror",
    "effective_pause": "pause",
    "i_message": "I-message",
    "minimal_encourager": "encourager",
    "self_disclosure": "self-disclosure",
}


def test_the_training_docs_give_every_listening_weight_the_subject_uses() -> None:
    """The docs left self-disclosure (0.3) out, so a trainee's story about himself building trust looked like a
    bug to the instructor reading them."""
    docs = (ROOT / "docs" / "training.md").read_text(encoding="utf-8")
    row = next(line for line in docs.splitlines() if line.startswith("| listening |"))
    weights = row.split("g = strongest skill weight (", 1)[1].split(")", 1)[0]
    stated: dict[str, float] = {}
    for part in weights.split(", "):
        names, _, weight = part.rpartition(" ")
        for name in names.split("/"):
            stated[name] = float(weight)
    assert stated == {DOC_NAMES[skill]: weight for skill, weight in LISTENING.items()}


def test_a_deadline_the_avoid_model_alone_finds_is_read_as_avoid_mds_setting_deadline() -> None:
    """The avoid family's label is 'deadline_setting', avoid.md's id 'setting_deadline'; the rules give the id,
    a label only the model found has none. The subject read it as an unknown behaviour (default weights, not
    counted as a reminder of his deadline) and the debrief listed 'deadline_setting' with "See avoid.md."
    ("You have five minutes, then we come in." in prison_disturbance)."""
    text = "You have five minutes, then we come in."
    by_model = annotation(
        "avoid", AvoidAnalyzer.version, "talkdown_avoid", "deadline_setting", 0.8, [(0, len(text))],
        detail={"source": "model"},
    )  # fmt: skip
    reading = _reading(text, (by_model,))
    assert reading.avoid == ("setting_deadline",)
    assert "setting_deadline" in better_lines()


def test_the_direct_questions_he_answers_are_read_in_questions_not_in_statements_or_other_questions() -> None:
    """The cue behind his answers (answers.answers_to): a question about the scene, not a word in passing."""
    from talkdown.sim.reading import asks

    for line, topics in (
        ("Is anyone hurt in there?", ("hurt",)),
        ("Tell me how everyone's doing in there.", ("hurt",)),  # avoid.md's better line for interrogation
        ("Is anyone with you?", ("with_you",)),
        ("Are you alone?", ("with_you",)),
        ("Do you have a weapon?", ("weapon",)),
        ("What are you armed with?", ("weapon",)),
        ("What do you want?", ("wants",)),
        ("What are your demands?", ("wants",)),
        ("How many are in there? What are you armed with? Which room?", ("with_you", "weapon")),
        ("What would you want tomorrow to look like?", ()),  # ambivalence, not demands
        ("Help me understand what you need right now.", ()),
        ("I know you have a gun.", ()),  # a statement
        ("Are you okay?", ()),  # about him, not the people held
        ("What's going on for you right now?", ()),
    ):
        assert asks(line) == topics, line


def test_a_plan_question_is_read_as_about_suicide_once_asked_about_however_long_ago() -> None:
    """The analysers see the last 20 turns; a thoughts question 30 turns back still puts suicide on the table,
    so "Do you have a plan?" is read as a plan question then, and cold it is not (``reading.suicide_plan``)."""
    reader = LineReader(default_pipeline(fast=True).subset(SIM_FAMILIES))
    talk = tuple(("negotiator" if i % 2 else "subject", f"Line {i}.") for i in range(30))
    asked = (("negotiator", "Are you thinking about killing yourself?"), ("subject", "Yeah."), *talk)
    assert len(asked) > WINDOW
    plan = reader.read("Do you have a plan?", asked).plan_asked
    assert plan is not None and plan.topics == ("plan",)
    assert reader.read("Do you have a plan?", talk).plan_asked is None
    assert reader.read("Do you have a plan to end your life?", talk).plan_asked is not None  # asked in the line
