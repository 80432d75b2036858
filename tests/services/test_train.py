"""TRAIN sessions on both backends: logged as a training incident, replayable, debriefed from the log."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

from talkdown.domain.clock import FixedClock
from talkdown.domain.enums import IncidentMode, IncidentType, Role, StakeholderKind
from talkdown.domain.text import LONG_TEXT_MAX
from talkdown.errors import TalkdownError
from talkdown.services import diplomatic, entries, incidents, train
from talkdown.services.accounts import AccountRole, SignedIn
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.sim.scenario import load_scenario
from tests.trainee_scripts import LATE_TRADE

pytestmark = pytest.mark.integration

LINES = [
    "My name is Sam. I'm here and I'm listening. What's going on for you right now?",
    "Sounds like you're exhausted from carrying all of this on your own.",
    "Calm down, it's not that bad.",
    "No. You're not getting a car.",
    "That's not something I can decide, but I'll pass it up to the people who decide.",
]


def test_a_session_is_a_training_incident_with_both_parties_and_every_line(app: App) -> None:
    started = train.start_session(app, scenario="bank_robbery", seed=3, trainee="Alex")
    for line in LINES:
        train.take_turn(app, started.session_id, text=line)
    state = incidents.get_incident(app, started.session_id)
    assert state.mode is IncidentMode.TRAINING
    assert {p.role for p in state.parties.values()} == {Role.PRIMARY, Role.SUBJECT}
    assert [u.speaker for u in state.utterances] == ["subject"] + ["trainee", "subject"] * len(LINES)
    assert [u.text for u in state.utterances if u.speaker == "trainee"] == LINES
    assert "car" in state.demands  # the robber's first demand is recorded as a demand
    assert len(state.hostages) == 4
    assert state.source_meta["seed"] == 3 and state.source_meta["scenario"] == "bank_robbery"


def test_a_session_replays_to_the_same_replies(app: App) -> None:
    started = train.start_session(app, scenario="domestic_barricade", seed=11)
    train.take_turn(app, started.session_id, text=LINES[0])
    train.issue_inject(app, started.session_id, inject="mother_calls")
    for line in LINES[1:]:
        train.take_turn(app, started.session_id, text=line)
    state = incidents.get_incident(app, started.session_id)
    logged = [u.text for u in state.utterances if u.speaker == "subject"][1:]
    assert train.replay_session(app, started.session_id) == logged
    assert [r.event.kind for r in state.injects] == ["inject_issued"]
    assert "mother just called" in logged[1]


def test_the_debrief_quotes_each_line_to_avoid_with_a_better_one(app: App) -> None:
    started = train.start_session(app, scenario="bank_robbery", seed=3, trainee="Alex")
    for line in LINES:
        train.take_turn(app, started.session_id, text=line)
    d = train.get_debrief(app, started.session_id)
    flagged = {(a.line, a.doctrine_id) for a in d.avoid}
    assert ("Calm down, it's not that bad.", "minimizing") in flagged
    assert ("No. You're not getting a car.", "flat_no") in flagged
    minimizing = next(a for a in d.avoid if a.doctrine_id == "minimizing")
    assert minimizing.better == "This feels like the worst day of your life."
    assert d.skills["emotion_labeling"] == 1 and 0 < d.listening_rate < 1
    assert [x.demand_id for x in d.demands][:1] == ["car"]
    assert d.outcome == "in progress" and d.trainee == "Alex"
    html = train.export_html(app, started.session_id)
    assert "Calm down, it&#x27;s not that bad." in html and "worst day of your life" in html


def test_the_debrief_compares_with_the_trainees_earlier_sessions(app: App) -> None:
    first = train.start_session(app, scenario="teenager", seed=1, trainee="Alex")
    train.take_turn(app, first.session_id, text="Calm down, it's just a video.")
    other = train.start_session(app, scenario="teenager", seed=1, trainee="Bo")
    train.take_turn(app, other.session_id, text="What's going on for you right now?")
    second = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    train.take_turn(app, second.session_id, text="What's going on for you right now?")
    earlier = train.get_debrief(app, second.session_id).earlier
    assert [(s.session_id, s.avoid_count, s.listening_rate) for s in earlier] == [(first.session_id, 1, 0.0)]


def test_a_finished_session_refuses_more_lines_and_a_live_incident_refuses_training(app: App) -> None:
    live = incidents.open_incident(app, title="real", incident_type="barricade")  # type: ignore[arg-type]
    entries.add_party(app, live, name="S", role=Role.SUBJECT)
    with pytest.raises(TalkdownError) as err:
        train.take_turn(app, live, text="hello")
    assert err.value.code == "TD330"
    started = train.start_session(app, scenario="bridge", seed=2)
    with pytest.raises(TalkdownError) as bad:
        train.issue_inject(app, started.session_id, inject="no_such_inject")
    assert bad.value.code == "TD231"


def test_a_session_from_an_instructors_file_runs_that_file_to_the_end_even_once_it_is_gone(
    app: App, tmp_path: Path
) -> None:
    shipped = (resources.files("talkdown.sim") / "scenarios" / "bridge.yaml").read_text(encoding="utf-8")
    own = tmp_path / "my_bridge.yaml"  # keeps the shipped id on purpose: an instructor's edited copy
    own.write_text(
        shipped.replace("wife_arrives", "dog_barks").replace("Stay back. That's close enough.", "Who sent you?"),
        encoding="utf-8",
    )
    started = train.start_session(app, scenario=str(own), seed=4, trainee="Alex", allow_file=True)
    assert started.opening.startswith("Who sent you?")
    train.take_turn(app, started.session_id, text=LINES[0])  # TD230 'bridge'... or the shipped bridge, before
    assert train.get_session_scenario(app, started.session_id).injects[1] == "dog_barks"
    own.unlink()  # moved or deleted after class: the session still has its scenario
    train.issue_inject(app, started.session_id, inject="dog_barks")
    train.take_turn(app, started.session_id, text=LINES[1])
    state = incidents.get_incident(app, started.session_id)
    logged = [u.text for u in state.utterances if u.speaker == "subject"]
    assert logged[0].startswith("Who sent you?") and train.replay_session(app, started.session_id) == logged[1:]
    debrief = train.get_debrief(app, started.session_id)
    assert debrief.turns == 2 and "changed" not in debrief.outcome_reason
    assert train.get_session_state(app, started.session_id)["turn"] == 2


def test_the_debrief_lists_no_skill_for_a_line_that_used_none(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    train.take_turn(app, started.session_id, text="Come down right now or we will come and get you.")
    d = train.get_debrief(app, started.session_id)
    assert d.skills == {} and d.listening_rate == 0.0  # it showed 'other: 1' under listening skills
    assert {a.doctrine_id for a in d.avoid} >= {"threat", "ultimatum"}


def test_a_debrief_says_what_its_listening_share_counts_and_scores_no_line_never_said(app: App) -> None:
    silent = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    train.end_session(app, silent.session_id, reason="class over")
    d = train.get_debrief(app, silent.session_id)
    assert d.listening_said == "No line was said to him, so nothing is scored."  # '0% of your turns', before
    body = train.export_html(app, silent.session_id)
    assert "No line was said to him" in body and "0% of your turns" not in body
    started = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    for line in ("Sounds like you feel let down.", "Is anyone hurt in there?", "Tell me what happened."):
        train.take_turn(app, started.session_id, text=line)
    d = train.get_debrief(app, started.session_id)
    assert (d.listening_turns, d.turns) == (2, 3) and d.to_dict()["listening_turns"] == 2
    assert d.listening_said == "An active-listening skill in 2 of 3 turns (67%)."
    assert "<td>bridge</td><td>unresolved</td><td>0</td><td>-</td>" in train.export_html(app, started.session_id)


def test_an_empty_trainee_name_is_td105_and_a_padded_one_is_trimmed(app: App) -> None:
    for name in ("", "   ", "A" * 501):
        with pytest.raises(TalkdownError) as err:  # an internal ValidationError (exit 1) before
            train.start_session(app, scenario="bridge", trainee=name)
        assert err.value.code == "TD105"
    assert incidents.list_incidents(app) == []
    started = train.start_session(app, scenario="bridge", trainee="  Alex ")
    assert train.get_debrief(app, started.session_id).trainee == "Alex"


def test_the_debrief_compares_the_trainees_ten_most_recent_earlier_sessions(app: App) -> None:
    earlier = [train.start_session(app, scenario="teenager", trainee="Alex").session_id for _ in range(12)]
    last = train.start_session(app, scenario="bridge", trainee="Alex")
    compared = train.get_debrief(app, last.session_id).earlier  # all twelve, each re-scored, before
    assert [s.session_id for s in compared] == earlier[-10:]


def _live_writes(app: App, session: str) -> dict[str, Callable[[], object]]:
    """Every LIVE command that writes to an incident by id, aimed at a training session."""
    now = app.clock.now()
    return {
        "say": lambda: entries.say(app, session, speaker="trainee", text="Tell me more."),
        "say as the subject": lambda: entries.say(app, session, speaker="subject", text="I give up."),
        "party": lambda: entries.add_party(app, session, name="Coach", role=Role.SECONDARY),
        "party role": lambda: entries.set_party_role(app, session, party="subject", role=Role.PRIMARY),
        "demand": lambda: entries.record_demand(app, session, item="a car"),
        "deadline": lambda: entries.set_deadline(app, session, due_at=now),
        "promise": lambda: entries.make_promise(app, session, what="food"),
        "concession": lambda: entries.grant_concession(app, session, what="cigarettes"),
        "hostage": lambda: entries.record_hostage(app, session, alias="H9"),
        "intel": lambda: entries.add_intel(app, session, content="owns a rifle", source="neighbour"),
        "correct": lambda: entries.correct_entry(app, session, ref_seq=4, field="text", value="x", reason="typo"),
        "retract": lambda: entries.retract_entry(app, session, ref_seq=4, reason="mistake"),
        "close": lambda: incidents.close_incident(app, session, outcome="surrender"),
        "stakeholder": lambda: diplomatic.add_stakeholder(app, session, name="ICRC", kind=StakeholderKind.FAMILY),
    }


def test_no_live_command_writes_into_a_training_session_but_a_note(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    train.take_turn(app, started.session_id, text=LINES[0])
    head = incidents.get_incident(app, started.session_id).head_seq
    refused = {}
    for name, write in _live_writes(app, started.session_id).items():
        with pytest.raises(TalkdownError) as err:
            write()
        refused[name] = err.value.code
    assert refused == dict.fromkeys(refused, "TD332")
    assert "talkdown train resume" in str(err.value)
    assert incidents.get_incident(app, started.session_id).head_seq == head  # nothing was saved
    assert train.get_debrief(app, started.session_id).turns == 1  # 'say' made it 2: a line he never answered
    entries.add_note(app, started.session_id, text="Good opening; watch the pace.")  # an instructor's comment
    assert train.get_debrief(app, started.session_id).turns == 1


def test_an_ended_session_cannot_be_reopened_by_a_live_command(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    train.take_turn(app, started.session_id, text="Come down right now or we will come and get you.")
    for _ in range(12):  # threats until he acts: the session ends 'failed'
        if not incidents.get_incident(app, started.session_id).is_open:
            break
        train.take_turn(app, started.session_id, text="Last chance. Come down now or we come and get you.")
    assert not incidents.get_incident(app, started.session_id).is_open
    with pytest.raises(TalkdownError) as err:
        incidents.reopen_incident(app, started.session_id, reason="again")
    assert err.value.code == "TD332"
    with pytest.raises(TalkdownError) as ended:
        train.resume_session(app, started.session_id)
    assert ended.value.code == "TD331"


def test_an_inject_issued_again_before_he_replies_is_refused_so_he_reacts_once(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    first = train.issue_inject(app, started.session_id, inject="wife_arrives")
    train.issue_inject(app, started.session_id, inject="media_helicopter")  # another inject: fine
    with pytest.raises(TalkdownError) as err:  # a double click, or a second instructor: logged and applied twice
        train.issue_inject(app, started.session_id, inject="wife_arrives")
    assert err.value.code == "TD302" and f"issued at seq {first}" in err.value.message
    reply = train.take_turn(app, started.session_id, text=LINES[0]).reply
    assert reply.count("Is that Carol?") == 1  # his reaction was quoted twice, before
    train.issue_inject(app, started.session_id, inject="wife_arrives")  # after his reply: it may happen again
    assert [r.event.kind for r in incidents.get_incident(app, started.session_id).injects] == ["inject_issued"] * 3
    again = train.take_turn(app, started.session_id, text=LINES[1]).reply
    assert "Is that Carol?" not in again  # his first reaction word for word sounded like a recording
    assert any(again.startswith(said) for said in load_scenario("bridge").inject("wife_arrives").reaction_again)


def test_an_inject_about_a_hostage_already_released_is_refused(app: App) -> None:
    """bank_robbery: the elderly customer went out in a trade; 'medical_emergency' (he collapses inside) was
    logged, marked the released man critical, and had the subject shout that the old man was on the floor."""
    started = train.start_session(app, scenario="bank_robbery", seed=0, trainee="Alex")
    for line in LATE_TRADE:
        train.take_turn(app, started.session_id, text=line)
    customer = incidents.get_incident(app, started.session_id).hostages["customer"]
    assert customer.released_at is not None, "the trade must free him for this test to mean anything"
    with pytest.raises(TalkdownError) as err:
        train.issue_inject(app, started.session_id, inject="medical_emergency")
    assert err.value.code == "TD302" and "Mr. Okafor" in err.value.message
    after = incidents.get_incident(app, started.session_id)
    assert not after.injects and after.hostages["customer"].condition == customer.condition
    train.issue_inject(app, started.session_id, inject="media_helicopter")  # an inject about no hostage: fine


def test_the_instructors_gauges_move_when_he_issues_an_inject(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    calm = train.get_session_state(app, started.session_id)
    train.issue_inject(app, started.session_id, inject="media_helicopter")  # before the first line
    moved = train.get_session_state(app, started.session_id)
    assert moved["arousal"] > calm["arousal"] and moved["face"] < calm["face"]  # unchanged until a line, before
    assert moved["turn"] == 0


def test_the_debrief_lists_the_instructors_injects_and_the_line_he_reacted_after(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    first = train.issue_inject(app, started.session_id, inject="wife_arrives")  # before the first line
    line = train.take_turn(app, started.session_id, text=LINES[0]).trainee_seq
    last = train.issue_inject(app, started.session_id, inject="media_helicopter")
    d = train.get_debrief(app, started.session_id)
    assert [(i.seq, i.inject_id, i.reacted_after) for i in d.injects] == [
        (first, "wife_arrives", line),
        (last, "media_helicopter", None),
    ]  # the debrief named no inject: a jump in his arousal read as the trainee's doing
    assert d.to_dict()["injects"][0] == {
        "seq": first,
        "inject_id": "wife_arrives",
        "name": "His wife arrives at the cordon",
        "reacted_after": line,
    }
    body = train.export_html(app, started.session_id)
    assert f"<td>{first}</td><td>wife_arrives</td><td>His wife arrives at the cordon</td>" in body
    assert f"in his reply to your line at seq {line}" in body and "not yet: no line was said after it" in body


def test_resuming_a_session_gives_its_transcript_and_refuses_a_live_incident(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    reply = train.take_turn(app, started.session_id, text=LINES[0]).reply
    resumed = train.resume_session(app, started.session_id[:6])
    assert resumed.session_id == started.session_id and resumed.seed == 1
    assert resumed.transcript == (("subject", started.opening), ("trainee", LINES[0]), ("subject", reply))
    live = incidents.open_incident(app, title="real", incident_type="barricade")  # type: ignore[arg-type]
    with pytest.raises(TalkdownError) as err:
        train.resume_session(app, live)
    assert err.value.code == "TD330"
    entries.say(app, live, speaker="Subject", text="Back off.", role_if_new=Role.SUBJECT)  # a LIVE incident: fine


def test_a_stopped_session_ends_unresolved_and_its_debrief_says_why(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    train.take_turn(app, started.session_id, text=LINES[0])
    train.end_session(app, started.session_id, reason="  class over. ")
    d = train.get_debrief(app, started.session_id)
    assert (d.outcome, d.outcome_reason) == ("unresolved", "The session was stopped after 1 exchange: class over.")
    assert [s.status for s in train.list_sessions(app)] == ["unresolved"]
    live = incidents.open_incident(app, title="real", incident_type=IncidentType.BARRICADE)
    for ref, code in ((started.session_id, "TD331"), (live, "TD330")):
        with pytest.raises(TalkdownError) as err:
            train.end_session(app, ref)
        assert err.value.code == code


def test_the_debrief_lists_only_active_listening_skills_under_that_heading(app: App) -> None:
    started = train.start_session(app, scenario="bridge", seed=1)
    for line in ("Sounds like you feel let down.", "Is anyone hurt in there?", "I've got a daughter that age too."):
        train.take_turn(app, started.session_id, text=line)
    d = train.get_debrief(app, started.session_id)
    assert d.listening_skills == {"emotion_labeling": 1}  # skills.md's ALS list
    assert d.other_moves == {"closed_question": 1, "self_disclosure": 1}  # skills.md's "Other moves"
    assert d.listening_rate == round(1 / 3, 3)  # self-disclosure counted as listening: 2/3, before
    html = train.export_html(app, started.session_id)
    listening, other = html.split("<h2>Active-listening skills</h2>", 1)[1].split("<h2>Other moves</h2>", 1)
    other = other.split("<h2>", 1)[0]
    assert "emotion_labeling" in listening and "closed_question" not in listening  # all under 'Listening', before
    assert "closed_question" in other and "self_disclosure" in other
    assert d.to_dict()["other_moves"] == {"closed_question": 1, "self_disclosure": 1}


def test_a_training_incident_logged_by_hand_takes_live_entries(app: App) -> None:
    drill = incidents.open_incident(  # a role-play with a human subject, logged by a scribe: not the simulator's
        app, title="drill", incident_type=IncidentType.BARRICADE, mode=IncidentMode.TRAINING
    )
    entries.say(app, drill, speaker="Role-player", text="Back off!", role_if_new=Role.SUBJECT)
    assert len(incidents.get_incident(app, drill).utterances) == 1
    assert train.list_sessions(app) == []  # its training page would only say TD330


def test_the_debrief_shows_earlier_sessions_on_the_teams_clock(td_settings: Settings, clock: FixedClock) -> None:
    app = build_app(td_settings.model_copy(update={"timezone": "America/Chicago"}), clock=clock)
    try:
        first = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")  # 19:42 UTC, 14:42 in Chicago
        train.take_turn(app, first.session_id, text="Sounds like you feel let down.")
        second = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
        earlier = train.export_html(app, second.session_id).split("<h2>Earlier sessions</h2>", 1)[1]
        assert "2026-03-14 14:42 CDT" in earlier and "19:42" not in earlier  # '2026-03-14T19:42:00+00:00' before
        instructor = SignedIn("kim", AccountRole.INSTRUCTOR, csrf_token="")
        assert "2026-03-14 14:42 CDT" in train.debrief_body(app, second.session_id, user=instructor)  # the console's
        [summary] = train.get_debrief(app, second.session_id).to_dict()["earlier"]
        assert summary["opened_at"] == "2026-03-14T19:42:00+00:00"  # --json keeps the record's UTC
    finally:
        app.store.engine.dispose()


def test_the_debrief_says_when_the_session_was_run_on_the_teams_clock(td_settings: Settings, clock: FixedClock) -> None:
    app = build_app(td_settings.model_copy(update={"timezone": "America/Chicago"}), clock=clock)
    try:
        started = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")  # 19:42 UTC, 14:42 in Chicago
        train.take_turn(app, started.session_id, text="Sounds like you feel let down.")
        body = train.export_html(app, started.session_id)  # the printed debrief said no date at all
        assert f"Session {started.session_id} &middot; trainee Alex &middot; opened 2026-03-14 14:42 CDT" in body
        assert train.get_debrief(app, started.session_id).to_dict()["opened_at"] == "2026-03-14T19:42:00+00:00"
    finally:
        app.store.engine.dispose()


def test_a_line_of_only_zero_width_characters_is_not_said_to_him(app: App) -> None:
    # "\u200b" passed `.strip()`: it was logged as the trainee's line, answered and scored.
    started = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    with pytest.raises(TalkdownError) as err:
        train.take_turn(app, started.session_id, text="\u200b\u2060\ufeff")
    assert (err.value.code, err.value.fields["problem"]) == ("TD105", "it is empty")
    assert train.get_debrief(app, started.session_id).turns == 0


def test_a_training_line_has_the_same_limit_at_the_terminal_as_in_the_console(app: App) -> None:
    # train run took a line of up to 100,000 characters; the console's chat refused one over 5,000.
    started = train.start_session(app, scenario="bridge", seed=1, trainee="Alex")
    with pytest.raises(TalkdownError) as err:
        train.take_turn(app, started.session_id, text="a" * (LONG_TEXT_MAX + 1))
    assert err.value.code == "TD105" and "up to 10,000" in str(err.value.fields["problem"])
    assert train.get_debrief(app, started.session_id).turns == 0


def test_a_debrief_of_a_session_run_on_an_earlier_engine_says_it_is_scored_by_todays(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A session recorded by an earlier release: the debrief recomputes the subject's trace with today's engine.
    monkeypatch.setattr(train, "VERSION", "0.0.9")
    old = train.start_session(app, scenario="bank_robbery", seed=3, trainee="Alex")
    monkeypatch.undo()
    new = train.start_session(app, scenario="bank_robbery", seed=3, trainee="Alex")
    for session in (old, new):
        train.take_turn(app, session.session_id, text=LINES[0])
    said = train.get_debrief(app, old.session_id).outcome_reason
    assert f"scored with the subject engine {train.VERSION}; the session ran on 0.0.9" in said
    assert "engine" not in train.get_debrief(app, new.session_id).outcome_reason


# Lines that leave the bridge subject (seed 0) venting until "They'd be better off. I've done the math, believe me.",
# his first suicide cue, in his reply to the fifth; then a hedged question and a direct one.
BETTER_OFF = "They'd be better off. I've done the math, believe me."
SUICIDE_LINES = [
    "Hello?",
    "Okay.",
    "I see.",
    "Right.",
    "Hmm.",
    "Go on.",
    "You wouldn't hurt yourself, would you?",
    "Are you thinking about killing yourself?",
]


def test_the_debrief_of_a_logged_session_says_whether_the_trainee_asked_directly_about_suicide(app: App) -> None:
    """The debrief said nothing of it: the service now hands the logged conversation to the debrief, which reads
    his lines for suicide cues, and the HTML (the console's page and --html) carries the part."""
    started = train.start_session(app, scenario="bridge", seed=0, trainee="Alex")
    for line in SUICIDE_LINES:
        train.take_turn(app, started.session_id, text=line)
    state = incidents.get_incident(app, started.session_id)
    seq = {u.text: u.seq for u in state.utterances}
    risk = train.get_debrief(app, started.session_id).suicide_risk
    assert risk is not None
    assert (risk.cue_seq, risk.cue_line) == (seq[BETTER_OFF], BETTER_OFF)
    assert risk.asked is not None and risk.asked.seq == seq[SUICIDE_LINES[-1]] and risk.asked_after == 3
    assert [q.seq for q in risk.hedged] == [seq[SUICIDE_LINES[-2]]]
    page = train.export_html(app, started.session_id)
    assert "<h2>Suicide risk</h2>" in page and "You wouldn&#x27;t hurt yourself, would you?" in page
    other = train.start_session(app, scenario="domestic_barricade", seed=0, trainee="Alex")
    for line in SUICIDE_LINES[:6]:
        train.take_turn(app, other.session_id, text=line)
    assert train.get_debrief(app, other.session_id).suicide_risk is None
    assert "Suicide risk" not in train.export_html(app, other.session_id)
