"""The console shows times in the zone the team reads (TALKDOWN_TIMEZONE), labelled; the record stays UTC."""

# test accounts in temporary databases
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from talkdown.services import accounts, entries
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app

from .conftest import PASSWORD, seed_incident, sign_in


def test_the_board_shows_the_configured_zone_and_says_which(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", actor="user:test", timezone="Asia/Kolkata")  # UTC+05:30 all year
    td = build_app(settings)
    accounts.add_user(td, username="lee", role=AccountRole.SCRIBE, password=PASSWORD)
    incident = seed_incident(td)
    due = td.clock.now().replace(microsecond=0) + timedelta(hours=1)
    entries.set_deadline(td, incident, due_at=due, description="or else")
    with TestClient(create_app(td)) as client:
        sign_in(client, "lee")
        page = client.get(f"/incidents/{incident}").text
    local = (due + timedelta(hours=5, minutes=30)).strftime("%H:%M:%S")
    assert f"due {local} IST" in page and "times IST" in page and " UTC" not in page
    exported = td.store.load_rows(incident)[-1].body
    assert due.strftime("%H:%M:%S") in exported  # the record itself is UTC
    td.store.engine.dispose()
