"""job alerts: each user's own opt-in, separate from registration

Revision ID: 0006_alert_subscriptions
Revises: 0005_opening_demand
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_alert_subscriptions"
down_revision = "0005_opening_demand"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sender_id"),
    )
    op.create_index(op.f("ix_alert_subscriptions_enabled"), "alert_subscriptions", ["enabled"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_alert_subscriptions_enabled"), table_name="alert_subscriptions")
    op.drop_table("alert_subscriptions")
