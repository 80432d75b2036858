"""Add the annotations table: analysis results beside the log, keyed by analyser version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("utterance_seq", sa.Integer, nullable=False),
        sa.Column("analyzer", sa.String(64), nullable=False),
        sa.Column("analyzer_version", sa.String(64), nullable=False),
        sa.Column("family", sa.String(64), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("low_confidence", sa.Boolean, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.UniqueConstraint(
            "incident_id", "utterance_seq", "analyzer", "analyzer_version", "family", "label", name="annotations_key"
        ),
    )
    op.create_index("annotations_incident", "annotations", ["incident_id", "utterance_seq"])


def downgrade() -> None:
    op.drop_table("annotations")
