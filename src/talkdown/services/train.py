"""TRAIN use cases: start a session, take a turn, issue an inject, debrief and export it.

A training session is an incident with ``mode=training``: the trainee is the primary negotiator, the simulated
subject a subject party, and every line, inject, demand, deadline and release is an ordinary event, so the
same log, analysis, advisor and report apply. What the log keeps is enough to replay the session exactly:
the scenario id and its sha256, the seed and engine version (in ``IncidentOpened.source_meta``), and every
trainee line and inject in order. The subject's state is never logged; the debrief recomputes it.

One user action is one transaction: the trainee's line, his reply and what it caused (a demand, a release,
the end of the session) are appended together, so a crash never leaves a line without its answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import cache

from pydantic import JsonValue

from talkdown.domain.enums import Channel, DeadlineStatus, IncidentMode, Role
from talkdown.domain.events import (
    AnyEvent,
    DeadlineSet,
    DeadlineStatusChanged,
    DemandRecorded,
    HostageConditionChanged,
    HostageRecorded,
    HostageReleased,
    IncidentClosed,
    IncidentOpened,
    InjectIssued,
    PartyAdded,
    UtteranceLogged,
)
from talkdown.domain.ids import new_id
from talkdown.domain.state import IncidentState
from talkdown.domain.text import LONG_TEXT_MAX, counted, is_blank, require_short
from talkdown.errors import TalkdownError
from talkdown.services._running_session import INTENT, only_notes_by, without_intent
from talkdown.services.accounts import Permission, SignedIn
from talkdown.services.incidents import list_incidents, resolve_incident_id
from talkdown.services.recorder import SIMULATED, is_simulated_session
from talkdown.services.wiring import App
from talkdown.sim.debrief import Debrief, SessionSummary, build_debrief, render_body, render_html
from talkdown.sim.engine import VERSION, Effect, SimulatedSubject, turn_rng
from talkdown.sim.realizer import HttpRealizer, Realizer
from talkdown.sim.scenario import Scenario, load_scenario, parse_scenario, scenario_digest, shipped_ids
from talkdown.sim.state import SubjectView, ViewItem, build_view

TRAINEE, SUBJECT = "trainee", "subject"
SOURCE = SIMULATED
MINUTES_PER_EXCHANGE = 1  # a deadline "in N exchanges" is logged as due N minutes later [D]
MAX_LINE = LONG_TEXT_MAX  # characters: a line said, as on the board and in the console's chat (TD105)


@dataclass(frozen=True)
class ScenarioInfo:
    scenario_id: str
    title: str
    incident_type: str
    trains: tuple[str, ...]
    injects: tuple[str, ...]
    inject_details: tuple[tuple[str, str, str], ...] = ()  # (id, name, description): what an instructor chooses


@dataclass(frozen=True)
class SessionStarted:
    session_id: str
    scenario_id: str
    seed: int
    opening: str


@dataclass(frozen=True)
class TurnResult:
    trainee_seq: int
    reply_seq: int
    reply: str
    state: dict[str, float | int | str]
    outcome: str | None
    realizer: str
    effects: tuple[str, ...]


@dataclass(frozen=True)
class SessionInfo:
    """One row of an instructor's class list: whose session, of what, and whether it is still running."""

    session_id: str
    title: str
    trainee: str
    opened_at: datetime
    events: int
    status: str  # "running", or the outcome it ended with (resolved, failed, unresolved)
    opened_by: str = ""  # the actor who ran it ('user:<account>'), whose debrief it is


def list_sessions(app: App) -> list[SessionInfo]:
    """Training sessions, newest first. Reads each log (no analysis): the trainee and status are in the log."""
    out = []
    for summary in list_incidents(app):
        if summary.mode != IncidentMode.TRAINING.value:
            continue
        state = app.recorder.current(summary.incident_id)
        if state.source != SOURCE:  # a drill logged by hand: no simulated subject, no training page
            continue
        trainee = _trainee(state) or ""
        status = "running" if state.is_open else (state.outcome or "closed")
        out.append(
            SessionInfo(
                summary.incident_id, summary.title, trainee, summary.opened_at, summary.events, status, state.opened_by
            )
        )
    return sorted(out, key=lambda s: s.opened_at, reverse=True)


def _trainee(state: IncidentState) -> str | None:
    party = state.parties.get(TRAINEE)
    return party.name if party is not None else None


def _info(sc: Scenario) -> ScenarioInfo:
    ids, details = tuple(i.id for i in sc.injects), tuple((i.id, i.name, i.description) for i in sc.injects)
    return ScenarioInfo(sc.id, sc.title, sc.incident_type.value, tuple(sc.trains), ids, details)


def list_scenarios() -> list[ScenarioInfo]:
    return [_info(load_scenario(sid)) for sid in shipped_ids()]


def get_scenario(scenario: str) -> ScenarioInfo:
    """A shipped scenario by id or an instructor's file by path (the terminal), checked before a session starts."""
    return _info(load_scenario(scenario))


def get_session_scenario(app: App, ref: str) -> ScenarioInfo:
    """The scenario a session runs (an instructor's own file included), e.g. for its inject buttons."""
    return _info(_session(app.recorder.current(_session_id(app, ref)))[0])


_SUBJECTS: dict[str, SimulatedSubject] = {}
_SUBJECTS_KEPT = 32  # scenarios per process; a web console serving a class needs a handful


def _subject(sc: Scenario) -> SimulatedSubject:
    """One subject per scenario per process, so its memo of analysed lines survives across turns.

    Keyed by the scenario's digest, not its id: an instructor's file may reuse a shipped id ('bridge') with
    other content, and two files may share an id; each must drive its own sessions.
    """
    key = _digest(sc)
    subject = _SUBJECTS.pop(key, None) or SimulatedSubject(sc)
    _SUBJECTS[key] = subject  # most recently used last
    while len(_SUBJECTS) > _SUBJECTS_KEPT:
        del _SUBJECTS[next(iter(_SUBJECTS))]
    return subject


@cache
def _shipped_digest(scenario_id: str) -> str:
    return scenario_digest(load_scenario(scenario_id))


def _digest(sc: Scenario) -> str:
    if sc.id in shipped_ids() and sc is load_scenario(sc.id):  # the shipped object: hashed once per process
        return _shipped_digest(sc.id)
    return scenario_digest(sc)


def start_session(
    app: App, *, scenario: str, seed: int = 0, trainee: str = "Trainee", allow_file: bool = False
) -> SessionStarted:
    """Open the training incident with its parties, hostages and the subject's opening line.

    ``scenario`` is a shipped id, or with ``allow_file`` (the terminal, run by the instructor on his own
    machine) a path to a scenario YAML. The web console leaves it off: a form field must never make the server
    open a path of the client's choosing (and tell it by TD107/TD131 what is there).
    """
    if not allow_file and scenario not in shipped_ids():
        raise TalkdownError("TD230", scenario=scenario, choices=", ".join(shipped_ids()))
    trainee = trainee.strip()  # the name matches his earlier sessions: ' Alex' is Alex
    if not trainee or len(trainee) > 500:  # PartyAdded's limits, said before anything is recorded
        problem = "it is empty" if not trainee else "it is longer than 500 characters"
        raise TalkdownError("TD105", value=trainee[:80], what="trainee name", problem=problem)
    sc = load_scenario(scenario)
    session_id = new_id()
    meta: dict[str, JsonValue] = {
        "scenario": sc.id,
        "scenario_sha256": _digest(sc),
        "seed": seed,
        "engine": VERSION,
    }
    if scenario not in shipped_ids():
        # An instructor's own file: the session keeps the validated scenario itself, so every later turn,
        # inject and debrief (another process, the web console, months later) runs the same subject even
        # when the file is moved, edited or was never on that machine. Shipped ones are found by id.
        meta["scenario_spec"] = sc.model_dump(mode="json")
    opening = _subject(sc).opening(turn_rng(seed, 0))
    events: list[AnyEvent] = [
        IncidentOpened(
            title=f"Training: {sc.title}",
            incident_type=sc.incident_type,
            mode=IncidentMode.TRAINING,
            description=sc.summary,
            source=SOURCE,
            external_id=sc.id,
            source_meta=meta,
        ),
        PartyAdded(party_id=TRAINEE, name=trainee, role=Role.PRIMARY),
        PartyAdded(party_id=SUBJECT, name=sc.persona.name, role=Role.SUBJECT, description=sc.persona.motive),
        *(
            HostageRecorded(hostage_id=h.id, alias=h.alias, condition=h.condition, medical_needs=h.medical_needs)
            for h in sc.persona.hostages
        ),
        UtteranceLogged(speaker=SUBJECT, text=opening, channel=_channel(sc)),
    ]
    app.recorder.record(session_id, events, actor=app.actor, training=True)
    return SessionStarted(session_id, sc.id, seed, opening)


@dataclass(frozen=True)
class SessionResumed:
    session_id: str
    scenario_id: str
    seed: int
    transcript: tuple[tuple[str, str], ...]  # (speaker: trainee or subject, text), retracted lines left out


def resume_session(app: App, ref: str) -> SessionResumed:
    """A session that has not ended, to go on talking in it (after /quit, Ctrl-C or a closed terminal).

    TD330 for an incident that is no training session, TD331 for one that ended: checked before the chat
    asks for a line, not when the first one is refused.
    """
    state = app.recorder.current(_session_id(app, ref))
    sc, seed = _session(state)
    if not state.is_open:
        raise TalkdownError("TD331", incident_id=state.incident_id, outcome=state.outcome or "closed")
    said = tuple((item.kind, item.text) for item in build_view(state, scenario_id=sc.id).items if item.kind != "inject")
    return SessionResumed(state.incident_id, sc.id, seed, said)


def _channel(sc: Scenario) -> Channel:
    return Channel(sc.channel)


def _session_id(app: App, ref: str) -> str:
    """A session's full id from an id or unique prefix; TD232 (pointing at ``train sessions``) when none matches.

    Why not the incident's TD201: it sends a trainee to 'talkdown incident list', which lists live incidents and
    not the sessions the training commands take.
    """
    try:
        return resolve_incident_id(app, ref)
    except TalkdownError as exc:
        if exc.code != "TD201":
            raise
        raise TalkdownError("TD232", session_id=ref.strip()) from exc


def get_session(app: App, ref: str) -> IncidentState:
    """A training session's state by id or prefix: TD232 when there is none, TD330 for a live incident."""
    state = app.recorder.current(_session_id(app, ref))
    _session(state)
    return state


def _session(state: IncidentState) -> tuple[Scenario, int]:
    if state.mode is not IncidentMode.TRAINING or state.source != SOURCE:
        raise TalkdownError("TD330", incident_id=state.incident_id)
    sid = str(state.source_meta.get("scenario", ""))
    seed = state.source_meta.get("seed", 0)
    spec = state.source_meta.get("scenario_spec")
    if spec is not None:  # JSON is YAML: the same validation and TD130 if the engine's schema moved on
        sc = parse_scenario(json.dumps(spec), file=f"the scenario logged with session {state.incident_id}", logged=True)
    else:
        sc = load_scenario(sid)
    return sc, int(seed) if isinstance(seed, int) else 0


def check_llm_url(url: str) -> None:
    """TD630 for a URL the realizer cannot use, before a session is started with it (not at the first line)."""
    HttpRealizer(url)


def take_turn(app: App, ref: str, *, text: str, llm_url: str | None = None) -> TurnResult:
    """Log the trainee's line and the subject's reply (with what it caused) in one transaction."""
    if is_blank(text):  # zero-width characters alone were said and scored as a line
        raise TalkdownError("TD105", value=text, what="line", problem="it is empty")
    if text.lstrip().startswith("/"):  # the terminal chat never says these; the console said and scored them
        problem = "a line starting with / is a command of the terminal chat (/inject, /state, /quit), never said to him"
        raise TalkdownError("TD105", value=text.strip()[:40], what="line", problem=problem)
    require_short(text, what="line", limit=MAX_LINE)
    incident_id = _session_id(app, ref)
    realizer: Realizer | None = HttpRealizer(llm_url) if llm_url else None
    result: list[TurnResult] = []

    def build(state: IncidentState) -> list[AnyEvent]:
        sc, seed = _session(state)
        if not state.is_open:
            raise TalkdownError("TD331", incident_id=incident_id, outcome=state.outcome or "closed")
        subject = _subject(sc)
        trainee_seq = state.head_seq + 1
        view = build_view(state, scenario_id=sc.id).extended(ViewItem("trainee", text, trainee_seq))
        turn = len(view.trainee_lines)
        rng = turn_rng(seed, turn)
        if realizer is not None:  # same engine and memo, other wording
            subject = SimulatedSubject(sc, reader=subject.reader, realizer=realizer)
        reply = subject.respond(view, rng)
        channel = _channel(sc)
        events: list[AnyEvent] = [
            UtteranceLogged(speaker=TRAINEE, text=text, channel=channel),
            UtteranceLogged(
                speaker=SUBJECT,
                text=reply.text,
                channel=channel,
                extra={"realizer": reply.realizer, INTENT: reply.intent.key},
            ),
        ]
        events += _effect_events(sc, reply.effects, reply_seq=trainee_seq + 1, now=app.clock.now())
        result[:] = [
            TurnResult(
                trainee_seq,
                trainee_seq + 1,
                reply.text,
                reply.state.gauges(),
                reply.state.outcome,
                reply.realizer,
                tuple(f"{e.kind}:{e.ref}" for e in reply.effects),
            )
        ]
        return events

    app.recorder.record_with(incident_id, build, actor=app.actor, training=True)
    return result[0]


def _effect_events(sc: Scenario, effects: tuple[Effect, ...], *, reply_seq: int, now: datetime) -> list[AnyEvent]:
    out: list[AnyEvent] = []
    for e in effects:
        if e.kind == "demand_raised":
            d = next(x for x in sc.persona.demands if x.id == e.ref)
            out.append(
                DemandRecorded(
                    demand_id=d.id,
                    item=d.item,
                    category=d.category,
                    negotiable=d.negotiable,
                    priority=d.priority,
                    utterance_seq=reply_seq,
                )
            )
        elif e.kind == "deadline_stated":
            dl = next(x for x in sc.persona.deadlines if x.id == e.ref)
            due = now + timedelta(minutes=MINUTES_PER_EXCHANGE * dl.in_turns)
            out.append(
                DeadlineSet(
                    deadline_id=dl.id, due_at=due, description=dl.say, demand_id=dl.demand, utterance_seq=reply_seq
                )
            )
        elif e.kind == "deadline_passed" and e.value == "quiet":
            out.append(DeadlineStatusChanged(deadline_id=e.ref, status=DeadlineStatus.PASSED_WITHOUT_INCIDENT))
        elif e.kind == "hostage_freed":
            out.append(HostageReleased(hostage_id=e.ref))
        elif e.kind == "ended":
            out.append(IncidentClosed(outcome=e.ref, reason=e.value))
    return out


def issue_inject(app: App, ref: str, *, inject: str) -> int:
    """An instructor's inject: logged as ``InjectIssued``; he reacts to it on his next reply."""
    incident_id = _session_id(app, ref)

    def build(state: IncidentState) -> list[AnyEvent]:
        sc, _seed = _session(state)
        if not state.is_open:
            raise TalkdownError("TD331", incident_id=incident_id, outcome=state.outcome or "closed")
        inj = sc.inject(inject)
        about = state.hostages.get(inj.hostage) if inj.hostage else None
        if about is not None and about.released_at is not None:  # "he collapses" inside, said of a man outside
            problem = f"inject '{inj.id}' is about {about.alias}, who has been released; it cannot happen to him now"
            raise TalkdownError("TD302", incident_id=incident_id, problem=problem)
        for item in reversed(build_view(state, scenario_id=sc.id).items):  # issued since his last reply
            if item.kind != "inject":
                break
            if item.inject_id == inj.id:  # a double click, or two instructors: he would react (and shift) twice
                problem = (
                    f"inject '{inj.id}' was issued at seq {item.seq} and the subject has not replied since "
                    "(he reacts to it on his next reply); issue it again after that reply if it happens again"
                )
                raise TalkdownError("TD302", incident_id=incident_id, problem=problem)
        effects: dict[str, JsonValue] = {
            k: v
            for k, v in (
                ("arousal", inj.arousal),
                ("trust", inj.trust),
                ("hopelessness", inj.hopelessness),
                ("face", inj.face),
            )
            if v
        }
        events: list[AnyEvent] = [
            InjectIssued(inject_id=inj.id, name=inj.name, description=inj.description, effects=effects)
        ]
        if inj.hostage and inj.hostage_condition and inj.hostage in state.hostages:
            events.append(HostageConditionChanged(hostage_id=inj.hostage, condition=inj.hostage_condition))
        return events

    return app.recorder.record_with(incident_id, build, actor=app.actor, training=True)[0].seq


STOPPED = "unresolved"  # the outcome of a session stopped before the subject came to one [D]


def end_session(app: App, ref: str, *, reason: str = "") -> int:
    """Stop a running session (the trainee walked away, the class is over): logged as ``IncidentClosed``.

    Its outcome is ``unresolved``, as when the exchanges run out: nobody talked him down, and the debrief says it
    was stopped and why. A LIVE ``close`` is refused on a session (TD332): its free outcome ('surrender') was
    shown in the class list while the debrief said 'in progress'.
    """
    incident_id = _session_id(app, ref)
    why = require_short(reason, what="reason").strip() or "stopped before an outcome"

    def build(state: IncidentState) -> list[AnyEvent]:
        _session(state)
        if not state.is_open:
            raise TalkdownError("TD331", incident_id=incident_id, outcome=state.outcome or "closed")
        return [IncidentClosed(outcome=STOPPED, reason=why)]

    return app.recorder.record_with(incident_id, build, actor=app.actor, training=True)[-1].seq


def get_session_state(app: App, ref: str) -> dict[str, float | int | str]:
    """The subject's gauges now (for an instructor): recomputed from the log like everything else."""
    state = app.recorder.current(_session_id(app, ref))
    sc, _seed = _session(state)
    return _subject(sc).state_of(build_view(state, scenario_id=sc.id)).gauges()


def without_scenario(state: IncidentState) -> IncidentState:
    """The incident as someone who may not instruct reads it: an instructor's own scenario left out.

    Why: a session of an instructor's file keeps the whole scenario in ``source_meta`` (``scenario_spec``):
    the subject's dynamics, what ends the session either way, every inject and its effect on the gauges.
    Read back by a trainee, that is the answer sheet to the exercise, which the console otherwise keeps to
    instructors (the gauges and inject buttons). The log and its exports keep it: they are the record.
    """
    if "scenario_spec" not in state.source_meta:
        return state
    return replace(state, source_meta={k: v for k, v in state.source_meta.items() if k != "scenario_spec"})


def as_read_by(state: IncidentState, user: SignedIn) -> IncidentState:
    """The incident as ``user`` may read it through the API: what the trainee is meant to discover left out.

    An instructor reads everything. Anyone else loses an instructor's own scenario (``without_scenario``), and
    the subject's intent logged with each reply (``extra["intent"]``) unless he may read the session's debrief
    (``may_read_debrief``: its trainee once it has ended). Why: while the session runs the intent names what
    the subject is really after or reacting to, which the trainee must find out by talking to him. The notes
    others added to a simulated session follow the same rule: an instructor comments on the run there, what he
    plans next or how the trainee does, which is debrief material too (a reader's own notes stay his).
    """
    if user.may(Permission.INSTRUCT):
        return state
    state = without_scenario(state)
    if state.mode is IncidentMode.TRAINING and not may_read_debrief(state, user):
        state = without_intent(state)
        if is_simulated_session(state):
            state = only_notes_by(state, user.actor)
    return state


def get_debrief(app: App, ref: str, *, compare: bool = True) -> Debrief:
    """Recompute the session from its log and score it; earlier sessions of the same trainee are compared."""
    state = app.recorder.current(_session_id(app, ref))
    earlier = _earlier_sessions(app, state) if compare else ()
    return _debrief(state, earlier)


def _debrief(state: IncidentState, earlier: tuple[SessionSummary, ...] = ()) -> Debrief:
    sc, _seed = _session(state)
    view = build_view(state, scenario_id=sc.id)
    steps = _subject(sc).trace(view)
    trainee = _trainee(state) or "?"
    injects = tuple(
        (r.seq, r.event.inject_id, r.event.name) for r in state.injects if isinstance(r.event, InjectIssued)
    )
    debrief = build_debrief(
        session_id=state.incident_id,
        scenario=sc,
        steps=steps,
        trainee=trainee,
        earlier=earlier,
        injects=injects,
        view=view,
    )
    if state.opened_at is not None:
        debrief = replace(debrief, opened_at=state.opened_at.isoformat(timespec="seconds"))
    if not state.is_open and debrief.outcome in ("in progress", "not started"):  # stopped by end_session
        exchanges = counted(debrief.turns, "exchange")
        reason = f"The session was stopped after {exchanges}: {state.close_reason.rstrip('.') or 'no reason given'}."
        debrief = replace(debrief, outcome=state.outcome or STOPPED, outcome_reason=reason)
    notes = []
    if state.source_meta.get("scenario_sha256") != _digest(sc):
        notes.append("the scenario file changed after this session was run")
    ran = state.source_meta.get("engine")
    if ran != VERSION:
        # The trace is recomputed, so a release whose subject reacts otherwise (engine 0.1.3 took a false promise
        # as an answer) scores an old session by rules its trainee never met: say so, as for a changed scenario.
        notes.append(f"scored with the subject engine {VERSION}; the session ran on {ran or 'an earlier one'}")
    if notes:
        reason = f"{debrief.outcome_reason} (note: {'; '.join(notes)})"
        debrief = replace(debrief, outcome_reason=reason.strip())
    return debrief


EARLIER_KEPT = 10  # earlier sessions compared in a debrief: the most recent; each costs a re-scoring


def _earlier_sessions(app: App, state: IncidentState) -> tuple[SessionSummary, ...]:
    """The same trainee's most recent previous sessions, oldest first (matched by the trainee's name).

    Re-scoring a session runs the analysis on every line it holds (about 0.1 s for a short one, cold), so a
    trainee with a term's worth of sessions made every debrief slow (60 sessions: 8 s); the logs are folded
    first, which is cheap, and only the last EARLIER_KEPT are scored.
    """
    name = _trainee(state)
    if name is None:
        return ()
    found = []
    for summary in list_incidents(app):
        if summary.mode != IncidentMode.TRAINING.value or summary.incident_id == state.incident_id:
            continue
        if state.opened_at is not None and summary.opened_at >= state.opened_at:
            continue
        other = app.recorder.current(summary.incident_id)
        if other.source != SOURCE or _trainee(other) != name:
            continue
        found.append((summary.opened_at, other))
    found.sort(key=lambda pair: pair[0])
    return tuple(_debrief(other).summary(at.isoformat(timespec="seconds")) for at, other in found[-EARLIER_KEPT:])


def export_html(app: App, ref: str) -> str:
    return render_html(get_debrief(app, ref), zone=app.settings.display_zone)


def is_run_by(session: IncidentState | SessionInfo, user: SignedIn) -> bool:
    """Whether ``user`` ran the session: he opened it (the console starts a session as its signed-in user)."""
    return session.opened_by == user.actor


def may_read_debrief(session: IncidentState | SessionInfo, user: SignedIn) -> bool:
    """The console's rule: an instructor always; the trainee who ran it once it has ended; nobody else.

    Why: a debrief scores one trainee's lines (a colleague or an observer has no business reading it), and
    while the session runs it would show him the subject's trace he is meant to read from the replies; an
    instructor watches live anyway (he sees the gauges).
    """
    if user.may(Permission.INSTRUCT):
        return True
    running = session.is_open if isinstance(session, IncidentState) else session.status == "running"
    return is_run_by(session, user) and not running


def debrief_body(app: App, ref: str, *, user: SignedIn) -> str:
    """The debrief as the console shows it: ``render_body``, the same body as ``--html`` (TD350, TD333)."""
    state = get_session(app, ref)
    if not may_read_debrief(state, user):
        if not is_run_by(state, user):
            raise TalkdownError("TD350", role=user.role.value, action="read another trainee's debrief")
        raise TalkdownError("TD333", incident_id=state.incident_id)
    return render_body(get_debrief(app, state.incident_id), zone=app.settings.display_zone)


def replay_session(app: App, ref: str) -> list[str]:
    """His replies recomputed from the logged trainee lines, injects, scenario and seed (template realizer).

    Used to show a session replays deterministically: the result equals the logged replies when the session
    ran with the template realizer and the scenario file is unchanged.
    """
    state = app.recorder.current(_session_id(app, ref))
    sc, seed = _session(state)
    subject = _subject(sc)
    full = build_view(state, scenario_id=sc.id)
    replies: list[str] = []
    view = SubjectView(sc.id, full.items[:1])
    for item in full.items[1:]:
        view = view.extended(item)
        if item.kind == "trainee":
            replies.append(subject.respond(view, turn_rng(seed, len(view.trainee_lines))).text)
    return replies
