"""Table definitions (SQLAlchemy Core): the event log and the analysis records beside it.

``body`` is TEXT holding exactly the canonical JSON that was hashed. Never JSONB: PostgreSQL would reorder
keys and a recomputed hash would no longer match the stored one.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("incident_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("body", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# Analysis results: derived, versioned, never an event and never an edit of an utterance.
annotation_rows = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("incident_id", String(64), nullable=False),
    Column("utterance_seq", Integer, nullable=False),
    Column("analyzer", String(64), nullable=False),
    Column("analyzer_version", String(64), nullable=False),
    Column("family", String(64), nullable=False),
    Column("label", String(64), nullable=False),
    Column("score", Float, nullable=False),
    Column("low_confidence", Boolean, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("detail", Text, nullable=False),
    # What the row was computed from: a digest of the utterance's side and text (migration 0004), so a correction
    # or a new role gets fresh analysis beside the old rows instead of keeping it.
    Column("basis", String(16), nullable=False, server_default=""),
    # Which of a line's annotations with this label it is, from 0 in the analyser's order (migration 0006): cues
    # gives one ``demand`` per item he lists, and the key kept only the first.
    Column("ordinal", Integer, nullable=False, server_default="0"),
)

# Accounts for the web console (migration 0003). Users and sessions may change (a password rehash, a logout);
# login attempts and the audit log are append-only, refused UPDATE and DELETE by triggers like the events.
users = Table(
    "users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("disabled", Boolean, nullable=False),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
    Column("revoked", Boolean, nullable=False),
    # Migration 0005: when the session was last used (for the idle timeout), and "idle" once it ended that way.
    Column("last_seen_at", String(32), nullable=False, server_default=""),
    Column("ended", String(16), nullable=False, server_default=""),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False),
    Column("client", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("ok", Boolean, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("target", String(200), nullable=False),
    Column("client", String(64), nullable=False),
    Column("detail", Text, nullable=False),
)
