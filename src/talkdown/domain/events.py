"""The facts an incident log records, one frozen model per kind.

A ``kind`` never changes once released: stored logs name it, and changing it would make old logs
unreadable. To evolve an event add an optional field or a new kind. Names are past tense because an
event records what already happened; loaded verbs (released, delivered) keep their literal meaning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from talkdown.domain.enums import (
    Channel,
    ChannelKind,
    CommitmentStatus,
    Credibility,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    IncidentMode,
    IncidentType,
    NoteKind,
    Reliability,
    Role,
    StakeholderKind,
    Tone,
)
from talkdown.domain.text import SHORT_TEXT_MAX

Text = Annotated[str, Field(min_length=1, max_length=100_000)]
ShortText = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX)]
# Imported transcripts may hold empty turns (a shared data set does); live entry refuses them in services.
UtteranceText = Annotated[str, Field(max_length=100_000)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class Fact(BaseModel):
    """Base of every event: frozen so a recorded fact cannot be changed in memory either."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class IncidentOpened(Fact):
    kind: Literal["incident_opened"] = "incident_opened"
    title: ShortText
    incident_type: IncidentType
    location: str = ""
    mode: IncidentMode = IncidentMode.LIVE
    description: str = ""
    # Where an imported incident came from, kept so an export can give it back unchanged.
    source: str | None = None
    external_id: str | None = None
    source_meta: dict[str, JsonValue] = Field(default_factory=dict)


class IncidentClosed(Fact):
    kind: Literal["incident_closed"] = "incident_closed"
    outcome: str = ""
    reason: str = ""


class IncidentReopened(Fact):
    kind: Literal["incident_reopened"] = "incident_reopened"
    reason: str = ""


class PartyAdded(Fact):
    kind: Literal["party_added"] = "party_added"
    party_id: Ident
    name: ShortText
    role: Role = Role.UNKNOWN
    description: str = ""


class PartyRoleSet(Fact):
    kind: Literal["party_role_set"] = "party_role_set"
    party_id: Ident
    role: Role


class UtteranceLogged(Fact):
    kind: Literal["utterance_logged"] = "utterance_logged"
    speaker: Ident
    text: UtteranceText
    channel: Channel = Channel.PHONE
    occurred_at: datetime | None = None
    # Offset into a source recording (hh:mm:ss as written there), kept verbatim for lossless export.
    source_time: str | None = None
    # Gold labels that arrived with an imported transcript; never written by talkdown's analysers.
    labels: dict[str, list[str]] = Field(default_factory=dict)
    extra: dict[str, JsonValue] = Field(default_factory=dict)


class DemandRecorded(Fact):
    kind: Literal["demand_recorded"] = "demand_recorded"
    demand_id: Ident
    item: ShortText
    category: DemandCategory = DemandCategory.OTHER
    negotiable: bool = True
    priority: int = Field(default=3, ge=1, le=5)
    utterance_seq: int | None = None


class DemandStatusChanged(Fact):
    kind: Literal["demand_status_changed"] = "demand_status_changed"
    demand_id: Ident
    status: DemandStatus
    reason: str = ""


class DeadlineSet(Fact):
    kind: Literal["deadline_set"] = "deadline_set"
    deadline_id: Ident
    due_at: datetime
    description: str = ""
    demand_id: Ident | None = None
    utterance_seq: int | None = None


class DeadlineStatusChanged(Fact):
    kind: Literal["deadline_status_changed"] = "deadline_status_changed"
    deadline_id: Ident
    status: DeadlineStatus
    new_due_at: datetime | None = None
    reason: str = ""


class PromiseMade(Fact):
    kind: Literal["promise_made"] = "promise_made"
    promise_id: Ident
    what: ShortText
    in_exchange_for: str = ""
    utterance_seq: int | None = None


class PromiseStatusChanged(Fact):
    kind: Literal["promise_status_changed"] = "promise_status_changed"
    promise_id: Ident
    status: CommitmentStatus
    reason: str = ""


class ConcessionGranted(Fact):
    kind: Literal["concession_granted"] = "concession_granted"
    concession_id: Ident
    what: ShortText
    in_exchange_for: str = ""
    demand_id: Ident | None = None


class ConcessionStatusChanged(Fact):
    kind: Literal["concession_status_changed"] = "concession_status_changed"
    concession_id: Ident
    status: CommitmentStatus
    reason: str = ""


class HostageRecorded(Fact):
    kind: Literal["hostage_recorded"] = "hostage_recorded"
    hostage_id: Ident
    alias: ShortText
    condition: HostageCondition = HostageCondition.UNKNOWN
    medical_needs: str = ""


class HostageConditionChanged(Fact):
    kind: Literal["hostage_condition_changed"] = "hostage_condition_changed"
    hostage_id: Ident
    condition: HostageCondition
    medical_needs: str | None = None


class HostageReleased(Fact):
    kind: Literal["hostage_released"] = "hostage_released"
    hostage_id: Ident
    released_at: datetime | None = None
    condition: HostageCondition | None = None


class IntelItemAdded(Fact):
    kind: Literal["intel_item_added"] = "intel_item_added"
    intel_id: Ident
    content: Text
    source: ShortText
    reliability: Reliability = Reliability.F
    credibility: Credibility = Credibility.CANNOT_JUDGE


class NoteAdded(Fact):
    kind: Literal["note_added"] = "note_added"
    text: Text
    note_kind: NoteKind = NoteKind.NOTE


class EntryCorrected(Fact):
    """A correction names the entry and field; the original stays in the log and in reports."""

    kind: Literal["entry_corrected"] = "entry_corrected"
    ref_seq: int = Field(ge=1)
    field: ShortText
    value: JsonValue
    reason: ShortText


class EntryRetracted(Fact):
    kind: Literal["entry_retracted"] = "entry_retracted"
    ref_seq: int = Field(ge=1)
    reason: ShortText


class DutyStarted(Fact):
    """A team member went on duty (for relief alerts: doctrine, incident-types.md "Relief and rotation")."""

    kind: Literal["duty_started"] = "duty_started"
    party_id: Ident


class DutyEnded(Fact):
    kind: Literal["duty_ended"] = "duty_ended"
    party_id: Ident
    relieved_by: Ident | None = None


class InjectIssued(Fact):
    """An instructor's inject in a training session (media helicopter, medical emergency, ...)."""

    kind: Literal["inject_issued"] = "inject_issued"
    inject_id: Ident
    name: ShortText
    description: str = ""
    effects: dict[str, JsonValue] = Field(default_factory=dict)


class AdviceDismissed(Fact):
    """A person set aside an advice item; names the rule and advisor version it came from."""

    kind: Literal["advice_dismissed"] = "advice_dismissed"
    advice_id: ShortText
    rule_id: ShortText
    advisor_version: ShortText
    reason: ShortText


class AdvicePolicyRecorded(Fact):
    """The agency policy the advice follows from this seq on, recorded by the face that computed the advice.

    Why an event: advice is derived, and the after-action report replays it; without the policy in the log the
    replay used whatever file was in force when the report was made, not the one the team's board followed. The
    whole content is kept (not only a name or a path) so that a report made years later, on another machine,
    replays under exactly what was in force; ``fingerprint`` is the sha256 of that content in the log's canonical
    encoding (``log.content_fingerprint``), checked by ``decide``. ``file`` is the policy file's name, None when no
    file was set and the doctrine defaults spoke.
    """

    kind: Literal["advice_policy_recorded"] = "advice_policy_recorded"
    fingerprint: str = Field(pattern=r"^[0-9a-f]{64}$")
    content: dict[str, JsonValue]
    file: str | None = None


NOT_ENTRIES: frozenset[str] = frozenset({"advice_policy_recorded"})
"""Kinds the log records that are no entry of the team's: the advisor records a policy when a board or ``advise``
first computes advice under it, which says when someone looked, not that anything was said or done. They add no
point to the metrics over time (``doctrine.metrics.metric_series``) and do not end an open incident's duration so
far (``IncidentState.last_at``): counted, opening a board hours after the last line moved both. The log, the
report's timeline and its policy section still show them."""


class StakeholderAdded(Fact):
    kind: Literal["stakeholder_added"] = "stakeholder_added"
    stakeholder_id: Ident
    name: ShortText
    stakeholder_kind: StakeholderKind = StakeholderKind.OTHER
    country: str = ""
    stance: str = ""


class ChannelOpened(Fact):
    """A negotiation channel of the diplomatic track: official, back-channel or multilateral."""

    kind: Literal["channel_opened"] = "channel_opened"
    channel_id: Ident
    channel_kind: ChannelKind
    description: ShortText
    stakeholder_ids: list[str] = Field(default_factory=list)


class ConstraintNoted(Fact):
    """A legal or policy constraint (a no-ransom law, a no-concessions policy)."""

    kind: Literal["constraint_noted"] = "constraint_noted"
    constraint_id: Ident
    description: ShortText
    legal: bool = False


class MediaEventRecorded(Fact):
    kind: Literal["media_event_recorded"] = "media_event_recorded"
    media_id: Ident
    outlet: ShortText
    description: ShortText
    tone: Tone = Tone.NEUTRAL
    reach: int = Field(default=1, ge=1, le=5)


class SupportStated(Fact):
    """A statement of support (or opposition) by a stakeholder, for the International Support metric."""

    kind: Literal["support_stated"] = "support_stated"
    statement_id: Ident
    stakeholder_id: Ident | None = None
    by: ShortText
    description: ShortText
    tone: Tone = Tone.POSITIVE


AnyEvent = Annotated[
    IncidentOpened
    | IncidentClosed
    | IncidentReopened
    | PartyAdded
    | PartyRoleSet
    | UtteranceLogged
    | DemandRecorded
    | DemandStatusChanged
    | DeadlineSet
    | DeadlineStatusChanged
    | PromiseMade
    | PromiseStatusChanged
    | ConcessionGranted
    | ConcessionStatusChanged
    | HostageRecorded
    | HostageConditionChanged
    | HostageReleased
    | IntelItemAdded
    | NoteAdded
    | EntryCorrected
    | EntryRetracted
    | DutyStarted
    | DutyEnded
    | InjectIssued
    | AdviceDismissed
    | AdvicePolicyRecorded
    | StakeholderAdded
    | ChannelOpened
    | ConstraintNoted
    | MediaEventRecorded
    | SupportStated,
    Field(discriminator="kind"),
]
