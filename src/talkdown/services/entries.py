"""Use cases that add one entry to an incident's log: what the scribe records during an incident.

Every text an entry records is checked here before its event is built, at the limits the console's forms apply
(``web/schemas.py``): a required one with ``require_entry_text``, an optional one (a reason, what a promise is in
exchange for, medical needs) with ``require_short``. Why here: the CLI reaches these with whatever was typed, and
it took a 600-character medical note the console refused, or answered a long name in pydantic's words.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import NoReturn, TypeVar

from pydantic import JsonValue, ValidationError

from talkdown.analysis.timeparse import CLOCK, parse_deadline
from talkdown.domain.enums import (
    Channel,
    CommitmentStatus,
    Credibility,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    NoteKind,
    Reliability,
    Role,
)
from talkdown.domain.events import (
    AnyEvent,
    ConcessionGranted,
    ConcessionStatusChanged,
    DeadlineSet,
    DeadlineStatusChanged,
    DemandRecorded,
    DemandStatusChanged,
    EntryCorrected,
    EntryRetracted,
    Fact,
    HostageConditionChanged,
    HostageRecorded,
    HostageReleased,
    IntelItemAdded,
    NoteAdded,
    PartyAdded,
    PartyRoleSet,
    PromiseMade,
    PromiseStatusChanged,
    UtteranceLogged,
)
from talkdown.domain.ids import new_id
from talkdown.domain.state import IncidentState
from talkdown.domain.text import LONG_TEXT_MAX, require_entry_text, require_short
from talkdown.errors import TalkdownError
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App

_E = TypeVar("_E", bound=Fact)

_DURATION = re.compile(
    r"^\s*(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:ute)?s?)?)?\s*(?:(\d+)\s*s(?:ec(?:ond)?s?)?)?\s*$",
    re.IGNORECASE,
)
MAX_DURATION = timedelta(days=366)
"""The longest time from now a deadline may be typed as. Why a bound: a kidnap-for-ransom deadline may be weeks
away, but '99999999h' is a slip of the finger, and past year 9999 the date itself overflowed (an internal
error)."""


def parse_duration(text: str) -> timedelta:
    """'90m', '1h30m', '45s', '20 minutes', '1 hour 30 min' or a bare number of minutes, as typed under pressure.

    >>> parse_duration("1h30m")
    datetime.timedelta(seconds=5400)
    >>> parse_duration("20")
    datetime.timedelta(seconds=1200)
    >>> parse_duration("1 hour 20 minutes")
    datetime.timedelta(seconds=4800)
    """
    bare = text.strip().isdecimal()  # not isdigit: int() refuses '²', which isdigit accepts
    match = None if bare else _DURATION.match(text)
    if not bare and (match is None or not any(match.groups())):
        raise TalkdownError("TD105", value=text, what="duration", problem="use e.g. 30m, 1h30m, 45s or 20 minutes")
    h, m, s = (int(g) if g else 0 for g in match.groups()) if match else (0, int(text), 0)
    seconds = h * 3600 + m * 60 + s  # compared as an int: timedelta and date arithmetic overflow on huge values
    if seconds > MAX_DURATION.total_seconds():
        raise TalkdownError("TD105", value=text.strip(), what="duration", problem="at most 366 days; use --at")
    return timedelta(seconds=seconds)


_CLOCK_TYPED = re.compile(r"^\s*(?:(?:by|at)\s+)?(?P<body>.+?)\s*$", re.IGNORECASE)
CLOCK_TIME_HINT = "use ISO 8601 with a zone (2026-03-14T21:30Z) or a clock time such as 21:00, 9pm or tomorrow 9am"


def parse_clock_time(text: str, *, now: datetime, zone: tzinfo | None) -> datetime:
    """'21:00', '9pm', 'by 9:30 pm', 'noon', 'tomorrow 9am': the next such time on the team's wall clock, in UTC.

    ``zone`` is the one the boards show times in (``TALKDOWN_TIMEZONE``, else this computer's, ``None``), so
    what the scribe types is what the board then shows. Why the whole text must be a clock time: the analyser's
    reader (``analysis.timeparse``, also used here) finds a time *inside* a sentence, and a typo around one
    ("9pm tmorow") must be refused, not silently read as today.
    """
    typed = _CLOCK_TYPED.match(text)
    body = typed["body"] if typed else ""
    found = parse_deadline(f"at {body}", now.astimezone(zone)) if CLOCK.fullmatch(body) else None
    if found is None:
        raise TalkdownError("TD105", value=text, what="time", problem=CLOCK_TIME_HINT)
    return found


def _record(app: App, ref: str, events: list[AnyEvent], *, at: datetime | None = None) -> int:
    """Record events and return the seq of the last one."""
    envs = app.recorder.record(resolve_incident_id(app, ref), events, actor=app.actor, at=at)
    return envs[-1].seq


def _build(factory: type[_E], **fields: object) -> _E:
    """Build an event, turning a pydantic error into one coded, readable line. A text over its field's limit
    reads as ``require_short`` words it (its length and the limit), not as pydantic's "String should have at most
    500 characters": the entries check their texts before this, so that is only a field one of them missed."""
    try:
        return factory(**fields)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or factory.__name__
        given, limit = err.get("input"), (err.get("ctx") or {}).get("max_length")
        if err["type"] == "string_too_long" and isinstance(given, str) and isinstance(limit, int):
            require_short(given, what=where, limit=limit)  # raises TD105 naming the length and the limit
        raise TalkdownError("TD105", value=str(err.get("input", ""))[:80], what=where, problem=err["msg"]) from exc


def find_party(state: IncidentState, ref: str) -> str | None:
    """A party by id, or by name ignoring case, as the scribe types it."""
    if ref in state.parties:
        return ref
    wanted = ref.strip().casefold()
    for party in state.parties.values():
        if party.name.casefold() == wanted:
            return party.party_id
    return None


def add_party(
    app: App, ref: str, *, name: str, role: Role = Role.UNKNOWN, party_id: str | None = None
) -> tuple[str, int]:
    """The new party's id and the seq of its ``PartyAdded``, like every other entry that makes a record."""
    pid = party_id or new_id("p")
    name = require_entry_text(name, what="name")
    return pid, _record(app, ref, [_build(PartyAdded, party_id=pid, name=name, role=role)])


def set_party_role(app: App, ref: str, *, party: str, role: Role) -> int:
    incident_id = resolve_incident_id(app, ref)

    def build(state: IncidentState) -> list[AnyEvent]:
        pid = find_party(state, party)
        if pid is None:
            raise TalkdownError("TD202", incident_id=incident_id, what="party", ref=party)
        return [PartyRoleSet(party_id=pid, role=role)]

    return app.recorder.record_with(incident_id, build, actor=app.actor)[-1].seq


def say(
    app: App,
    ref: str,
    *,
    speaker: str,
    text: str,
    channel: Channel = Channel.PHONE,
    occurred_at: datetime | None = None,
    role_if_new: Role | None = None,
) -> int:
    """Log an utterance. An unknown speaker becomes a new party only when a role for it is given."""
    require_entry_text(speaker, what="speaker")
    require_entry_text(text, what="text", limit=LONG_TEXT_MAX)
    incident_id = resolve_incident_id(app, ref)

    def build(state: IncidentState) -> list[AnyEvent]:
        pid = find_party(state, speaker)
        events: list[AnyEvent] = []
        if pid is None:
            if role_if_new is None:
                raise TalkdownError("TD202", incident_id=incident_id, what="party", ref=speaker)
            pid = new_id("p")
            events.append(_build(PartyAdded, party_id=pid, name=speaker, role=role_if_new))
        events.append(_build(UtteranceLogged, speaker=pid, text=text, channel=channel, occurred_at=occurred_at))
        return events

    return app.recorder.record_with(incident_id, build, actor=app.actor)[-1].seq


def record_demand(
    app: App,
    ref: str,
    *,
    item: str,
    category: DemandCategory = DemandCategory.OTHER,
    negotiable: bool = True,
    priority: int = 3,
    utterance_seq: int | None = None,
) -> tuple[str, int]:
    did = new_id("d")
    event = _build(
        DemandRecorded,
        demand_id=did,
        item=require_entry_text(item, what="item"),
        category=category,
        negotiable=negotiable,
        priority=priority,
        utterance_seq=utterance_seq,
    )

    def build(state: IncidentState) -> list[AnyEvent]:
        wanted = event.item.strip().casefold()
        for d in state.demands.values():
            if utterance_seq is not None and d.utterance_seq == utterance_seq and d.item.strip().casefold() == wanted:
                _refuse_twice(state, utterance_seq, "demand", d.demand_id, d.item)
        return [event]

    return did, app.recorder.record_with(resolve_incident_id(app, ref), build, actor=app.actor)[-1].seq


def _refuse_twice(state: IncidentState, seq: int, what: str, entry_id: str, label: str) -> NoReturn:
    """A line recorded twice as the same entry (``D`` or ``Alt+D`` pressed twice, or by two boards at once)
    put the same demand or deadline twice in the ledger, counted twice by the metrics and the report."""
    raise TalkdownError(
        "TD302",
        incident_id=state.incident_id,
        problem=f"line #{seq} is already recorded as {what} {entry_id} ({label[:80]}); "
        f"change that {what}'s status rather than recording it again",
    )


def change_demand(app: App, ref: str, *, demand_id: str, status: DemandStatus, reason: str = "") -> int:
    require_short(reason, what="reason")
    return _record(app, ref, [_build(DemandStatusChanged, demand_id=demand_id, status=status, reason=reason)])


def set_deadline(
    app: App,
    ref: str,
    *,
    due_at: datetime,
    description: str = "",
    demand_id: str | None = None,
    utterance_seq: int | None = None,
) -> tuple[str, int]:
    dlid = new_id("t")
    require_short(description, what="description")
    event = _build(
        DeadlineSet,
        deadline_id=dlid,
        due_at=due_at,
        description=description,
        demand_id=demand_id,
        utterance_seq=utterance_seq,
    )

    def build(state: IncidentState) -> list[AnyEvent]:
        for d in state.deadlines.values():
            if utterance_seq is not None and d.utterance_seq == utterance_seq and d.due_at == event.due_at:
                due = f"due {d.due_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
                _refuse_twice(state, utterance_seq, "deadline", d.deadline_id, due)
        return [event]

    return dlid, app.recorder.record_with(resolve_incident_id(app, ref), build, actor=app.actor)[-1].seq


def change_deadline(
    app: App,
    ref: str,
    *,
    deadline_id: str,
    status: DeadlineStatus,
    new_due_at: datetime | None = None,
    reason: str = "",
) -> int:
    require_short(reason, what="reason")
    event = _build(DeadlineStatusChanged, deadline_id=deadline_id, status=status, new_due_at=new_due_at, reason=reason)
    return _record(app, ref, [event])


def make_promise(app: App, ref: str, *, what: str, in_exchange_for: str = "") -> tuple[str, int]:
    pid = new_id("r")
    what = require_entry_text(what, what="what")
    require_short(in_exchange_for, what="in_exchange_for")
    event = _build(PromiseMade, promise_id=pid, what=what, in_exchange_for=in_exchange_for)
    return pid, _record(app, ref, [event])


def change_promise(app: App, ref: str, *, promise_id: str, status: CommitmentStatus, reason: str = "") -> int:
    require_short(reason, what="reason")
    return _record(app, ref, [_build(PromiseStatusChanged, promise_id=promise_id, status=status, reason=reason)])


def grant_concession(
    app: App, ref: str, *, what: str, in_exchange_for: str = "", demand_id: str | None = None
) -> tuple[str, int]:
    cid = new_id("c")
    require_short(in_exchange_for, what="in_exchange_for")
    event = _build(
        ConcessionGranted,
        concession_id=cid,
        what=require_entry_text(what, what="what"),
        in_exchange_for=in_exchange_for,
        demand_id=demand_id,
    )
    return cid, _record(app, ref, [event])


def change_concession(app: App, ref: str, *, concession_id: str, status: CommitmentStatus, reason: str = "") -> int:
    require_short(reason, what="reason")
    event = _build(ConcessionStatusChanged, concession_id=concession_id, status=status, reason=reason)
    return _record(app, ref, [event])


def record_hostage(
    app: App,
    ref: str,
    *,
    alias: str,
    condition: HostageCondition = HostageCondition.UNKNOWN,
    medical_needs: str = "",
) -> tuple[str, int]:
    hid = new_id("h")
    alias = require_entry_text(alias, what="alias")
    require_short(medical_needs, what="medical_needs")
    event = _build(HostageRecorded, hostage_id=hid, alias=alias, condition=condition, medical_needs=medical_needs)
    return hid, _record(app, ref, [event])


def change_hostage(
    app: App, ref: str, *, hostage_id: str, condition: HostageCondition, medical_needs: str | None = None
) -> int:
    if medical_needs is not None:
        require_short(medical_needs, what="medical_needs")
    event = _build(HostageConditionChanged, hostage_id=hostage_id, condition=condition, medical_needs=medical_needs)
    return _record(app, ref, [event])


def release_hostage(app: App, ref: str, *, hostage_id: str, condition: HostageCondition | None = None) -> int:
    return _record(app, ref, [_build(HostageReleased, hostage_id=hostage_id, condition=condition)])


def add_intel(
    app: App,
    ref: str,
    *,
    content: str,
    source: str,
    reliability: Reliability = Reliability.F,
    credibility: Credibility = Credibility.CANNOT_JUDGE,
) -> tuple[str, int]:
    iid = new_id("i")
    require_entry_text(content, what="content", limit=LONG_TEXT_MAX)
    require_entry_text(source, what="source")
    event = _build(
        IntelItemAdded, intel_id=iid, content=content, source=source, reliability=reliability, credibility=credibility
    )
    return iid, _record(app, ref, [event])


def add_note(app: App, ref: str, *, text: str, kind: NoteKind = NoteKind.NOTE) -> int:
    text = require_entry_text(text, what="text", limit=LONG_TEXT_MAX)
    return _record(app, ref, [_build(NoteAdded, text=text, note_kind=kind)])


def correct_entry(app: App, ref: str, *, ref_seq: int, field: str, value: JsonValue, reason: str) -> int:
    """Correct an utterance. A corrected speaker may be typed as a name, as ``say`` takes it (the log stores the
    party id); a name no party has is left for ``decide`` to refuse (TD202). A blank text or speaker is refused:
    a line corrected to nothing is a retraction (``retract_entry``)."""
    require_entry_text(reason, what="reason")
    if field in {"text", "speaker"} and isinstance(value, str):
        require_entry_text(value, what="value", limit=LONG_TEXT_MAX)
    incident_id = resolve_incident_id(app, ref)

    def build(state: IncidentState) -> list[AnyEvent]:
        fixed = value
        if field == "speaker" and isinstance(value, str):
            fixed = find_party(state, value) or value
        return [_build(EntryCorrected, ref_seq=ref_seq, field=field, value=fixed, reason=reason)]

    return app.recorder.record_with(incident_id, build, actor=app.actor)[-1].seq


def retract_entry(app: App, ref: str, *, ref_seq: int, reason: str) -> int:
    reason = require_entry_text(reason, what="reason")
    return _record(app, ref, [_build(EntryRetracted, ref_seq=ref_seq, reason=reason)])
