"""The store answers a database that stops answering with talkdown's TD604, so no layer above it names SQLAlchemy.

Real drivers and servers: a SQLite file opened read-only (as a read-only mount or a full disk refuses writes),
a PostgreSQL address nothing listens on, and a PostgreSQL connection its server ended (a restart).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from talkdown.domain.enums import IncidentType, Role
from talkdown.errors import TalkdownError
from talkdown.services import entries, incidents
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from talkdown.store.accounts import AccountStore
from talkdown.store.engine import build_engine
from talkdown.store.schema import upgrade
from tests.conftest import cloned_database
from tests.store.commit_relay import CommitRelay
from tests.store.damage import damage_the_events_table

pytestmark = pytest.mark.integration

AT = datetime(2026, 3, 14, 19, 42, tzinfo=UTC)


def _add_user(store: AccountStore, name: str) -> None:
    store.add_user(username=name, password_hash="x", role="scribe", at=AT)  # noqa: S106  # never checked here


def test_a_write_a_read_only_sqlite_file_refuses_is_td604_from_the_store(tmp_path: Path) -> None:
    path = tmp_path / "talkdown.db"
    writable = build_engine(f"sqlite:///{path}")
    upgrade(writable)
    writable.dispose()
    engine = build_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(TalkdownError) as raised:
        _add_user(AccountStore(engine), "scribe")
    engine.dispose()
    assert raised.value.code == "TD604" and "readonly database" in raised.value.message
    assert isinstance(raised.value.__cause__, Exception) and not isinstance(raised.value, OperationalError)


def test_a_postgresql_server_that_does_not_answer_is_td604_without_the_password() -> None:
    pytest.importorskip("psycopg")
    with socket.socket() as probe:  # a port nothing listens on: bound, then closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    engine = build_engine(f"postgresql://team:s3cret@127.0.0.1:{port}/talkdown")
    with pytest.raises(TalkdownError) as raised:
        AccountStore(engine).find_user("scribe")
    engine.dispose()
    assert raised.value.code == "TD604"
    assert f"team:***@127.0.0.1:{port}/talkdown" in raised.value.message and "s3cret" not in raised.value.message


@pytest.mark.usefixtures("pg_template")
def test_a_postgresql_connection_the_server_ended_is_replaced_silently(pg_template: str) -> None:
    """The pool's pre-ping finds the dead connection and opens a new one: a restart between two requests is no
    error at all, so translating driver errors must leave the pre-ping's own failure alone."""
    with cloned_database(pg_template) as url:
        engine = build_engine(url)
        store = AccountStore(engine)
        _add_user(store, "before")
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with build_engine(url).connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
        _add_user(store, "after")
        assert [u.username for u in store.list_users()] == ["after", "before"]
        engine.dispose()


def _scribe_app(data: Path) -> tuple[App, str]:
    """A long-running process (as ``talkdown serve`` is) with an incident open and one line in its log."""
    app = build_app(Settings(data_dir=data, actor="user:test"))
    incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident_id, name="Subject", role=Role.SUBJECT)
    entries.say(app, incident_id, speaker="Subject", text="line 1")
    return app, incident_id


def test_an_entry_is_refused_not_acknowledged_once_the_database_file_was_deleted_under_the_process(
    tmp_path: Path,
) -> None:
    app, incident_id = _scribe_app(tmp_path / "data")
    for name in ("talkdown.db", "talkdown.db-wal", "talkdown.db-shm"):
        (tmp_path / "data" / name).unlink(missing_ok=True)
    with pytest.raises(TalkdownError) as raised:
        entries.say(app, incident_id, speaker="Subject", text="into a deleted file")
    app.store.engine.dispose()
    assert raised.value.code == "TD604" and "deleted or replaced" in raised.value.message


def test_an_entry_is_refused_once_the_database_file_was_replaced_and_the_new_file_is_left_alone(
    tmp_path: Path,
) -> None:
    app, incident_id = _scribe_app(tmp_path / "data")
    live = tmp_path / "data" / "talkdown.db"
    restored = tmp_path / "restored.db"
    with sqlite3.connect(live) as source, sqlite3.connect(restored) as target:
        source.backup(target)  # e.g. last night's backup, put back while the console runs
    os.replace(restored, live)
    with pytest.raises(TalkdownError) as raised:
        entries.say(app, incident_id, speaker="Subject", text="into the old file")
    app.store.engine.dispose()
    assert raised.value.code == "TD604" and "deleted or replaced" in raised.value.message
    fresh = build_app(Settings(data_dir=tmp_path / "data", actor="user:test"))  # the restart the error asks for
    assert entries.say(fresh, incident_id, speaker="Subject", text="after the restart") == 4
    fresh.store.engine.dispose()


@pytest.fixture
def relayed(pg_template: str, tmp_path: Path) -> Iterator[tuple[App, CommitRelay]]:
    """An app whose PostgreSQL connections pass through a relay that can cut one COMMIT."""
    with cloned_database(pg_template) as url:
        parsed = make_url(url)
        relay = CommitRelay(parsed.host or "127.0.0.1", parsed.port or 5432)
        relayed_url = parsed.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
        app = build_app(Settings(database_url=relayed_url, data_dir=tmp_path / "data", actor="user:test"))
        try:
            yield app, relay
        finally:
            if app.listener is not None:
                app.listener.stop()
            app.store.engine.dispose()
            relay.close()


def test_an_entry_the_server_committed_before_the_connection_dropped_is_acknowledged_not_reported_unsaved(
    relayed: tuple[App, CommitRelay],
) -> None:
    app, relay = relayed
    incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident_id, name="Subject", role=Role.SUBJECT)
    relay.arm("answer")
    seq = entries.say(app, incident_id, speaker="Subject", text="said as the network failed")
    assert relay.fired.is_set()
    log = app.store.load(incident_id)
    assert (seq, log[-1].seq, [e.payload.text for e in log[2:]]) == (3, 3, ["said as the network failed"])  # type: ignore[attr-defined]
    assert app.store.latest_checkpoint(incident_id).seq == 3  # type: ignore[union-attr]


def test_an_entry_whose_commit_never_reached_the_server_is_td604_and_is_not_in_the_log(
    relayed: tuple[App, CommitRelay],
) -> None:
    app, relay = relayed
    incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident_id, name="Subject", role=Role.SUBJECT)
    relay.arm("request")
    with pytest.raises(TalkdownError) as raised:
        entries.say(app, incident_id, speaker="Subject", text="lost with the network")
    assert relay.fired.is_set() and raised.value.code == "TD604"
    assert app.store.head_seq(incident_id) == 2
    assert entries.say(app, incident_id, speaker="Subject", text="said again") == 3  # the next command works


def test_an_entry_whose_commit_cannot_be_confirmed_says_so_instead_of_nothing_was_saved(
    relayed: tuple[App, CommitRelay], pg_template: str
) -> None:
    app, relay = relayed
    incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident_id, name="Subject", role=Role.SUBJECT)
    relay.arm("answer-then-down")
    with pytest.raises(TalkdownError) as raised:
        entries.say(app, incident_id, speaker="Subject", text="said as the server went out of reach")
    assert (raised.value.code, raised.value.fields["seq"]) == ("TD609", 3)
    assert "Nothing was saved" not in raised.value.message and "look at the log" in raised.value.message


def test_a_damaged_sqlite_file_is_td503_telling_the_team_to_preserve_it_not_an_internal_error(tmp_path: Path) -> None:
    app, incident_id = _scribe_app(tmp_path / "data")
    app.store.engine.dispose()
    damage_the_events_table(tmp_path / "data" / "talkdown.db")
    fresh = build_app(Settings(data_dir=tmp_path / "data", actor="user:test"))
    try:
        for attempt in (
            lambda: fresh.store.load(incident_id),
            lambda: entries.say(fresh, incident_id, speaker="Subject", text="line 2"),
        ):
            with pytest.raises(TalkdownError) as raised:
                attempt()
            assert (raised.value.code, raised.value.exit_code) == ("TD503", 7)
            assert "malformed" in raised.value.message and "Preserve the file" in raised.value.message
    finally:
        fresh.store.engine.dispose()


def test_a_lost_commit_whose_check_finds_the_database_damaged_is_td609_not_nothing_was_saved(tmp_path: Path) -> None:
    """The check after a COMMIT whose answer was lost, run on a damaged file. Called directly: a COMMIT's answer
    can be lost for real only on PostgreSQL (the relay above), and its pages cannot be damaged from a test."""
    app, incident_id = _scribe_app(tmp_path / "data")
    last = app.store.load(incident_id)[-1]  # as if this line's COMMIT had got no answer
    app.store.engine.dispose()
    damage_the_events_table(tmp_path / "data" / "talkdown.db")
    fresh = build_app(Settings(data_dir=tmp_path / "data", actor="user:test"))
    lost = TalkdownError("TD604", url="talkdown.db", problem="server closed the connection unexpectedly")
    try:
        with pytest.raises(TalkdownError) as raised:
            fresh.store._settle_lost_commit(last, lost)
        assert (raised.value.code, raised.value.fields["seq"]) == ("TD609", last.seq)
        assert "not saved" not in raised.value.message and "look at the log" in raised.value.message
        assert isinstance(raised.value.__cause__, TalkdownError) and raised.value.__cause__.code == "TD503"  # logged
    finally:
        fresh.store.engine.dispose()
