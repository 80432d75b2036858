"""Incident state as a fold over its events.

``evolve`` mutates the state it folds because replay must reach 50,000 events/s; callers outside the
domain get the state only after replay and must treat it as read-only. Corrections and retractions are
applied here, and the original entry stays available (``corrections``) so reports can show both.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import assert_never

from pydantic import JsonValue

from talkdown.domain.enums import (
    Channel,
    CommitmentStatus,
    Credibility,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    IncidentMode,
    IncidentStatus,
    IncidentType,
    NoteKind,
    Reliability,
    Role,
)
from talkdown.domain.events import (
    NOT_ENTRIES,
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
    DutyEnded,
    DutyStarted,
    EntryCorrected,
    EntryRetracted,
    HostageConditionChanged,
    HostageRecorded,
    HostageReleased,
    IncidentClosed,
    IncidentOpened,
    IncidentReopened,
    InjectIssued,
    IntelItemAdded,
    MediaEventRecorded,
    NoteAdded,
    PartyAdded,
    PartyRoleSet,
    PromiseMade,
    PromiseStatusChanged,
    StakeholderAdded,
    SupportStated,
    UtteranceLogged,
)
from talkdown.domain.log import Envelope


@dataclass
class Party:
    party_id: str
    name: str
    role: Role
    added_at: datetime
    description: str = ""


@dataclass
class Utterance:
    seq: int
    speaker: str
    text: str
    channel: Channel
    at: datetime
    occurred_at: datetime | None = None
    source_time: str | None = None
    labels: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, JsonValue] = field(default_factory=dict)
    retracted: bool = False

    @property
    def when(self) -> datetime:
        """When it was said: the imported or late-entered time if known, else when it was logged."""
        return self.occurred_at or self.at

    def copy(self) -> Utterance:
        """A private copy (its label and extra maps too); the other fields are immutable and shared."""
        out = copy.copy(self)
        out.labels = {k: list(v) for k, v in self.labels.items()}
        out.extra = copy.deepcopy(self.extra) if self.extra else {}
        return out


@dataclass
class Demand:
    demand_id: str
    item: str
    category: DemandCategory
    negotiable: bool
    priority: int
    status: DemandStatus
    seq: int
    at: datetime
    utterance_seq: int | None = None
    status_seq: int = 0  # the entry that set the current status: was the demand still open when he asked again?


@dataclass
class Deadline:
    deadline_id: str
    due_at: datetime
    description: str
    status: DeadlineStatus
    seq: int
    demand_id: str | None = None
    utterance_seq: int | None = None


@dataclass
class Commitment:
    """A promise made to the subject or a concession granted; both are tracked as pending/kept/broken."""

    commitment_id: str
    what: str
    in_exchange_for: str
    status: CommitmentStatus
    seq: int
    at: datetime
    demand_id: str | None = None


@dataclass
class Hostage:
    hostage_id: str
    alias: str
    condition: HostageCondition
    medical_needs: str
    seq: int
    released_at: datetime | None = None
    # The entry that logged the current condition and medical needs (the record, a change, or a release naming a
    # condition): advice about an injury cites the entry that reported it, not the one that first listed the captive.
    condition_seq: int = 0


@dataclass
class IntelItem:
    intel_id: str
    content: str
    source: str
    reliability: Reliability
    credibility: Credibility
    seq: int
    at: datetime

    @property
    def grade(self) -> str:
        return f"{self.reliability.value}{self.credibility.value}"


@dataclass
class Note:
    seq: int
    text: str
    note_kind: NoteKind
    actor: str
    at: datetime


@dataclass
class Correction:
    seq: int
    ref_seq: int
    field: str | None
    value: JsonValue
    reason: str


@dataclass
class Record:
    """A plain entry kept as logged (diplomatic track, injects, dismissed advice): its seq, time and event."""

    seq: int
    at: datetime
    event: AnyEvent


@dataclass
class IncidentState:
    incident_id: str = ""
    title: str = ""
    incident_type: IncidentType = IncidentType.BARRICADE
    location: str = ""
    description: str = ""
    mode: IncidentMode = IncidentMode.LIVE
    status: IncidentStatus = IncidentStatus.OPEN
    outcome: str = ""
    close_reason: str = ""  # the reason logged with the last close, e.g. why a training session was stopped
    opened_at: datetime | None = None
    opened_by: str = ""  # the actor who opened it: for a training session, the trainee who ran it
    closed_at: datetime | None = None
    source: str | None = None
    external_id: str | None = None
    source_meta: dict[str, JsonValue] = field(default_factory=dict)
    head_seq: int = 0
    head_hash: str = ""
    last_at: datetime | None = None  # when the last entry was made (a recorded policy is none: ``NOT_ENTRIES``)
    parties: dict[str, Party] = field(default_factory=dict)
    utterances: list[Utterance] = field(default_factory=list)
    demands: dict[str, Demand] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)
    promises: dict[str, Commitment] = field(default_factory=dict)
    concessions: dict[str, Commitment] = field(default_factory=dict)
    hostages: dict[str, Hostage] = field(default_factory=dict)
    intel: dict[str, IntelItem] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    on_duty: dict[str, datetime] = field(default_factory=dict)
    duty_log: list[Record] = field(default_factory=list)
    injects: list[Record] = field(default_factory=list)
    dismissed_advice: list[Record] = field(default_factory=list)
    # The agency policies advice followed, in log order (``AdvicePolicyRecorded``): the last is the one in force.
    advice_policies: list[Record] = field(default_factory=list)
    diplomatic: list[Record] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.status is IncidentStatus.OPEN

    @property
    def advice_policy(self) -> AdvicePolicyRecorded | None:
        """The agency policy last recorded in the log (None: none was), the one advice follows from its seq on."""
        if not self.advice_policies:
            return None
        event = self.advice_policies[-1].event
        return event if isinstance(event, AdvicePolicyRecorded) else None

    def utterance_at(self, seq: int) -> Utterance | None:
        for utt in self.utterances:
            if utt.seq == seq:
                return utt
        return None

    def snapshot(self) -> IncidentState:
        """A private copy for a reader: every container and every entry copied, the immutable leaves shared.

        Why not ``copy.deepcopy``: it walked every datetime, enum and frozen event of every line, and was the
        largest cost of a board refresh in the console (issue #6), paid while the recorder's lock held back
        the next append. ``evolve`` mutates only entries (a status, a corrected or retracted line) and
        containers, so copying those one level is enough; an utterance's label and extra maps are copied
        too, so a reader cannot reach the recorder's state through them. A test compares it with deepcopy.
        """
        out = copy.copy(self)
        out.source_meta = copy.deepcopy(self.source_meta)
        out.utterances = [u.copy() for u in self.utterances]
        for name in _ENTRY_MAPS:
            setattr(out, name, {k: copy.copy(v) for k, v in getattr(self, name).items()})
        for name in _ENTRY_LISTS:
            setattr(out, name, [copy.copy(v) for v in getattr(self, name)])
        out.on_duty = dict(self.on_duty)
        return out


_ENTRY_MAPS = ("parties", "demands", "deadlines", "promises", "concessions", "hostages", "intel")
_ENTRY_LISTS = ("notes", "corrections", "duty_log", "injects", "dismissed_advice", "advice_policies", "diplomatic")


def evolve(state: IncidentState, env: Envelope) -> IncidentState:
    """Apply one event. Exhaustive over kinds: mypy fails the build if a kind is left unhandled."""
    p = env.payload
    match p:
        case IncidentOpened():
            state.incident_id, state.title, state.incident_type = env.incident_id, p.title, p.incident_type
            state.location, state.description, state.mode = p.location, p.description, p.mode
            state.source, state.external_id, state.source_meta = p.source, p.external_id, dict(p.source_meta)
            state.opened_at, state.opened_by = env.at, env.actor
        case IncidentClosed():
            state.status, state.outcome, state.closed_at = IncidentStatus.CLOSED, p.outcome, env.at
            state.close_reason = p.reason
        case IncidentReopened():
            state.status, state.closed_at = IncidentStatus.OPEN, None
        case PartyAdded():
            state.parties[p.party_id] = Party(p.party_id, p.name, p.role, env.at, p.description)
        case PartyRoleSet():
            state.parties[p.party_id].role = p.role
        case UtteranceLogged():
            state.utterances.append(
                Utterance(
                    env.seq,
                    p.speaker,
                    p.text,
                    p.channel,
                    env.at,
                    p.occurred_at,
                    p.source_time,
                    {k: list(v) for k, v in p.labels.items()},
                    dict(p.extra),
                )
            )
        case DemandRecorded():
            state.demands[p.demand_id] = Demand(
                p.demand_id,
                p.item,
                p.category,
                p.negotiable,
                p.priority,
                DemandStatus.OPEN,
                env.seq,
                env.at,
                p.utterance_seq,
                env.seq,
            )
        case DemandStatusChanged():
            state.demands[p.demand_id].status = p.status
            state.demands[p.demand_id].status_seq = env.seq
        case DeadlineSet():
            state.deadlines[p.deadline_id] = Deadline(
                p.deadline_id, p.due_at, p.description, DeadlineStatus.PENDING, env.seq, p.demand_id, p.utterance_seq
            )
        case DeadlineStatusChanged():
            deadline = state.deadlines[p.deadline_id]
            deadline.status = p.status
            if p.new_due_at is not None:
                deadline.due_at = p.new_due_at
        case PromiseMade():
            state.promises[p.promise_id] = Commitment(
                p.promise_id, p.what, p.in_exchange_for, CommitmentStatus.PENDING, env.seq, env.at
            )
        case PromiseStatusChanged():
            state.promises[p.promise_id].status = p.status
        case ConcessionGranted():
            state.concessions[p.concession_id] = Commitment(
                p.concession_id, p.what, p.in_exchange_for, CommitmentStatus.PENDING, env.seq, env.at, p.demand_id
            )
        case ConcessionStatusChanged():
            state.concessions[p.concession_id].status = p.status
        case HostageRecorded():
            state.hostages[p.hostage_id] = Hostage(
                p.hostage_id, p.alias, p.condition, p.medical_needs, env.seq, condition_seq=env.seq
            )
        case HostageConditionChanged():
            hostage = state.hostages[p.hostage_id]
            hostage.condition = p.condition
            hostage.condition_seq = env.seq
            if p.medical_needs is not None:
                hostage.medical_needs = p.medical_needs
        case HostageReleased():
            hostage = state.hostages[p.hostage_id]
            hostage.released_at = p.released_at or env.at
            # "unknown" at release says only that no one saw her condition as she came out; it must not erase a
            # condition logged before (the report and the well-being index would lose a known injury).
            if p.condition is not None and p.condition is not HostageCondition.UNKNOWN:
                hostage.condition = p.condition
                hostage.condition_seq = env.seq
        case IntelItemAdded():
            state.intel[p.intel_id] = IntelItem(
                p.intel_id, p.content, p.source, p.reliability, p.credibility, env.seq, env.at
            )
        case NoteAdded():
            state.notes.append(Note(env.seq, p.text, p.note_kind, env.actor, env.at))
        case EntryCorrected():
            state.corrections.append(Correction(env.seq, p.ref_seq, p.field, p.value, p.reason))
            _apply_correction(state, p.ref_seq, p.field, p.value)
        case EntryRetracted():
            state.corrections.append(Correction(env.seq, p.ref_seq, None, None, p.reason))
            utt = state.utterance_at(p.ref_seq)
            if utt is not None:
                utt.retracted = True
        case DutyStarted():
            state.on_duty[p.party_id] = env.at
            state.duty_log.append(Record(env.seq, env.at, p))
        case DutyEnded():
            state.on_duty.pop(p.party_id, None)
            state.duty_log.append(Record(env.seq, env.at, p))
        case InjectIssued():
            state.injects.append(Record(env.seq, env.at, p))
        case AdviceDismissed():
            state.dismissed_advice.append(Record(env.seq, env.at, p))
        case AdvicePolicyRecorded():
            state.advice_policies.append(Record(env.seq, env.at, p))
        case StakeholderAdded() | ChannelOpened() | ConstraintNoted() | MediaEventRecorded() | SupportStated():
            state.diplomatic.append(Record(env.seq, env.at, p))
        case _:
            assert_never(p)
    state.head_seq, state.head_hash = env.seq, env.hash
    if env.kind not in NOT_ENTRIES:
        state.last_at = env.at
    return state


CORRECTABLE_UTTERANCE_FIELDS = frozenset({"text", "speaker", "channel"})


def _apply_correction(state: IncidentState, ref_seq: int, field_name: str, value: JsonValue) -> None:
    """Corrections reach utterances only; other entries are corrected by their own status events."""
    utt = state.utterance_at(ref_seq)
    if utt is None or field_name not in CORRECTABLE_UTTERANCE_FIELDS or not isinstance(value, str):
        return
    if field_name == "channel":
        utt.channel = Channel(value)
    elif field_name == "speaker":
        utt.speaker = value
    else:
        utt.text = value


def replay(envelopes: Iterable[Envelope]) -> IncidentState:
    """Fold a whole log, in seq order, into the current state."""
    state = IncidentState()
    for env in envelopes:
        evolve(state, env)
    return state
