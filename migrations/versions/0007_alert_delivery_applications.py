"""job alerts delivered once per opening and user; applications with their workflow

Revision ID: 0007_alert_delivery_applications
Revises: 0006_alert_subscriptions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_alert_delivery_applications"
down_revision = "0006_alert_subscriptions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.add_column(sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("job_openings") as batch:
        batch.add_column(sa.Column("alerts_started_at", sa.DateTime(timezone=True), nullable=True))
    # Openings published before alerts existed are not announced to everyone on upgrade.
    op.execute("UPDATE job_openings SET alerts_started_at = created_at WHERE status <> 'draft'")
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.Column("response", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["opening_id"], ["job_openings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("opening_id", "sender_id", name="uq_alert_deliveries_once"),
    )
    for column in ("opening_id", "sender_id", "status", "not_before", "response"):
        op.create_index(op.f(f"ix_alert_deliveries_{column}"), "alert_deliveries", [column], unique=False)
    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opening_id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("shared_fields", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["opening_id"], ["job_openings.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("opening_id", "lead_id", name="uq_applications_once"),
    )
    for column in ("opening_id", "lead_id", "sender_id", "status"):
        op.create_index(op.f(f"ix_applications_{column}"), "applications", [column], unique=False)
    op.create_table(
        "application_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_application_events_application_id"), "application_events", ["application_id"])


def downgrade() -> None:
    op.drop_table("application_events")
    op.drop_table("applications")
    op.drop_table("alert_deliveries")
    with op.batch_alter_table("job_openings") as batch:
        batch.drop_column("alerts_started_at")
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.drop_column("blocked_at")
