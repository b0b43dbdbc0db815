"""staff roles, session tokens, audit log

Revision ID: 0003_staff_security
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_staff_security"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), nullable=False, server_default="recruiter"))
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
    # Accounts created before roles existed could do everything; they keep that as admins.
    op.execute("UPDATE staff_users SET role = 'admin'")
    op.create_table(
        "staff_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("staff_audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_audit_log_actor"), ["actor"], unique=False)
        batch_op.create_index(batch_op.f("ix_staff_audit_log_action"), ["action"], unique=False)


def downgrade() -> None:
    op.drop_table("staff_audit_log")
    with op.batch_alter_table("staff_users", schema=None) as batch_op:
        batch_op.drop_column("session_token")
        batch_op.drop_column("role")
