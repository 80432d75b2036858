"""Migrations keep what a database already holds: revision 0004 (annotation basis) on a 0003 database, 0005
(session activity) on a 0004 one, 0006 (annotation ordinal) on a 0005 one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.exc import IntegrityError

from talkdown.store import schema
from talkdown.store.engine import build_engine
from talkdown.store.tables import annotation_rows, sessions
from tests.conftest import cloned_database

pytestmark = pytest.mark.integration

ROW = {
    "incident_id": "inc1",
    "utterance_seq": 3,
    "analyzer": "cues",
    "analyzer_version": "0.20.1",
    "family": "talkdown_cue",
    "label": "suicide_cue",
    "score": 0.9,
    "low_confidence": False,
    "evidence": "[]",
    "detail": "{}",
}

# Only the columns revision 0003 has: the table object of the code now knows ``basis`` too.
OLD_INSERT = text(f"INSERT INTO annotations ({', '.join(ROW)}) VALUES ({', '.join(':' + c for c in ROW)})")  # noqa: S608


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database with no tables at all, on each backend."""
    if request.param == "sqlite":
        engine = build_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    request.getfixturevalue("pg_template")  # skips without PostgreSQL
    with cloned_database("template0") as url:
        engine = build_engine(url)
        yield engine
        engine.dispose()


def _upgrade_to(engine: Engine, revision: str) -> None:
    cfg = schema._config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def test_revision_0004_keeps_old_rows_with_an_empty_basis_and_keys_new_rows_by_basis(empty_engine: Engine) -> None:
    _upgrade_to(empty_engine, "0003")
    with empty_engine.begin() as conn:
        conn.execute(OLD_INSERT, ROW)
    assert schema.upgrade(empty_engine) == schema.head_revision()
    with empty_engine.begin() as conn:
        assert conn.execute(select(annotation_rows.c.basis)).scalars().all() == [""]
        conn.execute(insert(annotation_rows), {**ROW, "basis": "0123456789abcdef"})  # the same label, new words
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(insert(annotation_rows), {**ROW, "basis": "0123456789abcdef"})  # the same words again


def test_revision_0005_counts_an_open_session_as_last_used_when_it_was_created(empty_engine: Engine) -> None:
    _upgrade_to(empty_engine, "0004")
    old = {"token_hash": "a" * 64, "username": "lee", "csrf_token": "c", "created_at": "2026-03-14T19:42:00.000000Z",
           "expires_at": "2026-03-15T09:42:00.000000Z", "revoked": False}  # fmt: skip
    with empty_engine.begin() as conn:
        conn.execute(
            text("INSERT INTO sessions (token_hash, username, csrf_token, created_at, expires_at, revoked) "
                 "VALUES (:token_hash, :username, :csrf_token, :created_at, :expires_at, :revoked)"), old)  # fmt: skip
    assert schema.upgrade(empty_engine) == schema.head_revision()
    with empty_engine.connect() as conn:
        row = conn.execute(select(sessions.c.last_seen_at, sessions.c.ended)).one()
    assert (row.last_seen_at, row.ended) == (old["created_at"], "")


def test_revision_0006_keeps_old_rows_as_the_first_of_their_label_and_stores_a_second(empty_engine: Engine) -> None:
    """One row per label was the key: of two demands on one line ("I want cigarettes and food. And I want a car.")
    only the first was stored."""
    _upgrade_to(empty_engine, "0005")
    first = {**ROW, "label": "demand", "basis": "0123456789abcdef", "detail": '{"item": "cigarettes and food"}'}
    columns = [*ROW, "basis"]  # the columns revision 0005 has
    old_insert = text(f"INSERT INTO annotations ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})")  # noqa: S608
    with empty_engine.begin() as conn:
        conn.execute(old_insert, first)
    assert schema.upgrade(empty_engine) == schema.head_revision()
    with empty_engine.begin() as conn:
        assert conn.execute(select(annotation_rows.c.ordinal)).scalars().all() == [0]
        conn.execute(insert(annotation_rows), {**first, "detail": '{"item": "a car"}', "ordinal": 1})
    with pytest.raises(IntegrityError), empty_engine.begin() as conn:
        conn.execute(insert(annotation_rows), {**first, "detail": '{"item": "a car"}', "ordinal": 1})
