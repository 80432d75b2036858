"""The report's timeline: one plain-language row per logged event, corrections kept as their own rows.

Why every event: the report must stand up afterwards, so it hides nothing the log holds; a correction or
retraction is shown where it was made and names the seq it changes, so both versions stay visible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from talkdown.domain.display_time import labelled
from talkdown.domain.events import (
    AdviceDismissed,
    ConcessionGranted,
    DeadlineSet,
    DeadlineStatusChanged,
    DemandRecorded,
    DemandStatusChanged,
    EntryCorrected,
    EntryRetracted,
    HostageConditionChanged,
    HostageRecorded,
    HostageReleased,
    IncidentClosed,
    IncidentOpened,
    IntelItemAdded,
    NoteAdded,
    PartyAdded,
    PromiseMade,
    PromiseStatusChanged,
    UtteranceLogged,
)
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState


@dataclass(frozen=True)
class TimelineRow:
    seq: int
    at: datetime
    kind: str
    who: str
    text: str


def _describe(env: Envelope, names: dict[str, str], zone: tzinfo | None) -> tuple[str, str]:
    """(who, what) for one event, a time in it on ``zone``'s clock; unknown kinds fall back to their field values."""
    p = env.payload
    match p:
        case UtteranceLogged():
            return names.get(p.speaker, p.speaker), p.text
        case IncidentOpened():
            return "", f"Incident opened: {p.title} ({p.incident_type.value})"
        case IncidentClosed():
            return "", f"Incident closed: {p.outcome}. {p.reason}".strip()
        case PartyAdded():
            return "", f"Party {p.name} ({p.role.value})"
        case DemandRecorded():
            flag = "" if p.negotiable else " [non-negotiable]"
            return "", f"Demand {p.demand_id}: {p.item} ({p.category.value}){flag}"
        case DemandStatusChanged():
            return "", f"Demand {p.demand_id} {p.status.value}. {p.reason}".strip()
        case DeadlineSet():
            return "", f"Deadline {p.deadline_id} due {labelled(p.due_at, zone, '%H:%M')}: {p.description}"
        case DeadlineStatusChanged():
            return "", f"Deadline {p.deadline_id} {p.status.value.replace('_', ' ')}"
        case PromiseMade():
            return "", f"Promise {p.promise_id}: {p.what} (for: {p.in_exchange_for or 'nothing logged'})"
        case PromiseStatusChanged():
            return "", f"Promise {p.promise_id} {p.status.value}"
        case ConcessionGranted():
            return "", f"Concession {p.concession_id}: {p.what} (for: {p.in_exchange_for or 'nothing logged'})"
        case HostageRecorded():
            return "", f"Hostage {p.alias}: {p.condition.value}"
        case HostageConditionChanged():
            return "", f"Hostage {p.hostage_id}: {p.condition.value}. {p.medical_needs or ''}".strip()
        case HostageReleased():
            return "", f"Hostage {p.hostage_id} released"
        case IntelItemAdded():
            return "", f"Intel {p.intel_id} ({p.reliability.value}{p.credibility.value}, {p.source}): {p.content}"
        case NoteAdded():
            return "", p.text
        case EntryCorrected():
            return "", f"Correction of seq {p.ref_seq}, {p.field} → {p.value!r}: {p.reason}"
        case EntryRetracted():
            return "", f"Retraction of seq {p.ref_seq}: {p.reason}"
        case AdviceDismissed():
            return "", f"Advice {p.advice_id} dismissed: {p.reason}"
    fields = p.model_dump(mode="json", exclude={"kind"})
    return "", "; ".join(f"{k}: {v}" for k, v in fields.items() if v not in ("", None, [], {}))


def timeline_rows(envelopes: Iterable[Envelope], state: IncidentState, zone: tzinfo | None) -> list[TimelineRow]:
    """One row per event; ``zone`` is the report's clock (``None``: this computer's)."""
    names = {pid: party.name for pid, party in state.parties.items()}
    rows = []
    for env in envelopes:
        who, text = _describe(env, names, zone)
        rows.append(TimelineRow(env.seq, env.at, env.kind.replace("_", " "), who, text))
    return rows
