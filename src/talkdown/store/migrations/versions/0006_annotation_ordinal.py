"""Key each annotation by its place among the same label's annotations on a line (``ordinal``), so a line keeps all.

Why: the key allowed one row per (line, analyser version, family, label), so of two annotations with the same
label on one line only the first was stored. Cues 0.21.0 gives a ``demand`` per item he lists ("I want cigarettes
and food. And I want a car."), and the board, the advice and the ledger marks read the stored rows: the car was
heard by the analyser and lost on the way to the store. Rows written before this revision are the first of their
label (ordinal 0), which they were.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_OLD_KEY = ("incident_id", "utterance_seq", "analyzer", "analyzer_version", "family", "label", "basis")


def upgrade() -> None:
    # Batch mode: SQLite cannot drop a constraint in place, so Alembic copies the table; PostgreSQL alters it.
    with op.batch_alter_table("annotations", recreate="auto") as batch:
        batch.add_column(sa.Column("ordinal", sa.Integer, nullable=False, server_default="0"))
        batch.drop_constraint("annotations_key", type_="unique")
        batch.create_unique_constraint("annotations_key", [*_OLD_KEY, "ordinal"])


def downgrade() -> None:
    op.execute("DELETE FROM annotations WHERE ordinal > 0")  # the old key holds only the first of each label
    with op.batch_alter_table("annotations", recreate="auto") as batch:
        batch.drop_constraint("annotations_key", type_="unique")
        batch.drop_column("ordinal")
        batch.create_unique_constraint("annotations_key", list(_OLD_KEY))
