"""user state outside the process: language preferences, handoff context

Revision ID: 0003_user_state
Revises: 0003_staff_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_user_state"
down_revision = "0003_staff_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preferences",
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_index(op.f("ix_preferences_updated_at"), "preferences", ["updated_at"], unique=False)
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("language", sa.String(length=16), nullable=False, server_default="en"))
        batch.add_column(sa.Column("context", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("context")
        batch.drop_column("language")
    op.drop_index(op.f("ix_preferences_updated_at"), table_name="preferences")
    op.drop_table("preferences")
