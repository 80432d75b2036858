"""Invariants checked before events are appended; nothing here mutates state.

Why a separate step from ``evolve``: a log must never contain an event that the fold cannot apply (a
status change for a demand that does not exist, an entry in a closed incident), so every write goes
through ``decide`` first, and ``evolve`` can trust what it reads.
"""

from __future__ import annotations

from collections.abc import Sequence

from talkdown.domain.enums import Channel, CommitmentStatus, DeadlineStatus
from talkdown.domain.events import (
    AdvicePolicyRecorded,
    AnyEvent,
    ConcessionGranted,
    ConcessionStatusChanged,
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
    IntelItemAdded,
    PartyAdded,
    PartyRoleSet,
    PromiseMade,
    PromiseStatusChanged,
    UtteranceLogged,
)
from talkdown.domain.log import content_fingerprint
from talkdown.domain.state import CORRECTABLE_UTTERANCE_FIELDS, Commitment, Deadline, IncidentState
from talkdown.domain.text import is_blank
from talkdown.errors import TalkdownError

# (event type, attribute holding the id, state collection name, human name)
_CREATES: tuple[tuple[type, str, str, str], ...] = (
    (PartyAdded, "party_id", "parties", "party"),
    (DemandRecorded, "demand_id", "demands", "demand"),
    (DeadlineSet, "deadline_id", "deadlines", "deadline"),
    (PromiseMade, "promise_id", "promises", "promise"),
    (ConcessionGranted, "concession_id", "concessions", "concession"),
    (HostageRecorded, "hostage_id", "hostages", "hostage"),
    (IntelItemAdded, "intel_id", "intel", "intel item"),
)

_REFERS: tuple[tuple[type, str, str, str], ...] = (
    (PartyRoleSet, "party_id", "parties", "party"),
    (UtteranceLogged, "speaker", "parties", "party"),
    (DutyStarted, "party_id", "parties", "party"),
    (DutyEnded, "party_id", "parties", "party"),
    (DemandStatusChanged, "demand_id", "demands", "demand"),
    (DeadlineStatusChanged, "deadline_id", "deadlines", "deadline"),
    (PromiseStatusChanged, "promise_id", "promises", "promise"),
    (ConcessionStatusChanged, "concession_id", "concessions", "concession"),
    (HostageConditionChanged, "hostage_id", "hostages", "hostage"),
    (HostageReleased, "hostage_id", "hostages", "hostage"),
)


def decide(state: IncidentState, events: Sequence[AnyEvent]) -> tuple[AnyEvent, ...]:
    """Return the events unchanged if they may follow ``state``; raise a coded error otherwise."""
    pending: dict[str, set[str]] = {}
    is_open, head = state.is_open, state.head_seq
    incident = state.incident_id or "(new)"
    for offset, event in enumerate(events, start=1):
        if isinstance(event, UtteranceLogged):
            pending.setdefault("utterances", set()).add(str(head + offset))
        if head == 0 and not pending and not isinstance(event, IncidentOpened):
            raise TalkdownError("TD302", incident_id=incident, problem="a log must start with incident_opened")
        if isinstance(event, IncidentOpened):
            if head > 0 or pending.get("opened"):
                raise TalkdownError("TD302", incident_id=incident, problem="the incident is already open")
            pending["opened"] = {"yes"}
            continue
        if isinstance(event, IncidentReopened):
            if is_open:
                raise TalkdownError("TD302", incident_id=incident, problem="the incident is not closed")
            is_open = True
            continue
        if not is_open:
            raise TalkdownError("TD301", incident_id=incident)
        if isinstance(event, IncidentClosed):
            is_open = False
            continue
        _check_ids(state, event, pending, incident)
        _check_references(state, event, pending, incident)
    return tuple(events)


def _known(state: IncidentState, collection: str, pending: dict[str, set[str]], ref: str) -> bool:
    return ref in getattr(state, collection) or ref in pending.get(collection, set())


def _check_ids(state: IncidentState, event: AnyEvent, pending: dict[str, set[str]], incident: str) -> None:
    for cls, attr, collection, name in _CREATES:
        if isinstance(event, cls):
            ref = getattr(event, attr)
            if _known(state, collection, pending, ref):
                raise TalkdownError("TD302", incident_id=incident, problem=f"{name} '{ref}' already exists")
            pending.setdefault(collection, set()).add(ref)


def _check_references(state: IncidentState, event: AnyEvent, pending: dict[str, set[str]], incident: str) -> None:
    for cls, attr, collection, name in _REFERS:
        if isinstance(event, cls):
            ref = getattr(event, attr)
            if not _known(state, collection, pending, ref):
                raise TalkdownError("TD202", incident_id=incident, what=name, ref=ref)
    linked = getattr(event, "demand_id", None) if isinstance(event, DeadlineSet | ConcessionGranted) else None
    if linked is not None and not _known(state, "demands", pending, linked):
        raise TalkdownError("TD202", incident_id=incident, what="demand", ref=linked)
    # A demand, deadline or promise may name the utterance it came from; a seq that is no utterance would leave
    # the record pointing at nothing (or at a note), so it is refused like any other unknown reference.
    said_at = (
        getattr(event, "utterance_seq", None) if isinstance(event, DemandRecorded | DeadlineSet | PromiseMade) else None
    )
    if said_at is not None and not _is_utterance(state, pending, said_at):
        raise TalkdownError("TD202", incident_id=incident, what="utterance at seq", ref=said_at)
    if isinstance(event, EntryCorrected | EntryRetracted):
        if not _is_utterance(state, pending, event.ref_seq):
            raise TalkdownError("TD202", incident_id=incident, what="utterance at seq", ref=event.ref_seq)
        if isinstance(event, EntryCorrected) and event.field not in CORRECTABLE_UTTERANCE_FIELDS:
            problem = f"field '{event.field}' cannot be corrected; use one of {sorted(CORRECTABLE_UTTERANCE_FIELDS)}"
            raise TalkdownError("TD302", incident_id=incident, problem=problem)
        if isinstance(event, EntryCorrected):
            _check_corrected_value(state, event, pending, incident)
    _check_once(state, event, incident)
    _check_correction_has_reason(state, event, incident)
    _check_fingerprint(event, incident)


def _check_fingerprint(event: AnyEvent, incident: str) -> None:
    """A recorded policy's fingerprint is the sha256 of the content it records: the report names the policy by it,
    so a fingerprint that names other content would point a reader at a policy that was never in force."""
    if isinstance(event, AdvicePolicyRecorded) and event.fingerprint != content_fingerprint(event.content):
        problem = "the advice policy's fingerprint is not the sha256 of the content it records"
        raise TalkdownError("TD302", incident_id=incident, problem=problem)


def _check_once(state: IncidentState, event: AnyEvent, incident: str) -> None:
    """A release and a retraction happen once. A second release overwrote the first one's time on the board and
    in the metrics (the log kept both), and a second retraction recorded nothing new."""
    if isinstance(event, HostageReleased):
        hostage = state.hostages.get(event.hostage_id)
        if hostage is not None and hostage.released_at is not None:
            when = hostage.released_at.strftime("%H:%M:%S UTC")  # the board's reader, not a log's microseconds
            problem = f"hostage '{event.hostage_id}' was already released at {when}"
            raise TalkdownError("TD302", incident_id=incident, problem=problem)
    if isinstance(event, EntryRetracted):
        utt = state.utterance_at(event.ref_seq)
        if utt is not None and utt.retracted:
            raise TalkdownError("TD302", incident_id=incident, problem=f"seq {event.ref_seq} is already retracted")


def _is_utterance(state: IncidentState, pending: dict[str, set[str]], seq: int) -> bool:
    return state.utterance_at(seq) is not None or str(seq) in pending.get("utterances", set())


def _check_corrected_value(
    state: IncidentState, event: EntryCorrected, pending: dict[str, set[str]], incident: str
) -> None:
    value = event.value
    if not isinstance(value, str) or not value:
        raise TalkdownError("TD302", incident_id=incident, problem=f"a corrected {event.field} must be non-empty text")
    if event.field == "channel" and value not in {c.value for c in Channel}:
        raise TalkdownError("TD302", incident_id=incident, problem=f"'{value}' is not a channel")
    if event.field == "speaker" and not _known(state, "parties", pending, value):
        raise TalkdownError("TD202", incident_id=incident, what="party", ref=value)


_DEADLINE_SETTLED = frozenset({DeadlineStatus.MET, DeadlineStatus.PASSED_WITHOUT_INCIDENT})
_COMMITMENT_SETTLED = frozenset({CommitmentStatus.KEPT, CommitmentStatus.BROKEN})


def _check_correction_has_reason(state: IncidentState, event: AnyEvent, incident: str) -> None:
    """Changing a deadline, promise or concession that was already settled (met or passed; kept or broken) is a
    correction of the record, and the log must say why: the console's form required a reason, but the API and the
    CLI took "kept" → "broken" without one, so the after-action report showed a flip nobody explained. Demands
    are left out: "refused" then "in progress" is how bargaining goes, not a correction. Restored logs
    (``verify.restore_event_log``) are not decided again, so older logs stay importable."""
    before: Deadline | Commitment | None
    settled: frozenset[DeadlineStatus] | frozenset[CommitmentStatus]
    if isinstance(event, DeadlineStatusChanged):
        name, before, settled = "deadline", state.deadlines.get(event.deadline_id), _DEADLINE_SETTLED
    elif isinstance(event, PromiseStatusChanged):
        name, before, settled = "promise", state.promises.get(event.promise_id), _COMMITMENT_SETTLED
    elif isinstance(event, ConcessionStatusChanged):
        name, before, settled = "concession", state.concessions.get(event.concession_id), _COMMITMENT_SETTLED
    else:
        return
    if before is None or before.status not in settled or before.status == event.status or not is_blank(event.reason):
        return
    raise TalkdownError(
        "TD302",
        incident_id=incident,
        problem=f"the {name} is already {before.status.value.replace('_', ' ')}; correcting it needs a reason, "
        "which the log keeps beside the first status",
    )
