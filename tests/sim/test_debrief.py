"""The scored debrief built from the engine's trace: what it says about each demand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from talkdown.analysis.cues import find_cues
from talkdown.sim.debrief import AvoidItem, Debrief, SuicideQuestion, build_debrief, render_body, render_html
from talkdown.sim.engine import SimulatedSubject, Step, turn_rng
from talkdown.sim.realizer import GENERIC
from talkdown.sim.scenario import load_scenario
from talkdown.sim.state import SubjectView, ViewItem
from tests.trainee_scripts import LATE_TRADE


def _steps(subject: SimulatedSubject, lines: list[str]) -> list[Step]:
    return _session(subject, lines)[1]


def _session(subject: SimulatedSubject, lines: list[str]) -> tuple[SubjectView, list[Step]]:
    """A conversation driven through the engine, seed 0: the view his lines are read from, and its trace."""
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(0, 0)), 1),))
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        view = view.extended(ViewItem("subject", subject.respond(view, turn_rng(0, turn)).text, 2 * turn + 1))
    return view, subject.trace(view)


def test_a_demand_answered_late_is_reported_as_answered_late_not_as_never_answered() -> None:
    """The engine took the trade (he let Mr. Okafor go); the debrief told the trainee the demand was "not
    answered" because it looked only at the three lines after it."""
    scenario = load_scenario("bank_robbery")
    steps = _steps(SimulatedSubject(scenario), LATE_TRADE)
    assert any(e.kind == "hostage_freed" for e in steps[-1].effects), "the late trade must free him to mean anything"
    debrief = build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t")
    food = next(d for d in debrief.demands if d.demand_id == "food")
    assert food.handled == "traded"
    assert f"seq {steps[-1].trainee.seq}" in food.doctrine  # when, so the trainee sees it came late
    assert "Mr. Okafor" in debrief.releases


def test_a_demand_raised_in_his_last_reply_is_not_scored_as_one_the_trainee_left_unanswered() -> None:
    """The session stopped (or is still running) right after he asked: no line of the trainee's could answer it,
    as the injects section says of an inject no line followed. It read "not answered. Acknowledge every
    demand"."""
    scenario = load_scenario("bank_robbery")
    steps = _steps(SimulatedSubject(scenario), LATE_TRADE[:2])  # the car comes up in his reply to the 2nd line
    assert [e.ref for e in steps[-1].effects if e.kind == "demand_raised"] == ["car"]
    debrief = build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t")
    (car,) = debrief.demands
    assert car.handled == "no line after it"
    assert "Acknowledge" not in car.doctrine


def test_a_debrief_names_the_lines_that_repeated_an_earlier_one_which_he_tuned_out() -> None:
    """One label said seven times: he heard it less each time, was irritated from the third, and the session
    failed; the debrief said "An active-listening skill in 7 of 7 turns (100%). No behaviour to avoid.", which
    left the trainee nothing to learn from (and a better listening share than a trainee who varied his words)."""
    scenario = load_scenario("teenager")
    steps = _steps(SimulatedSubject(scenario), ["Sounds like you're going through a lot."] * 7)
    debrief = build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t")
    assert debrief.repeated == tuple(s.trainee.seq for s in steps[1:])
    body = render_body(debrief, zone=UTC)
    assert "6 of your lines repeated an earlier one" in body
    varied = build_debrief(
        session_id="s", scenario=scenario, steps=_steps(SimulatedSubject(scenario), LATE_TRADE[:4]), trainee="t"
    )
    assert varied.repeated == ()


def test_a_line_the_model_alone_flags_gets_a_reason_not_a_bare_pointer_to_avoid_md() -> None:
    """The avoid model may flag a line as one of avoid.md's other behaviours without naming which (no rule
    matched): the debrief listed 'other_avoid', why "See avoid.md.", better "(See avoid.md for a better line.)"."""
    scenario = load_scenario("bridge")
    (step,) = _steps(SimulatedSubject(scenario), ["Nobody's better off with you dead."])
    # What the reader makes of the model's bare label (sim/reading.py): fixed here, since whether the model
    # flags a given line can vary with the CPU's int8 kernels.
    flagged_step = replace(step, reading=replace(step.reading, avoid=("other_avoid",)))
    debrief = build_debrief(session_id="s", scenario=scenario, steps=[flagged_step], trainee="t")
    flagged = next(a for a in debrief.avoid if a.doctrine_id == "other_avoid")
    assert flagged.why != "See avoid.md." and "model" in flagged.why
    assert flagged.better != "(See avoid.md for a better line.)"


def test_a_line_with_no_space_wraps_inside_the_pdfs_page_instead_of_running_off_it() -> None:
    # A trainee's 4,000-character line with no space made the behaviours table 38,175 px wide on a 644 px page:
    # the line, the behaviour, the why and the better line were cut off at the page's edge. WeasyPrint's own
    # layout is read (its boxes have no public API), not a time.
    pytest.importorskip("weasyprint")
    from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no type hints
    from weasyprint.formatting_structure import boxes  # type: ignore[import-untyped]

    scenario = load_scenario("bank_robbery")
    debrief = build_debrief(
        session_id="s", scenario=scenario, steps=_steps(SimulatedSubject(scenario), LATE_TRADE[:1]), trainee="t"
    )
    line = "x" * 4_000
    debrief = replace(debrief, avoid=(AvoidItem(2, line, "X1", "why & <not>", "better"), *debrief.avoid))
    page = render_html(debrief, zone=UTC)
    assert line in page.replace("<wbr>", "")  # the text itself is whole: the breaks add no character
    assert "why &amp; &lt;not&gt;" in page
    document = HTML(string=page).render()
    widths = [
        (box.width, p._page_box.width)
        for p in document.pages
        for box in p._page_box.descendants()
        if isinstance(box, boxes.TableBox)
    ]
    assert widths and all(table <= page_width for table, page_width in widths), widths


# Five lines that leave the bridge subject venting until, at seq 11, he says "They'd be better off. I've done the
# math, believe me." (a relationship clue, indicators.md): his first suicide cue.
BEFORE_CUE = ["Hello?", "Okay.", "I see.", "Right.", "Hmm."]
BETTER_OFF = "They'd be better off. I've done the math, believe me."


def _risk_debrief(lines: list[str]) -> tuple[Debrief, SubjectView]:
    scenario = load_scenario("bridge")
    view, steps = _session(SimulatedSubject(scenario), lines)
    return build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t", view=view), view


def test_the_debrief_says_when_the_trainee_asked_directly_about_suicide_after_his_first_cue() -> None:
    """The debrief said nothing of it, though indicators.md's "When cues rise" is what bridge trains."""
    debrief, view = _risk_debrief([*BEFORE_CUE, "Go on.", "Are you thinking about killing yourself?"])
    assert next(i for i in view.items if i.seq == 11).text == BETTER_OFF
    risk = debrief.suicide_risk
    assert risk is not None
    assert (risk.cue_seq, risk.cue_line) == (11, BETTER_OFF)
    assert risk.asked == SuicideQuestion(14, "Are you thinking about killing yourself?")
    assert (risk.asked_after, risk.lines_after, risk.hedged) == (2, 2, ())
    assert 'You asked him directly at seq 14, your 2nd line after it: "Are you thinking' in risk.said[1]
    assert "hesitant wording shows the negotiator's fear" in risk.said[-1]
    body = render_body(debrief, zone=UTC)
    assert "<h2>Suicide risk</h2>" in body and "They&#x27;d be better off" in body  # escaped as the rest
    assert debrief.to_dict()["suicide_risk"]["asked"] == {"seq": 14, "line": "Are you thinking about killing yourself?"}


def test_the_debrief_says_the_trainee_never_asked_directly_after_his_first_cue() -> None:
    debrief, _view = _risk_debrief([*BEFORE_CUE, "Go on.", "Okay.", "Sure."])
    risk = debrief.suicide_risk
    assert risk is not None and risk.cue_seq == 11
    assert (risk.asked, risk.asked_after, risk.lines_after, risk.hedged) == (None, 0, 3, ())
    assert risk.said[1] == "You never asked him directly about suicide in the 3 lines you said after it."


def test_a_hedged_question_about_suicide_is_named_with_the_direct_wording_as_the_better_line() -> None:
    hedged = ["You're not going to do anything silly, are you?", "You wouldn't hurt yourself, would you?"]
    debrief, _view = _risk_debrief([*BEFORE_CUE, *hedged])
    risk = debrief.suicide_risk
    assert risk is not None and risk.asked is None and risk.lines_after == 2
    assert risk.hedged == (SuicideQuestion(12, hedged[0]), SuicideQuestion(14, hedged[1]))
    assert risk.better == "Are you thinking about killing yourself?"
    assert f'At seq 12 you asked about it hedged: "{hedged[0]}" Better, plainly: "{risk.better}"' in risk.said
    body = render_body(debrief, zone=UTC)
    assert "You wouldn&#x27;t hurt yourself, would you?" in body and "Better, plainly: &quot;Are you thinking" in body


def test_a_cue_in_his_last_reply_is_not_scored_as_a_question_never_asked() -> None:
    """As for a demand he raised in his last reply: no line of the trainee's could have asked."""
    debrief, _view = _risk_debrief(BEFORE_CUE)
    risk = debrief.suicide_risk
    assert risk is not None and risk.cue_seq == 11 and risk.lines_after == 0
    assert risk.said[1] == "No line of yours followed it, so whether you asked is not scored."


def test_a_session_where_he_gave_no_suicide_cue_has_no_suicide_risk_part() -> None:
    scenario = load_scenario("domestic_barricade")
    view, steps = _session(SimulatedSubject(scenario), [*BEFORE_CUE, "Go on.", "Okay."])
    debrief = build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t", view=view)
    assert debrief.suicide_risk is None and debrief.to_dict()["suicide_risk"] is None
    assert "Suicide risk" not in render_body(debrief, zone=UTC)


@pytest.mark.parametrize("register", ["irritated", "surprised", "dismissive"])
def test_his_plain_no_to_a_suicide_question_is_no_suicide_cue_nor_a_demand(register: str) -> None:
    """A man with no suicidal thoughts answers a suicide question "no" (engine 0.1.12). Read with the question
    before it, as the debrief and the board read his lines, that "no" must not be reported as his first suicide
    cue ("Kill myself? No." is one to the cue analyser), nor as a demand the board would list."""
    for line in GENERIC[f"suicide_no.{register}"]:
        for question in ("Are you thinking about killing yourself?", "You're not going to do anything silly, are you?"):
            assert find_cues(line, previous_negotiator=question) == [], (line, question)


def test_asked_about_suicide_a_man_with_no_suicidal_thoughts_gives_the_debrief_no_suicide_risk_part() -> None:
    scenario = load_scenario("kidnap_ransom")
    view, steps = _session(SimulatedSubject(scenario), ["Okay.", "Are you thinking about killing yourself?", "Okay."])
    assert "@suicide_no" in steps[1].intent.parts  # his plain "no", said after the deadline he sets then
    debrief = build_debrief(session_id="s", scenario=scenario, steps=steps, trainee="t", view=view)
    assert debrief.suicide_risk is None


def test_his_yes_to_a_direct_question_is_his_first_cue_and_the_question_came_before_it() -> None:
    """Read with the line said to him just before, as the cue analyser reads it on the board: "...Yeah." answering
    "Are you thinking about killing yourself?" is a cue, and the trainee asked before he gave any."""
    debrief, _view = _risk_debrief(["Are you thinking about killing yourself?", "Tell me more."])
    risk = debrief.suicide_risk
    assert risk is not None and risk.cue_seq == 3 and "Yeah" in risk.cue_line
    assert risk.asked == SuicideQuestion(2, "Are you thinking about killing yourself?") and risk.asked_after == 0
    assert risk.said[1] == 'You asked him directly at seq 2, before it: "Are you thinking about killing yourself?"'


def test_the_debrief_credits_a_question_about_his_plan_after_his_yes() -> None:
    """indicators.md, "When cues rise": ask about thoughts, then plans. The debrief scored the thoughts question
    alone, so a trainee who went on to the plan, the means and the timing heard nothing of it."""
    thoughts, plan = "Are you thinking about killing yourself?", "Do you have a plan?"
    debrief, _view = _risk_debrief([*BEFORE_CUE, thoughts, plan, "Tell me more."])
    risk = debrief.suicide_risk
    assert risk is not None
    assert (risk.yes, risk.plan, risk.lines_after_yes) == (SuicideQuestion(12, thoughts), SuicideQuestion(14, plan), 2)
    assert f'He said yes to your line at seq 12, and you asked about his plan at seq 14: "{plan}"' in risk.said
    assert risk.plan_why in risk.said and "more lethal method" in risk.plan_why
    assert risk.said[-1] == risk.why  # the why of asking at all still closes the part
    assert debrief.to_dict()["suicide_risk"]["plan"] == {"seq": 14, "line": plan}
    assert "you asked about his plan at seq 14" in render_body(debrief, zone=UTC)


def test_the_debrief_says_the_trainee_never_asked_about_a_plan_after_his_yes() -> None:
    debrief, _view = _risk_debrief([*BEFORE_CUE, "Are you thinking about killing yourself?", "Tell me more.", "Okay."])
    risk = debrief.suicide_risk
    assert risk is not None and risk.yes is not None and risk.plan is None
    expected = (
        "He said yes to your line at seq 12, and you never asked about a plan, the means or when in the 2 lines you "
        "said after it."
    )
    assert expected in risk.said and risk.plan_why in risk.said


def test_a_plan_asked_in_the_line_he_says_yes_to_is_credited_and_a_hedged_one_is_not() -> None:
    debrief, _view = _risk_debrief([*BEFORE_CUE, "Do you have a plan to kill yourself?"])
    risk = debrief.suicide_risk
    assert risk is not None and risk.plan == risk.yes == SuicideQuestion(12, "Do you have a plan to kill yourself?")
    assert 'You asked about his plan in the line he said yes to, at seq 12: "Do you have a plan to kill' in risk.said[2]
    hedged = "You haven't got a plan, have you?"
    debrief, _view = _risk_debrief([*BEFORE_CUE, "Are you thinking about killing yourself?", hedged])
    risk = debrief.suicide_risk
    assert risk is not None and risk.yes is not None and risk.plan is None and risk.lines_after_yes == 1


def test_without_his_yes_the_debrief_says_nothing_of_a_plan() -> None:
    """He never said yes (asked nothing, or only hedged): a plan question has nothing to follow, and is not scored."""
    for lines in ([*BEFORE_CUE, "Go on.", "Okay."], [*BEFORE_CUE, "You're not going to do anything silly, are you?"]):
        risk = _risk_debrief(lines)[0].suicide_risk
        assert risk is not None and (risk.yes, risk.plan) == (None, None)
        assert not any("plan" in sentence for sentence in risk.said[:-1]), risk.said


@pytest.mark.parametrize("register", ["irritated", "surprised", "dismissive"])
def test_his_no_plan_is_no_suicide_cue_nor_a_demand(register: str) -> None:
    """As his plain "no" (above): a man with no suicidal thoughts saying he has no plan is no suicide cue."""
    for line in GENERIC[f"suicide_plan_no.{register}"]:
        for question in ("Do you have a plan?", "When were you thinking of doing it?", "How would you do it?"):
            assert find_cues(line, previous_negotiator=question) == [], (line, question)
