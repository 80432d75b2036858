"""Use cases of the diplomatic track (seed 001): stakeholders, channels, constraints, media, support.

These entries feed the International Support, Media Exposure and Diplomatic Relations Impact metrics
(docs/metrics.md); like every entry they are events in the incident's log.
"""

from __future__ import annotations

from talkdown.domain.enums import ChannelKind, StakeholderKind, Tone
from talkdown.domain.events import (
    AnyEvent,
    ChannelOpened,
    ConstraintNoted,
    MediaEventRecorded,
    StakeholderAdded,
    SupportStated,
)
from talkdown.domain.ids import new_id
from talkdown.domain.state import IncidentState
from talkdown.domain.text import require_entry_text, require_short
from talkdown.errors import TalkdownError
from talkdown.services.incidents import resolve_incident_id
from talkdown.services.wiring import App


def _record(app: App, ref: str, event: AnyEvent) -> int:
    return app.recorder.record(resolve_incident_id(app, ref), [event], actor=app.actor)[-1].seq


def stakeholders(state: IncidentState) -> dict[str, StakeholderAdded]:
    return {r.event.stakeholder_id: r.event for r in state.diplomatic if isinstance(r.event, StakeholderAdded)}


def find_stakeholder(state: IncidentState, ref: str) -> str:
    """A stakeholder by id or by name ignoring case; NotFound names the incident."""
    known = stakeholders(state)
    if ref in known:
        return ref
    for sid, s in known.items():
        if s.name.casefold() == ref.strip().casefold():
            return sid
    raise TalkdownError("TD202", incident_id=state.incident_id, what="stakeholder", ref=ref)


def add_stakeholder(
    app: App, ref: str, *, name: str, kind: StakeholderKind, country: str = "", stance: str = ""
) -> tuple[str, int]:
    """Names are unique in an incident (ignoring case): channels and statements name stakeholders, and a second
    "ICRC" made every later "--with ICRC" mean the first one, silently."""
    sid = new_id("s")
    name = require_entry_text(name, what="name")
    country, stance = require_short(country, what="country"), require_short(stance, what="stance")
    incident_id = resolve_incident_id(app, ref)

    def build(state: IncidentState) -> list[AnyEvent]:
        wanted = name.strip().casefold()
        same = next((k for k, s in stakeholders(state).items() if s.name.strip().casefold() == wanted), None)
        if same is not None:
            problem = f"stakeholder '{name}' already exists ({same}); give the new one a name of its own"
            raise TalkdownError("TD302", incident_id=incident_id, problem=problem)
        return [StakeholderAdded(stakeholder_id=sid, name=name, stakeholder_kind=kind, country=country, stance=stance)]

    return sid, app.recorder.record_with(incident_id, build, actor=app.actor)[-1].seq


def open_channel(app: App, ref: str, *, kind: ChannelKind, description: str, with_: list[str]) -> tuple[str, int]:
    require_entry_text(description, what="description")
    state = app.recorder.current(resolve_incident_id(app, ref))
    ids = list(dict.fromkeys(find_stakeholder(state, s) for s in with_))  # "--with ICRC --with s1" is one party
    cid = new_id("c")
    event = ChannelOpened(channel_id=cid, channel_kind=kind, description=description, stakeholder_ids=ids)
    return cid, _record(app, ref, event)


def note_constraint(app: App, ref: str, *, description: str, legal: bool) -> tuple[str, int]:
    kid = new_id("k")
    require_entry_text(description, what="description")
    return kid, _record(app, ref, ConstraintNoted(constraint_id=kid, description=description, legal=legal))


def record_media(app: App, ref: str, *, outlet: str, description: str, tone: Tone, reach: int) -> tuple[str, int]:
    mid = new_id("m")
    require_entry_text(outlet, what="outlet")
    require_entry_text(description, what="description")
    event = MediaEventRecorded(media_id=mid, outlet=outlet, description=description, tone=tone, reach=reach)
    return mid, _record(app, ref, event)


def state_support(app: App, ref: str, *, by: str, description: str, tone: Tone) -> tuple[str, int]:
    """A statement by a known stakeholder (linked) or by anyone else (name only)."""
    require_entry_text(by, what="by")
    require_entry_text(description, what="description")
    state = app.recorder.current(resolve_incident_id(app, ref))
    linked = stakeholders(state)
    sid = next((k for k, s in linked.items() if by in (k, s.name) or s.name.casefold() == by.casefold()), None)
    vid = new_id("v")
    event = SupportStated(statement_id=vid, stakeholder_id=sid, by=by, description=description, tone=tone)
    return vid, _record(app, ref, event)
