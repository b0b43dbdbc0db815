"""idempotent lead storage: one row per confirmed registration run; erasure markers for queued work

Revision ID: 0004_lead_submissions
Revises: 0003_user_state
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_lead_submissions"
down_revision = "0003_user_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("form_run", sa.String(length=64), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sender_id", "form_run", name="uq_lead_submissions_run"),
    )
    op.create_index(op.f("ix_lead_submissions_sender_id"), "lead_submissions", ["sender_id"], unique=False)
    op.create_table(
        "erasures",
        sa.Column("sender_hash", sa.String(length=64), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_hash"),
    )


def downgrade() -> None:
    op.drop_table("erasures")
    op.drop_index(op.f("ix_lead_submissions_sender_id"), table_name="lead_submissions")
    op.drop_table("lead_submissions")
