"""When the database stops taking writes mid-incident, the console says so (TD604, 503) and nothing half-saved.

The failures are the databases' own: on SQLite every new connection is made read-only (``PRAGMA query_only``),
as a full disk or a read-only mount refuse writes; on PostgreSQL the database stops taking connections, as a
server that went down does. The pool is emptied so the next request opens one. No mock: the engine, driver
and error are the real ones. The answer says what happened and that nothing was saved, never where the database
is: that goes to the server log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from talkdown.domain.clock import FixedClock
from talkdown.services import accounts, annotate, verify
from talkdown.services.accounts import AccountRole
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.web.app import create_app
from tests.store.damage import damage_the_events_table

from .conftest import PASSWORD, make_app, seed_incident, sign_in


def _read_only(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA query_only=ON")


@contextmanager
def refusing(td: App, url: str) -> Iterator[None]:
    """The database refuses from the next connection on: SQLite writes, or every PostgreSQL connection."""
    engine = td.store.engine
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _read_only)
        engine.dispose()
        try:
            yield
        finally:
            event.remove(engine, "connect", _read_only)
            engine.dispose()
        return
    name = make_url(url).database
    admin_url = make_url(url).set(drivername="postgresql+psycopg", database="postgres")
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        engine.dispose()
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name})
        try:
            yield
        finally:
            conn.execute(text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
    admin.dispose()
    engine.dispose()


def _where(url: str) -> list[str]:
    """What would tell a caller where the database is: its file, or its host, port and name."""
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        return [str(Path(parsed.database or "").parent), "readonly"]
    return [f"{parsed.host}", f"{parsed.port}", f"{parsed.database}", "connection"]


@pytest.mark.integration
def test_a_database_that_does_not_answer_is_td604_without_its_address_to_a_caller_not_signed_in(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    td = make_app(tmp_path, database_url=database_url)
    accounts.add_user(td, username="scribe", role=AccountRole.SCRIBE, password=PASSWORD)
    with TestClient(create_app(td), raise_server_exceptions=False) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
        assert token is not None
        with refusing(td, database_url), caplog.at_level(logging.ERROR, logger="talkdown.web"):
            api = client.post("/api/session", json={"username": "scribe", "password": PASSWORD})
            page = client.post(
                "/login",
                data={"username": "scribe", "password": PASSWORD, "csrf_token": token.group(1)},
                headers={"Accept": "text/html"},
            )
    td.store.engine.dispose()
    assert api.status_code == 503 and api.json()["code"] == "TD604" and api.headers["Retry-After"] == "5"
    assert "it was not saved" in api.json()["detail"]
    assert page.status_code == 503 and "TD604" in page.text and "it was not saved" in page.text
    for shown in (api.text, page.text):
        assert [part for part in _where(database_url) if part in shown] == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "TD604" in logged or "did not answer" in logged
    assert str(make_url(database_url).database) in logged  # the operator reads where, in the server's log


def test_a_write_the_database_refuses_is_a_503_saying_nothing_was_saved(tmp_path: Path) -> None:
    td = make_app(tmp_path)
    accounts.add_user(td, username="scribe", role=AccountRole.SCRIBE, password=PASSWORD)
    incident = seed_incident(td)
    before = len(td.store.load_rows(incident))
    with TestClient(create_app(td), raise_server_exceptions=False) as client:
        sign_in(client, "scribe")
        engine = td.store.engine
        event.listen(engine, "connect", _read_only)
        engine.dispose()
        response = client.post(f"/api/incidents/{incident}/utterances", json={"speaker": "subj", "text": "Back off."})
        event.remove(engine, "connect", _read_only)
        engine.dispose()
    assert response.status_code == 503, response.text
    body = response.json()
    assert body["code"] == "TD604" and "it was not saved" in body["detail"]
    assert "readonly" not in body["detail"] and str(tmp_path) not in response.text  # where is for the server log
    assert response.headers["Retry-After"] == "5"
    assert len(td.store.load_rows(incident)) == before and verify.verify_incident(td, incident).ok  # nothing was
    td.store.engine.dispose()


def test_a_database_that_refuses_writes_still_shows_a_signed_in_user_the_record(tmp_path: Path) -> None:
    # Recording a session's use is a write (once a minute); on a full disk it must not cost the team its board.
    clock = FixedClock(datetime(2026, 3, 14, 19, 42, tzinfo=UTC))
    settings = Settings(data_dir=tmp_path / "data", checkpoint_dir=tmp_path / "cp", actor="user:test")
    td = build_app(settings, clock=clock)
    accounts.add_user(td, username="lead", role=AccountRole.TEAM_LEADER, password=PASSWORD)
    incident = seed_incident(td)
    client = TestClient(create_app(td), raise_server_exceptions=False)
    sign_in(client, "lead")
    with refusing(td, settings.resolved_database_url):
        clock.advance(timedelta(minutes=2))
        shown = client.get(f"/api/incidents/{incident}")
    assert shown.status_code == 200, shown.text
    assert shown.json()["incident_id"] == incident
    td.store.engine.dispose()


def test_a_damaged_database_is_td503_to_the_console_with_where_and_why_in_the_server_log_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    td = make_app(tmp_path)
    accounts.add_user(td, username="scribe", role=AccountRole.SCRIBE, password=PASSWORD)
    incident = seed_incident(td)
    with TestClient(create_app(td), raise_server_exceptions=False) as client:
        sign_in(client, "scribe")
        td.store.engine.dispose()
        damage_the_events_table(Path(str(td.store.engine.url.database)))
        with caplog.at_level(logging.ERROR, logger="talkdown.web"):
            response = client.post(f"/api/incidents/{incident}/utterances", json={"speaker": "subj", "text": "Hi."})
            read = client.get("/api/incidents")
    td.store.engine.dispose()
    assert response.status_code == 500 and response.json()["code"] == "TD503", response.text
    assert "damaged" in response.json()["detail"] and str(tmp_path) not in response.text
    # A read saved nothing to begin with: "Nothing was saved" read as if something were lost.
    assert read.status_code == 500 and read.json()["code"] == "TD503", read.text
    for answer in (response, read):
        assert "Nothing was saved" not in answer.json()["detail"]
        assert "If you were saving anything, it was not saved" in answer.json()["detail"]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "malformed" in logged and str(tmp_path) in logged


def test_a_line_saved_whose_analysis_the_database_refuses_is_logged_as_saved_and_analysed_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The database stops taking the annotations' insert between the line's commit and theirs: a trigger calling a
    # function SQLite does not have fails every insert into that table with SQLite's own OperationalError (TD604),
    # while the events table and every read still work. No lifespan, so no worker: the line is analysed in-process.
    td = make_app(tmp_path)
    accounts.add_user(td, username="scribe", role=AccountRole.SCRIBE, password=PASSWORD)
    incident = seed_incident(td)
    before = len(td.store.load_rows(incident))
    with td.store.engine.begin() as conn:
        conn.execute(text("CREATE TRIGGER annotations_down BEFORE INSERT ON annotations BEGIN SELECT gone(); END"))
    client = TestClient(create_app(td), raise_server_exceptions=False)
    sign_in(client, "scribe")
    with caplog.at_level(logging.WARNING):
        response = client.post(f"/api/incidents/{incident}/utterances", json={"speaker": "subj", "text": "Back off."})
    assert response.status_code == 201, response.text
    seq = response.json()["seq"]
    assert len(td.store.load_rows(incident)) == before + 1 == seq  # saved once: the scribe must not type it again
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "internal error" not in logged and "was not saved" not in logged, logged
    assert f"line seq {seq} is saved, but its analysis was not stored (TD604" in logged, logged
    assert f"talkdown analyze --incident {incident}" in logged
    assert seq not in {s for s, _ in td.annotations.analysed(incident, annotate.versions(annotate.live_pipeline()))}
    # What the log says re-runs it does: once the database takes the rows again, the line gets its analysis.
    with td.store.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER annotations_down"))
    assert seq in annotate.annotate_incident(td, incident)
    client.close()
    td.store.engine.dispose()
