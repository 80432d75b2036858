"""Add accounts for the web console: users, sessions, login attempts and an append-only audit log.

Why in the database and not a file: several console processes (and the CLI's ``talkdown user add``) must
see the same accounts, sessions and throttling state. ``login_attempts`` and ``audit_log`` get the same
UPDATE/DELETE-refusing triggers as the events, because who signed in, who was denied and who exported
what is evidence too.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_APPEND_ONLY = ("login_attempts", "audit_log")


def _sqlite_triggers(table: str) -> tuple[str, ...]:
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'talkdown audit records are append-only'); END",
        f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
        "BEGIN SELECT RAISE(ABORT, 'talkdown audit records are append-only'); END",
    )


def _pg_triggers(table: str) -> tuple[str, ...]:
    # talkdown_refuse_change() was created by revision 0001.
    return (
        f"CREATE TRIGGER {table}_no_update BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION talkdown_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION talkdown_refuse_change()",
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("expires_at", sa.String(32), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("ok", sa.Boolean, nullable=False),
    )
    op.create_index("login_attempts_user", "login_attempts", ["username", "at"])
    op.create_index("login_attempts_client", "login_attempts", ["client", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("target", sa.String(200), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in _APPEND_ONLY:
        for statement in _pg_triggers(table) if postgres else _sqlite_triggers(table):
            op.execute(statement)


def downgrade() -> None:
    for table in ("audit_log", "login_attempts", "sessions", "users"):
        op.drop_table(table)
