"""Let a line hold several annotations of one label: ``ordinal`` numbers them in the analyser's order.

Why: the key was (incident, seq, analyser, version, family, label, basis), so a line's second demand ("I want
cigarettes and food. And I want a car.": two ``demand`` annotations, one per item since cues 0.21.0) was dropped
as a duplicate when stored: the board and ``analyze --incident`` showed the first item only, while the advice,
which analyses afresh, warned about both. Rows written before this revision are each the first of their label
(ordinal 0); a pipeline's output is pure, so the same line analysed twice writes the same ordinals and the second
write is still a no-op.

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

_KEY = ("incident_id", "utterance_seq", "analyzer", "analyzer_version", "family", "label", "basis")


def upgrade() -> None:
    # Batch mode: SQLite cannot drop a constraint in place, so Alembic copies the table; PostgreSQL alters it.
    with op.batch_alter_table("annotations", recreate="auto") as batch:
        batch.add_column(sa.Column("ordinal", sa.Integer, nullable=False, server_default="0"))
        batch.drop_constraint("annotations_key", type_="unique")
        batch.create_unique_constraint("annotations_key", [*_KEY, "ordinal"])


def downgrade() -> None:
    with op.batch_alter_table("annotations", recreate="auto") as batch:
        batch.drop_constraint("annotations_key", type_="unique")
        batch.drop_column("ordinal")
        batch.create_unique_constraint("annotations_key", list(_KEY))
