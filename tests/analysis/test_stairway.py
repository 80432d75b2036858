"""Stairway estimate and the influence-before-rapport warning (stairway.md sequence tests)."""

from __future__ import annotations

from talkdown.analysis import cues, skills, stairway
from talkdown.analysis.base import Context, Side, Turn
from talkdown.analysis.stairway import StairwayAnalyzer

CLIMB: list[tuple[Side, str]] = [
    ("negotiator", "Hi, this is Sam with the police negotiation team."),
    ("subject", "Nobody at that plant ever gave a damn about me."),
    ("negotiator", "Sounds like you gave them years and got treated like you didn't exist."),
    ("subject", "Twenty years. They walked me out like a criminal. My wife left last month."),
    (
        "negotiator",
        "Let me see if I've got this: twenty years at the plant, walked out like a criminal, and your "
        "wife gone last month, and nobody listening through any of it. Is that it?",
    ),
    ("subject", "That's right. That's exactly it."),
    ("negotiator", "What if we worked out a way for you to walk out of this with your head up?"),
    ("subject", "How would that even work?"),
    ("negotiator", "You come out the front, hands empty, and I'll be right there."),
    ("subject", "Okay. I'm coming out."),
]


def stages(script: list[tuple[Side, str]]) -> list[str]:
    turns = [Turn(text=text, side=side, seq=i) for i, (side, text) in enumerate(script)]
    out = []
    for i, turn in enumerate(turns):
        annotations = StairwayAnalyzer().analyze(turn, Context(window=tuple(turns[:i])))
        out.append(next(a.label for a in annotations if a.family == "stairway"))
    return out


def warnings(script: list[tuple[Side, str]]) -> list[int]:
    turns = [Turn(text=text, side=side, seq=i) for i, (side, text) in enumerate(script)]
    return [
        i
        for i, t in enumerate(turns)
        if any(a.family == "stairway_warning" for a in StairwayAnalyzer().analyze(t, Context(window=tuple(turns[:i]))))
    ]


def test_listening_then_label_then_confirmed_summary_then_options_climbs_to_behavioral_change() -> None:
    got = stages(CLIMB)
    assert got[0] == "active_listening"
    assert got[2] == "empathy"
    assert got[5] == "rapport"
    assert got[7] == "influence"
    assert got[-1] == "behavioral_change"


def test_the_same_lines_with_options_first_do_not_climb_and_warn() -> None:
    reordered = [CLIMB[0], CLIMB[1], CLIMB[6], CLIMB[7], CLIMB[8], CLIMB[9]]
    assert stages(reordered)[-1] == "active_listening"
    assert 2 in warnings(reordered)


def test_thats_right_with_no_prior_label_or_summary_does_not_reach_rapport() -> None:
    script: list[tuple[Side, str]] = [("negotiator", "Is anyone hurt?"), ("subject", "That's right.")]
    assert stages(script)[-1] == "active_listening"


def test_a_threat_after_influence_pulls_the_estimate_back_to_empathy() -> None:
    script = [*CLIMB[:8], ("negotiator", "Okay."), ("subject", "Forget it. Anybody comes in, I'll shoot them.")]
    assert stages(script)[7] == "influence"
    assert stages(script)[-1] == "empathy"


def test_the_estimate_names_its_reasons() -> None:
    turns = [Turn(text=t, side=s, seq=i) for i, (s, t) in enumerate(CLIMB[:6])]
    (stage,) = StairwayAnalyzer().analyze(turns[-1], Context(window=tuple(turns[:-1])))
    assert "rapport" in str(stage.detail["reasons"])
    assert any(turns[-1].text[s.start : s.end].lower().startswith("that's") for s in stage.evidence)


def test_the_cached_reads_give_the_same_answer_in_any_order() -> None:
    """Per-turn reads are cached across windows; the answer must not depend on what was analysed before."""
    turns = [Turn(text=text, side=side, seq=i) for i, (side, text) in enumerate(CLIMB)]
    in_order = [StairwayAnalyzer().analyze(t, Context(window=tuple(turns[:i]))) for i, t in enumerate(turns)]
    for clear in (
        stairway._subject_facts.cache_clear,
        skills.skills_in_context.cache_clear,
        cues.cue_labels.cache_clear,
    ):
        clear()
    backwards = [StairwayAnalyzer().analyze(turns[i], Context(window=tuple(turns[:i]))) for i in reversed(range(10))]
    assert in_order == backwards[::-1]
