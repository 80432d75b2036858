"""The scored debrief built from the engine's trace: what it says about each demand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC

import pytest

from talkdown.sim.debrief import AvoidItem, build_debrief, render_body, render_html
from talkdown.sim.engine import SimulatedSubject, Step, turn_rng
from talkdown.sim.scenario import load_scenario
from talkdown.sim.state import SubjectView, ViewItem
from tests.trainee_scripts import LATE_TRADE


def _steps(subject: SimulatedSubject, lines: list[str]) -> list[Step]:
    view = SubjectView(subject.scenario.id, (ViewItem("subject", subject.opening(turn_rng(0, 0)), 1),))
    for turn, line in enumerate(lines, start=1):
        view = view.extended(ViewItem("trainee", line, 2 * turn))
        view = view.extended(ViewItem("subject", subject.respond(view, turn_rng(0, turn)).text, 2 * turn + 1))
    return subject.trace(view)


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
