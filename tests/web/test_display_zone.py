"""The console shows times in the zone the team reads (TALKDOWN_TIMEZONE), labelled; the record stays UTC."""

# test accounts in temporary databases
from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from talkdown.cli.report import render_html
from talkdown.domain.clock import FixedClock
from talkdown.services import accounts, entries
from talkdown.services.accounts import AccountRole
from talkdown.services.report import build_report
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


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (Debian poppler-utils) is not installed")
def test_the_after_action_report_shows_the_teams_zone_and_names_it_with_its_offset(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    settings = Settings(data_dir=tmp_path / "data", actor="user:test", timezone="America/Chicago")
    td = build_app(settings, clock=FixedClock(datetime(2026, 1, 15, 2, 0, tzinfo=UTC)))  # 20:00 CST, the 14th
    accounts.add_user(td, username="kim", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    incident = seed_incident(td)
    entries.set_deadline(td, incident, due_at=datetime(2026, 1, 15, 3, 0, tzinfo=UTC), description="or else")
    with TestClient(create_app(td)) as client:
        sign_in(client, "kim")
        page = client.get(f"/incidents/{incident}/report").text
        pdf = _pdf_text(client.get(f"/incidents/{incident}/report.pdf").content, tmp_path)
    cli = render_html(build_report(td, incident))  # 'talkdown report --html/--pdf'
    for shown in (page, pdf, cli):  # '2026-01-15 02:00 UTC', '02:00:00' and 'due 03:00 UTC' before
        assert "America/Chicago" in shown and "UTC-06:00" in shown, shown[:2000]
        assert "2026-01-14 20:00 CST" in shown and "2026-01-15 02:00" not in shown  # opened, generated
        assert "20:00:00" in shown and "02:00:00" not in shown  # the timeline
        assert "2026-01-14 21:00 CST" in shown  # the deadline in the ledger
        assert "due 21:00 CST" in shown  # and in the timeline
    td.store.engine.dispose()


def test_the_advisors_deadline_times_are_on_the_teams_clock(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", actor="user:test", timezone="America/Chicago")
    td = build_app(settings, clock=FixedClock(datetime(2026, 1, 15, 2, 0, tzinfo=UTC)))  # 20:00 CST
    accounts.add_user(td, username="kim", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    incident = seed_incident(td)
    entries.set_deadline(td, incident, due_at=datetime(2026, 1, 15, 2, 10, tzinfo=UTC), description="or else")
    with TestClient(create_app(td)) as client:
        sign_in(client, "kim")
        board = client.get(f"/incidents/{incident}").text
        report = client.get(f"/incidents/{incident}/report").text
    for page in (board, report):  # 'is due at 02:10 UTC' beside a board and a report on Chicago's clock, before
        assert "is due at 20:10 CST, in" in page and "02:10 UTC" not in page
    td.store.engine.dispose()
