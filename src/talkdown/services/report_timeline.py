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
    AdvicePolicyRecorded,
    AnyEvent,
    ChannelOpened,
    ConcessionGranted,
    ConcessionStatusChanged,
    ConstraintNoted,
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
    MediaEventRecorded,
    NoteAdded,
    PartyAdded,
    PromiseMade,
    PromiseStatusChanged,
    StakeholderAdded,
    SupportStated,
    UtteranceLogged,
)
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState
from talkdown.services.diplomatic import stakeholders as stakeholders_of


@dataclass(frozen=True)
class TimelineRow:
    seq: int
    at: datetime
    kind: str
    who: str
    text: str


def _describe(
    p: AnyEvent,
    names: dict[str, str],
    zone: tzinfo | None,
    stakeholders: dict[str, str],
    hostages: dict[str, str] | None = None,
) -> tuple[str, str]:
    """(who, what) for one event, a time in it on ``zone``'s clock; unknown kinds fall back to their field values.

    Hostages are named by their alias (``hostages``: id to alias), as the row that recorded them was: a row
    reading "Hostage h3f9c… released" sent the reader hunting for the one row that said who that was."""
    aliases = hostages or {}
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
            due = f", now due {labelled(p.new_due_at, zone, '%H:%M')}" if p.new_due_at else ""
            return "", _because(f"Deadline {p.deadline_id} {p.status.value.replace('_', ' ')}{due}", p.reason)
        case PromiseMade():
            return "", f"Promise {p.promise_id}: {p.what} (for: {p.in_exchange_for or 'nothing logged'})"
        case PromiseStatusChanged():
            return "", _because(f"Promise {p.promise_id} {p.status.value}", p.reason)
        case ConcessionGranted():
            return "", f"Concession {p.concession_id}: {p.what} (for: {p.in_exchange_for or 'nothing logged'})"
        case ConcessionStatusChanged():
            return "", _because(f"Concession {p.concession_id} {p.status.value}", p.reason)
        case HostageRecorded():
            return "", f"Hostage {p.alias}: {p.condition.value}"
        case HostageConditionChanged():
            who = aliases.get(p.hostage_id, p.hostage_id)
            return "", f"Hostage {who}: {p.condition.value}. {p.medical_needs or ''}".strip()
        case HostageReleased():
            # The condition at release moves the well-being index, and a late entry's own time is when it happened.
            released = f"Hostage {aliases.get(p.hostage_id, p.hostage_id)} released"
            if p.released_at is not None:
                released += f" at {labelled(p.released_at, zone, '%H:%M')}"
            return "", f"{released}: {p.condition.value}" if p.condition is not None else released
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
        case AdvicePolicyRecorded():
            agency = p.content.get("agency")
            return "", f"Advice follows the policy {policy_label(str(agency), p.file, p.fingerprint)}"
        case StakeholderAdded():
            return "", "Stakeholder " + _joined(p.name, p.stakeholder_kind.value.replace("_", " "), p.country, p.stance)
        case ChannelOpened():
            parties = ", ".join(stakeholders.get(s, s) for s in p.stakeholder_ids)
            kind = p.channel_kind.value.replace("_", "-")
            return "", f"Channel ({kind}): {p.description}" + (f" (with {parties})" if parties else "")
        case ConstraintNoted():
            return "", f"{'Legal' if p.legal else 'Policy'} constraint: {p.description}"
        case MediaEventRecorded():
            return "", f"Media, {p.outlet} ({p.tone.value}, reach {p.reach} of 5): {p.description}"
        case SupportStated():
            return "", f"Statement by {p.by} ({p.tone.value}): {p.description}"
    fields = p.model_dump(mode="json", exclude={"kind"})
    return "", "; ".join(f"{k}: {v}" for k, v in fields.items() if v not in ("", None, [], {}))


def policy_label(agency: str, file: str | None, fingerprint: str) -> str:
    """A policy as the report names it: its agency, its file (or "default": no file, the doctrine defaults) and the
    start of its fingerprint, enough to tell two policies apart on paper and to find the full one in the log."""
    return f"{agency} ({f'file {file}' if file is not None else 'default'}; sha256 {fingerprint[:16]})"


def _because(what: str, reason: str) -> str:
    """A status change with the reason the log keeps: a correction's reason is required, and the report left it
    out (and an extension's new time), so the row said "Promise r1 broken" with no why."""
    return f"{what}: {reason.strip()}" if reason.strip() else what


def _joined(name: str, *details: str) -> str:
    shown = [d for d in details if d]
    return f"{name} ({', '.join(shown)})" if shown else name


def timeline_rows(envelopes: Iterable[Envelope], state: IncidentState, zone: tzinfo | None) -> list[TimelineRow]:
    """One row per event; ``zone`` is the report's clock (``None``: this computer's)."""
    names = {pid: party.name for pid, party in state.parties.items()}
    stakeholders = {sid: event.name for sid, event in stakeholders_of(state).items()}  # a channel's "with"
    hostages = {hid: hostage.alias for hid, hostage in state.hostages.items()}
    rows = []
    for env in envelopes:
        who, text = _describe(env.payload, names, zone, stakeholders, hostages)
        rows.append(TimelineRow(env.seq, env.at, env.kind.replace("_", " "), who, text))
    return rows


def diplomatic_track(state: IncidentState, zone: tzinfo | None) -> list[TimelineRow]:
    """The diplomatic entries alone, worded as in the timeline, for the boards (CLI and console)."""
    stakeholders = {sid: event.name for sid, event in stakeholders_of(state).items()}
    return [
        TimelineRow(r.seq, r.at, r.event.kind.replace("_", " "), "", _describe(r.event, {}, zone, stakeholders)[1])
        for r in state.diplomatic
    ]
