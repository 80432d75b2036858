"""Key each annotation by the text and side it was computed from (``basis``), not by the utterance seq alone.

Why: a correction changes an utterance's text in place (a new ``EntryCorrected`` event, same seq), and a party's
new role changes the side its lines are read as. Keyed by seq, the results of the words first logged stayed the
line's analysis for good: a misheard "I'm going to kill myself" corrected to "grab a smoke" kept its suicide cue on
the board. Rows written before this revision get an empty basis, which no current line has, so each line is
analysed once more beside them (old rows stay: analysis records are never deleted).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OLD_KEY = ("incident_id", "utterance_seq", "analyzer", "analyzer_version", "family", "label")


def upgrade() -> None:
    # Batch mode: SQLite cannot drop a constraint in place, so Alembic copies the table; PostgreSQL alters it.
    with op.batch_alter_table("annotations", recreate="auto") as batch:
        batch.add_column(sa.Column("basis", sa.String(16), nullable=False, server_default=""))
        batch.drop_constraint("annotations_key", type_="unique")
        batch.create_unique_constraint("annotations_key", [*_OLD_KEY, "basis"])


def downgrade() -> None:
    with op.batch_alter_table("annotations", recreate="auto") as batch:
        batch.drop_constraint("annotations_key", type_="unique")
        batch.drop_column("basis")
        batch.create_unique_constraint("annotations_key", list(_OLD_KEY))
