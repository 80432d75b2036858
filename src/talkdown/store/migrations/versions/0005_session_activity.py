"""Remember when each console session was last used, and why one ended, for the idle timeout.

Why: a session lived 14 hours whatever happened, so a console left signed in on a shared command-post laptop
stayed usable all night. ``last_seen_at`` (the log's UTC spelling, like every time in these tables) lets a
session end after ``TALKDOWN_SESSION_IDLE_MINUTES`` without activity; ``ended`` says ``idle`` for a session
ended that way, so its next request can say so instead of "not signed in". Sessions open at the upgrade were
last seen, as far as anyone can tell, when they were created.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("last_seen_at", sa.String(32), nullable=False, server_default=""))
    op.add_column("sessions", sa.Column("ended", sa.String(16), nullable=False, server_default=""))
    op.execute("UPDATE sessions SET last_seen_at = created_at")


def downgrade() -> None:
    with op.batch_alter_table("sessions", recreate="auto") as batch:
        batch.drop_column("ended")
        batch.drop_column("last_seen_at")
