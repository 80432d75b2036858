"""Request and response models of the JSON API (and of the pages' forms, which post the same fields).

Why one set for both: a phone-text gateway posting JSON and the scribe's form must be held to the same
limits. Inputs forbid unknown keys and drop blank form fields (an empty ``<input>`` means "not given"), so
a default applies instead of a confusing type error; the form's ``csrf_token`` is checked before models
see the body and is dropped here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from talkdown.domain.enums import (
    Channel,
    ChannelKind,
    CommitmentStatus,
    Credibility,
    DeadlineStatus,
    DemandCategory,
    DemandStatus,
    HostageCondition,
    IncidentType,
    NoteKind,
    Reliability,
    Role,
    StakeholderKind,
    Tone,
)
from talkdown.domain.text import DESCRIPTION_MAX, LONG_TEXT_MAX, SHORT_TEXT_MAX, is_blank
from talkdown.services.accounts import AccountRole
from talkdown.services.live import Mark


def _not_blank(value: str) -> str:
    """A required text of spaces only is refused: the browser's ``required`` lets it through, and a title
    of spaces made an incident whose link in the list had nothing to click. Blank as every face reads it
    (``is_blank``): zero-width characters alone are blank too."""
    if is_blank(value):
        raise PydanticCustomError("blank", "must not be blank")
    return value


Short = Annotated[str, Field(min_length=1, max_length=SHORT_TEXT_MAX), AfterValidator(_not_blank)]
Optional500 = Annotated[str, Field(max_length=SHORT_TEXT_MAX)]
Long = Annotated[str, Field(min_length=1, max_length=LONG_TEXT_MAX), AfterValidator(_not_blank)]
MAX_SEQ = 2**31 - 1
"""The largest seq a request may name (the signed 32-bit ``seq`` column); the stream's ``after`` and the training
chat's ``seq`` share it, so a number the store cannot hold is a 422, never a database error."""
Seq = Annotated[int, Field(ge=1, le=MAX_SEQ)]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_blanks(cls, data: Any) -> Any:  # raw input is Any until validated (CONVENTIONS §10)
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v != "" and k != "csrf_token"}
        return data


class LoginIn(Input):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=1000)]


class IncidentIn(Input):
    title: Short
    incident_type: IncidentType = IncidentType.BARRICADE
    location: Optional500 = ""
    description: Annotated[str, Field(max_length=DESCRIPTION_MAX)] = ""


class PartyIn(Input):
    name: Short
    role: Role = Role.UNKNOWN


class UtteranceIn(Input):
    speaker: Short
    text: Long
    channel: Channel = Channel.PHONE
    role_if_new: Role | None = None


class MarkIn(Input):
    seq: Seq
    mark: Mark
    due: Annotated[str, Field(max_length=20)] = ""
    item: Annotated[
        str,
        Field(
            max_length=500,
            description="For a demand: which item of the line to record (the board has a button per item heard); "
            "empty: the first item heard there not yet recorded from it",
        ),
    ] = ""


class DemandIn(Input):
    item: Short
    category: DemandCategory = DemandCategory.OTHER
    negotiable: bool = True
    priority: Annotated[int, Field(ge=1, le=5)] = 3
    utterance_seq: Seq | None = None


class DemandStatusIn(Input):
    demand_id: Ident
    status: DemandStatus
    reason: Optional500 = ""


class DeadlineIn(Input):
    due_at: AwareDatetime | None = None
    due_in: Annotated[str | None, Field(max_length=20, description="e.g. 30m or 1h30m, from now")] = None
    description: Optional500 = ""
    demand_id: Ident | None = None
    utterance_seq: Seq | None = None


class DeadlineStatusIn(Input):
    deadline_id: Ident
    status: DeadlineStatus
    new_due_at: AwareDatetime | None = None
    reason: Optional500 = ""


class PromiseIn(Input):
    what: Short
    in_exchange_for: Optional500 = ""


class CommitmentStatusIn(Input):
    commitment_id: Ident
    status: CommitmentStatus
    reason: Optional500 = ""


class ConcessionIn(Input):
    what: Short
    in_exchange_for: Optional500 = ""
    demand_id: Ident | None = None


class HostageIn(Input):
    alias: Short
    condition: HostageCondition = HostageCondition.UNKNOWN
    medical_needs: Optional500 = ""


class HostageConditionIn(Input):
    hostage_id: Ident
    condition: HostageCondition
    medical_needs: Optional500 | None = None


class HostageReleaseIn(Input):
    hostage_id: Ident
    condition: HostageCondition | None = None


class IntelIn(Input):
    content: Long
    source: Short
    reliability: Reliability = Reliability.F
    credibility: Credibility = Credibility.CANNOT_JUDGE


class NoteIn(Input):
    text: Long
    kind: NoteKind = NoteKind.NOTE


MAX_CHANNEL_STAKEHOLDERS = 50
"""The most stakeholders one channel may name: a multilateral channel has a handful; the bound keeps one request's
work (a look-up per name) small."""


def _drop_blank_items(value: Any) -> Any:  # raw input is Any until validated (CONVENTIONS §10)
    """A list without its empty strings: the board's channel form has several "with" boxes, and the ones left empty
    post ``""`` (the model's ``_drop_blanks`` drops only a field that is empty as a whole)."""
    if isinstance(value, list):
        return [v for v in value if v != ""]
    return value


class StakeholderIn(Input):
    """``talkdown diplomatic stakeholder``: names are unique in an incident, ignoring case (TD302)."""

    name: Short
    kind: StakeholderKind = StakeholderKind.OTHER
    country: Optional500 = ""
    stance: Optional500 = ""


class ChannelIn(Input):
    """``talkdown diplomatic channel``: the kind is required, as the CLI's ``--kind`` is."""

    kind: ChannelKind
    description: Short
    stakeholders: Annotated[
        list[Short],
        BeforeValidator(_drop_blank_items),
        Field(max_length=MAX_CHANNEL_STAKEHOLDERS, description="Stakeholder ids or names (ignoring case)"),
    ] = []


class ConstraintIn(Input):
    description: Short
    legal: Annotated[bool, Field(description="A law, as opposed to a policy")] = False


class MediaEventIn(Input):
    outlet: Short
    description: Short
    tone: Tone = Tone.NEUTRAL
    reach: Annotated[int, Field(ge=1, le=5, description="1 local .. 5 global")] = 1


class StatementIn(Input):
    """A statement of support or opposition; ``by`` is linked to a stakeholder when it names one."""

    by: Annotated[Short, Field(description="A stakeholder's id or name, or anyone else")]
    description: Short
    tone: Tone = Tone.POSITIVE


class DismissIn(Input):
    advice_id: Short
    reason: Short


class CloseIn(Input):
    outcome: Optional500 = ""
    reason: Optional500 = ""


class ReopenIn(Input):
    reason: Optional500 = ""


class UserIn(Input):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    role: AccountRole
    password: Annotated[str, Field(min_length=10, max_length=1000)]


class UserChange(Input):
    """What an admin changes on an account; absent fields stay as they are."""

    role: AccountRole | None = None
    disabled: bool | None = None
    password: Annotated[str | None, Field(min_length=10, max_length=1000)] = None


class Recorded(BaseModel):
    """What a write returns: the seq of its last event, and the id of the entry it created, if any."""

    seq: int
    id: str | None = None


class SpanOut(BaseModel):
    start: int
    end: int


class AnnotationOut(BaseModel):
    analyzer: str
    analyzer_version: str
    family: str
    label: str
    score: float
    evidence: list[SpanOut]
    low_confidence: bool
    detail: dict[str, str | float | int | bool | None]


class SessionOut(BaseModel):
    username: str
    role: AccountRole
    permissions: list[str]
    csrf_token: str


class IncidentOut(BaseModel):
    incident_id: str
    title: str
    incident_type: str
    mode: str
    opened_at: datetime
    events: int
    status: str


class VerifyOut(BaseModel):
    ok: bool
    count: int
    head_seq: int
    head_hash: str


class HeadOut(BaseModel):
    incident_id: str
    seq: int
    hash: str
    checkpoint_seq: int | None
    checkpoint_hash: str | None
    paper_line: str


class AdviceOut(BaseModel):
    advice_id: str
    rule_id: str
    title: str
    action: str
    reason: str
    about: str
    doctrine_ref: str
    sources: list[str]
    trigger_seqs: list[int]
    priority: int
    advisor_version: str


class AdviceListOut(BaseModel):
    """``GET /api/incidents/{id}/advice``: the same document as ``talkdown advise --json``."""

    incident_id: str
    head_seq: int
    at: datetime
    policy: Annotated[str, Field(description="The agency policy the advice follows (its `agency`)")]
    advisor_version: str
    incident_open: Annotated[
        bool, Field(description="False: the incident is closed and gets no advice (not a log that calls for none)")
    ]
    advice: list[AdviceOut]


class UserOut(BaseModel):
    username: str
    role: AccountRole
    disabled: bool


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    outcome: str
    target: str
    client: str
    detail: str
