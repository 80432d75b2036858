"""Use cases for incidents as a whole: open, find, list, show, close, reopen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from talkdown.domain.enums import IncidentMode, IncidentType
from talkdown.domain.events import IncidentClosed, IncidentOpened, IncidentReopened
from talkdown.domain.ids import new_id
from talkdown.domain.log import Envelope
from talkdown.domain.state import IncidentState
from talkdown.domain.text import DESCRIPTION_MAX, require_entry_text, require_short
from talkdown.errors import TalkdownError
from talkdown.services.wiring import App


@dataclass(frozen=True)
class IncidentSummary:
    incident_id: str
    title: str
    incident_type: str
    mode: str
    opened_at: datetime
    events: int
    status: str | None = None
    """"open" or "closed" (by the latest close or reopen); None when not asked for (``list_incidents``)."""


def open_incident(
    app: App,
    *,
    title: str,
    incident_type: IncidentType,
    location: str = "",
    description: str = "",
    mode: IncidentMode = IncidentMode.LIVE,
    at: datetime | None = None,
) -> str:
    incident_id = new_id()
    title = require_entry_text(title, what="title")
    require_short(location, what="location")
    require_short(description, what="description", limit=DESCRIPTION_MAX)  # the console's form refuses more
    event = IncidentOpened(
        title=title, incident_type=incident_type, location=location, description=description, mode=mode
    )
    app.recorder.record(incident_id, [event], actor=app.actor, at=at)
    return incident_id


def resolve_incident_id(app: App, ref: str) -> str:
    """Accept a full id or a unique prefix, as people read ids off a screen."""
    ref = ref.strip()
    if app.recorder.is_known(ref):
        return ref
    if not ref:
        raise TalkdownError("TD201", incident_id=ref)
    matches = app.store.incident_ids(prefix=ref)
    if ref in matches:
        return ref
    if not matches:
        _refuse_a_deleted_log(app, ref)
        raise TalkdownError("TD201", incident_id=ref)
    if len(matches) > 1:
        raise TalkdownError("TD203", prefix=ref, count=len(matches))
    return matches[0]


def _refuse_a_deleted_log(app: App, ref: str) -> None:
    """TD501/TD502 for an id (or the one id a prefix names) whose opening event, or whole log, was deleted: rows
    of it are left, or a checkpoint outside the database recorded its head.

    Why not "no incident" (TD201): the scribe typing the next line was sent to an incident list that no longer
    showed the incident, and could go on in a new one without ever hearing that the record had been deleted and
    the database should be preserved; ``verify`` already said so, now every command naming the id does.
    """
    traced = app.store.traced_incident_ids(prefix=ref)
    if ref not in traced and len(traced) != 1:
        return
    incident_id = ref if ref in traced else traced[0]
    head = app.store.head_seq(incident_id)
    if head > 0:
        raise TalkdownError("TD501", incident_id=incident_id, seq=1, problem="is missing (the opening event)")
    checkpoint = app.store.latest_checkpoint(incident_id)
    if checkpoint is not None:
        raise TalkdownError("TD502", incident_id=incident_id, have=0, want=checkpoint.seq, hash=checkpoint.hash[:16])


def list_incidents(app: App, *, status: bool = False) -> list[IncidentSummary]:
    """Every incident, oldest first. ``status``: read which are closed too, a scan of the log's close and reopen
    events that the lists people read need, and the analysis worker's sweep every 5 s does not."""
    out = []
    closed = app.store.closed() if status else set()
    for env, head in app.store.openings():
        opened = env.payload
        assert isinstance(opened, IncidentOpened)  # noqa: S101  # decide() guarantees seq 1 opens the incident
        shown = ("closed" if env.incident_id in closed else "open") if status else None
        summary = IncidentSummary(
            env.incident_id, opened.title, opened.incident_type.value, opened.mode.value, env.at, head, shown
        )
        out.append(summary)
    return out


def get_incident(app: App, ref: str) -> IncidentState:
    """The current state of one incident, as a private copy the caller may not write back."""
    return app.recorder.current(resolve_incident_id(app, ref))


def events_through(app: App, state: IncidentState) -> list[Envelope]:
    """The incident's events up to ``state``'s head: the log ``state`` was folded from, and no more.

    Why: a view that shows the state and a series over the events (metrics, the after-action report) reads them
    in two calls; an entry recorded in between was in the series, the timeline and the advice history but not in
    the state, its figures or its head seq. The log is append-only, so cutting at the head gives that log exactly.
    """
    return [env for env in app.store.load(state.incident_id) if env.seq <= state.head_seq]


def close_incident(app: App, ref: str, *, outcome: str, reason: str = "") -> int:
    require_short(outcome, what="outcome")
    require_short(reason, what="reason")
    incident_id = resolve_incident_id(app, ref)
    envs = app.recorder.record(incident_id, [IncidentClosed(outcome=outcome, reason=reason)], actor=app.actor)
    return envs[-1].seq


def reopen_incident(app: App, ref: str, *, reason: str = "") -> int:
    require_short(reason, what="reason")
    incident_id = resolve_incident_id(app, ref)
    envs = app.recorder.record(incident_id, [IncidentReopened(reason=reason)], actor=app.actor)
    return envs[-1].seq
