"""eval/sim_validation.py's scripted doctrine trainee, on the real engine and shipped scenarios."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import ModuleType

import pytest

from talkdown.analysis.cues import find_cues
from talkdown.analysis.suicide_questions import suicide_asked
from talkdown.sim.engine import SimulatedSubject, turn_rng
from talkdown.sim.scenario import load_scenario
from talkdown.sim.state import SubjectView, ViewItem

BETTER_OFF = "They'd be better off. I've done the math, believe me."  # bridge: a relationship clue (indicators.md)


@pytest.fixture(scope="module")
def validation(eval_script: Callable[[str], ModuleType]) -> ModuleType:
    return eval_script("sim_validation")


def test_the_doctrine_trainee_asks_straight_out_about_suicide_when_he_voices_a_cue(validation: ModuleType) -> None:
    """indicators.md, "When cues rise": ask directly. The scripted doctrine trainee never asked about suicide,
    directly or hedged, so the validation never exercised the engine's suicide rules; "They'd be better off"
    got a label or a paraphrase."""
    transcript = [("subject", "Stay back."), ("trainee", "What's going on for you right now?"), ("subject", BETTER_OFF)]
    line = validation.doctrine(transcript, random.Random(0))  # noqa: S311
    assert suicide_asked(line) == "direct", line


def _session(validation: ModuleType, scenario_id: str, seed: int) -> list[tuple[str, str]]:
    """One scripted doctrine session, as ``run_session`` drives it, keeping the transcript."""
    scenario = load_scenario(scenario_id)
    subject, rng = SimulatedSubject(scenario), random.Random(f"policy:{seed}")  # noqa: S311
    view = SubjectView(scenario.id, (ViewItem("subject", subject.opening(turn_rng(seed, 0)), 1),))
    transcript = [("subject", view.items[0].text)]
    for turn in range(1, scenario.max_turns + 1):
        line = validation.doctrine(transcript, rng)
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        reply = subject.respond(view, turn_rng(seed, turn))
        view = view.extended(ViewItem("subject", reply.text, 2 * turn + 1))
        transcript += [("trainee", line), ("subject", reply.text)]
        if reply.state.outcome is not None:
            break
    return transcript


@pytest.mark.parametrize(("scenario_id", "seed"), [("bridge", 7000), ("paranoid_crisis", 7000)])
def test_in_a_validation_session_his_first_cue_is_answered_with_a_direct_question(
    validation: ModuleType, scenario_id: str, seed: int
) -> None:
    """bridge's man is suicidal and paranoid_crisis's is not (hopelessness 0.5): both voice a cue in the runs the
    validation makes, so both of the engine's answers (his honest one, his plain "no") are exercised."""
    transcript = _session(validation, scenario_id, seed)
    cue = next(
        i
        for i, (side, text) in enumerate(transcript)
        if side == "subject" and any(c.label == "suicide_cue" for c in find_cues(text, previous_negotiator=None))
    )
    assert cue + 1 < len(transcript), "his cue ended the session"
    side, line = transcript[cue + 1]
    assert side == "trainee" and suicide_asked(line) == "direct", transcript[cue : cue + 3]


def test_the_doctrine_trainee_asks_about_a_plan_after_a_yes_and_not_after_a_no(validation: ModuleType) -> None:
    """indicators.md: ask about thoughts and plans. His "...Yeah." to the first question is a cue (read with the
    question before it, as on the board): the plan is asked next. After a "no" there is nothing to plan."""
    rng = random.Random(0)  # noqa: S311
    opening = [("subject", "Stay back."), ("trainee", "What's going on for you right now?"), ("subject", BETTER_OFF)]
    thoughts = validation.doctrine(opening, rng)
    yes = [*opening, ("trainee", thoughts), ("subject", "...Yeah. I have. Nobody's ever just asked me that.")]
    plan = validation.doctrine(yes, rng)
    assert suicide_asked(plan) == "direct" and plan != thoughts, plan
    no = [*opening, ("trainee", thoughts), ("subject", "What? No. No, it's nothing like that.")]
    again = [*no, ("trainee", "Tell me more about that."), ("subject", BETTER_OFF)]
    assert suicide_asked(validation.doctrine(no, rng)) is None
    assert suicide_asked(validation.doctrine(again, rng)) is None
