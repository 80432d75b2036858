"""``talkdown db backup``: a copy of the live SQLite database that holds every committed event and restores."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from talkdown.domain.enums import IncidentType, Role
from talkdown.errors import TalkdownError
from talkdown.services import backup, entries, incidents, verify
from talkdown.services.wiring import App, build_app
from talkdown.settings import Settings
from tests.store.damage import damage_the_events_table

pytestmark = pytest.mark.integration


def _incident(app: App, lines: int) -> str:
    incident_id = incidents.open_incident(app, title="Elm St", incident_type=IncidentType.BARRICADE)
    entries.add_party(app, incident_id, name="Subject", role=Role.SUBJECT)
    for i in range(lines):
        entries.say(app, incident_id, speaker="Subject", text=f"line {i}")
    return incident_id


def _events_in(path: Path) -> int:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        try:
            return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
        except sqlite3.OperationalError:  # no events table: the copy holds no log at all
            return 0
    finally:
        conn.close()


def test_a_backup_of_a_database_in_use_holds_what_its_write_ahead_log_holds_and_restores(
    sqlite_app: App, tmp_path: Path
) -> None:
    incident_id = _incident(sqlite_app, lines=30)
    live = sqlite_app.settings.data_dir / "talkdown.db"
    assert Path(f"{live}-wal").exists()  # the app's open connection keeps the latest commits in the WAL
    shutil.copy(live, tmp_path / "plain-copy.db")
    assert _events_in(tmp_path / "plain-copy.db") < 32  # why the command exists: a plain copy misses them

    copy = backup.backup_database(sqlite_app, tmp_path / "backup.db")

    assert (copy.incidents, copy.events) == (1, 32)
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    shutil.copy(tmp_path / "backup.db", restored_dir / "talkdown.db")
    settings = Settings(data_dir=restored_dir, checkpoint_dir=sqlite_app.settings.resolved_checkpoint_dir)
    restored = build_app(settings)
    try:
        assert verify.verify_incident(restored, incident_id).head_seq == 32
        assert restored.store.load(incident_id) == sqlite_app.store.load(incident_id)
    finally:
        restored.store.engine.dispose()


def test_a_backup_never_replaces_an_existing_file_and_leaves_no_partial_copy(sqlite_app: App, tmp_path: Path) -> None:
    _incident(sqlite_app, lines=1)
    existing = tmp_path / "backup.db"
    existing.write_text("last week's backup")
    with pytest.raises(TalkdownError) as err:
        backup.backup_database(sqlite_app, existing)
    assert err.value.code == "TD110"
    assert existing.read_text() == "last week's backup"
    with pytest.raises(TalkdownError) as err:
        backup.backup_database(sqlite_app, tmp_path / "no-such-folder" / "backup.db")
    assert err.value.code == "TD110"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_db_backup_on_postgresql_names_pg_dump_and_writes_nothing(app: App, tmp_path: Path) -> None:
    if app.store.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL refusal")
    with pytest.raises(TalkdownError) as err:
        backup.backup_database(app, tmp_path / "backup.db")
    assert err.value.code == "TD608"
    assert "pg_dump" in err.value.message
    assert not (tmp_path / "backup.db").exists()


def test_a_backup_verifies_opened_read_only_and_immutable_as_the_readme_says_for_evidence_media(
    sqlite_app: App, tmp_path: Path
) -> None:
    incident_id = _incident(sqlite_app, lines=3)
    evidence = tmp_path / "usb"
    evidence.mkdir()
    backup.backup_database(sqlite_app, evidence / "talkdown.db")
    before = (evidence / "talkdown.db").read_bytes()
    url = f"sqlite:///file:{evidence / 'talkdown.db'}?mode=ro&immutable=1&uri=true"
    settings = Settings(
        database_url=url, data_dir=tmp_path / "scratch", checkpoint_dir=sqlite_app.settings.resolved_checkpoint_dir
    )
    reader = build_app(settings)
    try:
        assert verify.verify_incident(reader, incident_id).head_seq == 5
    finally:
        reader.store.engine.dispose()
    assert sorted(p.name for p in evidence.iterdir()) == ["talkdown.db"]  # no -wal or -shm made beside it
    assert (evidence / "talkdown.db").read_bytes() == before


def test_a_backup_of_a_damaged_database_is_td503_and_leaves_no_copy_that_would_pass_for_a_good_one(
    sqlite_app: App, tmp_path: Path
) -> None:
    _incident(sqlite_app, lines=3)
    sqlite_app.store.engine.dispose()
    damage_the_events_table(sqlite_app.settings.data_dir / "talkdown.db")
    with pytest.raises(TalkdownError) as err:
        backup.backup_database(sqlite_app, tmp_path / "backup.db")
    assert err.value.code == "TD503"
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []
