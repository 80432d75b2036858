"""The report's timeline rows say what each event means, reasons and diplomatic entries included."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from talkdown.domain.enums import (
    ChannelKind,
    CommitmentStatus,
    DeadlineStatus,
    HostageCondition,
    IncidentType,
    StakeholderKind,
    Tone,
)
from talkdown.services import diplomatic, entries, incidents
from talkdown.services.report_timeline import timeline_rows
from talkdown.services.wiring import App

pytestmark = pytest.mark.integration


def _rows(app: App, incident: str) -> list[str]:
    state = incidents.get_incident(app, incident)
    return [row.text for row in timeline_rows(app.store.load(incident), state, UTC)]


def test_status_changes_carry_their_reason_and_an_extension_its_new_time(app: App) -> None:
    # "Promise r1 broken" with no why, though a correction's reason is required; an extension lost its new time.
    incident = incidents.open_incident(app, title="t", incident_type=IncidentType.BARRICADE)
    pid, _ = entries.make_promise(app, incident, what="water")
    entries.change_promise(app, incident, promise_id=pid, status=CommitmentStatus.KEPT)
    entries.change_promise(app, incident, promise_id=pid, status=CommitmentStatus.BROKEN, reason="never delivered")
    cid, _ = entries.grant_concession(app, incident, what="cigarettes")
    entries.change_concession(app, incident, concession_id=cid, status=CommitmentStatus.KEPT, reason="handed over")
    due = app.clock.now().astimezone(UTC).replace(hour=20, minute=10, second=0, microsecond=0) + timedelta(days=1)
    dlid, _ = entries.set_deadline(app, incident, due_at=due - timedelta(minutes=30))
    entries.change_deadline(app, incident, deadline_id=dlid, status=DeadlineStatus.EXTENDED, new_due_at=due)
    rows = _rows(app, incident)
    assert f"Promise {pid} kept" in rows and f"Promise {pid} broken: never delivered" in rows
    assert f"Concession {cid} kept: handed over" in rows
    assert any(r.startswith(f"Deadline {dlid} extended, now due 20:10") for r in rows), rows


def test_diplomatic_entries_read_as_sentences_with_stakeholders_by_name(app: App) -> None:
    # They fell back to a dump of their fields: "channel_id: c1…; stakeholder_ids: ['s2…']".
    incident = incidents.open_incident(app, title="t", incident_type=IncidentType.DIPLOMATIC_STATE)
    diplomatic.add_stakeholder(app, incident, name="ICRC", kind=StakeholderKind.INTERMEDIARY, stance="mediating")
    diplomatic.open_channel(app, incident, kind=ChannelKind.BACK_CHANNEL, description="Geneva", with_=["ICRC"])
    diplomatic.note_constraint(app, incident, description="No-ransom law", legal=True)
    diplomatic.record_media(app, incident, outlet="Wire", description="Story runs", tone=Tone.NEGATIVE, reach=4)
    diplomatic.state_support(app, incident, by="ICRC", description="Calls for calm", tone=Tone.POSITIVE)
    assert _rows(app, incident)[1:] == [
        "Stakeholder ICRC (intermediary, mediating)",
        "Channel (back-channel): Geneva (with ICRC)",
        "Legal constraint: No-ransom law",
        "Media, Wire (negative, reach 4 of 5): Story runs",
        "Statement by ICRC (positive): Calls for calm",
    ]


def test_hostage_rows_name_the_hostage_and_a_release_keeps_its_condition(app: App) -> None:
    # "Hostage h3f… released" and "Hostage h3f…: injured": the reader had to match ids to the one row that named
    # the hostage, and the condition logged with the release (which moves the well-being index) was left out.
    incident = incidents.open_incident(app, title="t", incident_type=IncidentType.HOSTAGE)
    hid, _ = entries.record_hostage(app, incident, alias="Ann <teller>", condition=HostageCondition.DISTRESSED)
    entries.change_hostage(app, incident, hostage_id=hid, condition=HostageCondition.INJURED, medical_needs="cut hand")
    entries.release_hostage(app, incident, hostage_id=hid, condition=HostageCondition.INJURED)
    assert _rows(app, incident)[1:] == [
        "Hostage Ann <teller>: distressed",
        "Hostage Ann <teller>: injured. cut hand",
        "Hostage Ann <teller> released: injured",
    ]
