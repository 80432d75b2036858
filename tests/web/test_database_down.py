"""When the database stops taking writes mid-incident, the console says so (TD604, 503) and nothing half-saved.

The failure is SQLite's own: every new connection is made read-only (``PRAGMA query_only``), as a full disk, a
read-only mount or a dropped PostgreSQL server refuse writes, and the pool is emptied so the next request
opens one. No mock: the engine, driver and error are the real ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event

from talkdown.services import accounts, verify
from talkdown.services.accounts import AccountRole
from talkdown.web.app import create_app

from .conftest import PASSWORD, make_app, seed_incident, sign_in


def _read_only(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA query_only=ON")


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
    assert body["code"] == "TD604" and "Nothing was saved" in body["detail"]
    assert "readonly" in body["detail"] and response.headers["Retry-After"] == "5"
    assert len(td.store.load_rows(incident)) == before and verify.verify_incident(td, incident).ok  # nothing was
    td.store.engine.dispose()
