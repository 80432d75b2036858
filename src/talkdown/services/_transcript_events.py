"""Turn a parsed transcript into the events of a new STUDY incident; shared by every import path.

Why one place: a transcript file, a JSONL data set and a ConvoKit corpus must become incidents the same
way (every speaker a party, the side a role when nobody mapped it, source times and gold labels kept), so
that exports of any of them read back the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from pydantic import JsonValue, ValidationError

from talkdown.domain.enums import IncidentMode, IncidentType, Role
from talkdown.domain.events import AnyEvent, IncidentOpened, PartyAdded, UtteranceLogged
from talkdown.domain.ids import new_id
from talkdown.errors import TalkdownError
from talkdown.services.formats.model import Transcript, TranscriptTurn, seconds

# The JSONL format's sides, and the role a speaker on that side gets when nobody mapped it.
SIDE_ROLE = {"negotiator": Role.PRIMARY, "subject": Role.SUBJECT}


def side_of(role: Role) -> str | None:
    """The JSONL side a party's role exports as (the inverse of ``SIDE_ROLE``); None for everyone else."""
    if role.is_negotiator:
        return "negotiator"
    return "subject" if role is Role.SUBJECT else None


def plan_incident(
    t: Transcript,
    *,
    incident_type: IncidentType,
    title: str,
    mapping: Mapping[str, Role] | None = None,
    start: datetime | None = None,
    extra_meta: Mapping[str, JsonValue] | None = None,
) -> tuple[str, list[AnyEvent]]:
    """A new incident id and its events; raises a coded error before anything is written."""
    meta: dict[str, JsonValue] = {"meta": t.meta, "split": t.split, **(extra_meta or {})}
    events: list[AnyEvent] = [
        IncidentOpened(
            title=(t.external_id or title)[:500],
            incident_type=incident_type,
            mode=IncidentMode.STUDY,
            source=t.source,
            external_id=t.external_id,
            source_meta=meta,
        )
    ]
    parties: dict[str, str] = {}
    for turn in t.turns:
        if turn.speaker not in parties:
            parties[turn.speaker] = f"p{len(parties) + 1}"
            role = (mapping or {}).get(turn.speaker) or SIDE_ROLE.get(turn.role or "", Role.UNKNOWN)
            events.append(PartyAdded(party_id=parties[turn.speaker], name=turn.speaker[:500], role=role))
        events.append(_utterance(turn, parties[turn.speaker], start))
    return new_id(), events


def _utterance(turn: TranscriptTurn, party_id: str, start: datetime | None) -> UtteranceLogged:
    extra: dict[str, JsonValue] = dict(turn.extra)
    if turn.role is not None:
        extra["role"] = turn.role
    if turn.end_time is not None:
        extra["end_time"] = turn.end_time
    occurred = start + timedelta(seconds=seconds(turn.time)) if start is not None and turn.time else None
    try:
        return UtteranceLogged(
            speaker=party_id,
            text=turn.text,
            occurred_at=occurred,
            source_time=turn.time,
            labels={k: list(v) for k, v in turn.labels.items()},
            extra=extra,
        )
    except ValidationError as exc:
        raise TalkdownError("TD105", value=turn.text[:40], what="utterance", problem=exc.errors()[0]["msg"]) from exc
