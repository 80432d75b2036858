"""The demo incident: a scripted barricade with a hostage, written for talkdown from the doctrine.

Loaded through the same use cases as live entries, so ``make run`` exercises the real write path. Times
are offsets from a fixed start; the incident is recorded as it would have been, each entry at its time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import resources
from typing import Any

import yaml

from talkdown.domain.enums import IncidentMode, IncidentType
from talkdown.domain.events import (
    AnyEvent,
    ConcessionGranted,
    DeadlineSet,
    DeadlineStatusChanged,
    DemandRecorded,
    DemandStatusChanged,
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
from talkdown.domain.ids import new_id
from talkdown.services.wiring import App

DEMO_ACTOR = "system:demo@1"


def _offset(text: str) -> timedelta:
    h, m, s = (int(part) for part in str(text).split(":"))
    return timedelta(hours=h, minutes=m, seconds=s)


def load_script() -> dict[str, Any]:
    raw = resources.files("talkdown.services").joinpath("demo_incident.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    assert isinstance(data, dict)  # noqa: S101  # packaged file, checked by tests
    return data


def _entry_event(entry: dict[str, Any], start: datetime) -> AnyEvent:
    """One timeline entry of the demo script as one event (schema documented in the YAML's writer brief)."""
    if "say" in entry:
        return UtteranceLogged(**entry["say"])
    if "note" in entry:
        return NoteAdded(text=entry["note"], note_kind=entry.get("kind", "note"))
    builders: dict[str, tuple[type[AnyEvent], dict[str, str]]] = {
        "hostage": (HostageRecorded, {"id": "hostage_id"}),
        "intel": (IntelItemAdded, {"id": "intel_id"}),
        "demand": (DemandRecorded, {"id": "demand_id"}),
        "deadline": (DeadlineSet, {"id": "deadline_id", "demand": "demand_id"}),
        "deadline_status": (DeadlineStatusChanged, {"id": "deadline_id"}),
        "demand_status": (DemandStatusChanged, {"id": "demand_id"}),
        "promise": (PromiseMade, {"id": "promise_id"}),
        "promise_status": (PromiseStatusChanged, {"id": "promise_id"}),
        "concession": (ConcessionGranted, {"id": "concession_id", "demand": "demand_id"}),
        "hostage_condition": (HostageConditionChanged, {"id": "hostage_id"}),
        "hostage_released": (HostageReleased, {"id": "hostage_id"}),
        "close": (IncidentClosed, {}),
    }
    for key, (cls, renames) in builders.items():
        if key in entry:
            fields = {renames.get(k, k): v for k, v in entry[key].items()}
            if "due" in fields:
                fields["due_at"] = start + _offset(fields.pop("due"))
            return cls(**fields)
    raise ValueError(f"unknown demo entry {sorted(entry)}")


def load_demo(app: App, *, close: bool = True, live: bool = False) -> str:
    """Record the demo incident and return its id; ``close=False`` leaves it open for live use.

    ``live=True`` shifts the script so its last entry is now, so countdowns, durations and relief alerts
    read as during a real incident; otherwise it keeps the script's own dates (reproducible reports, tests).
    """
    script = load_script()
    start = datetime.fromisoformat(str(script["start"]).replace("Z", "+00:00"))
    if live:
        kept = [e for e in script["timeline"] if close or "close" not in e]
        start = app.clock.now() - max(_offset(e["at"]) for e in kept)
    incident_id = new_id()
    opened = IncidentOpened(
        title=script["title"],
        incident_type=IncidentType(script["incident_type"]),
        location=script.get("location", ""),
        description=script.get("description", ""),
        mode=IncidentMode.LIVE,
    )
    parties = [
        PartyAdded(party_id=p["id"], name=p["name"], role=p["role"], description=p.get("description", ""))
        for p in script["parties"]
    ]
    app.recorder.record(incident_id, [opened, *parties], actor=DEMO_ACTOR, at=start)
    for entry in script["timeline"]:
        event = _entry_event(entry, start)
        if isinstance(event, IncidentClosed) and not close:
            continue
        app.recorder.record(incident_id, [event], actor=DEMO_ACTOR, at=start + _offset(entry["at"]))
    return incident_id


def find_open_demo(app: App) -> str | None:
    """The newest demo incident still open (recorded by the demo script, not closed), if any."""
    opened = sorted((env for env, _ in app.store.openings() if env.actor == DEMO_ACTOR), key=lambda e: e.at)
    for env in reversed(opened):
        if app.recorder.current(env.incident_id).is_open:
            return env.incident_id
    return None


def open_live_demo(app: App, *, fresh: bool = False) -> tuple[str, bool]:
    """The demo incident ``serve --demo`` shows: ``(incident_id, reused)``.

    Why reuse: ``make run`` is how people restart the console, and recording a new copy at every start
    filled the incident list with identical demos and dropped whatever the user had added to the last one.
    An open demo is therefore reused (its times stay those of its first start); ``fresh=True`` records a new
    one, as does a closed or missing demo. ``talkdown demo`` always records a new one: that is what it is for.
    """
    if not fresh:
        found = find_open_demo(app)
        if found is not None:
            return found, True
    return load_demo(app, close=False, live=True), False
