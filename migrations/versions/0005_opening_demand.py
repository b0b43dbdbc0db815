"""job openings from demand sheets: status (draft, published, closed), route, education, age, experience, headcount

Revision ID: 0005_opening_demand
Revises: 0004_lead_submissions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_opening_demand"
down_revision = "0004_lead_submissions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("job_openings") as table:
        # Openings made before sheets existed were live: they stay published (closed if they were closed).
        table.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="published"))
        table.add_column(sa.Column("route", sa.String(length=16), nullable=False, server_default="other"))
        table.add_column(sa.Column("education", sa.String(length=32), nullable=False, server_default="none"))
        table.add_column(sa.Column("age_min", sa.Integer(), nullable=True))
        table.add_column(sa.Column("age_max", sa.Integer(), nullable=True))
        table.add_column(sa.Column("experience_years", sa.Integer(), nullable=False, server_default="0"))
        table.add_column(sa.Column("headcount", sa.Integer(), nullable=True))
        table.create_index(op.f("ix_job_openings_status"), ["status"], unique=False)
    op.execute("UPDATE job_openings SET status = 'closed' WHERE NOT is_open")


def downgrade() -> None:
    with op.batch_alter_table("job_openings") as table:
        table.drop_index(op.f("ix_job_openings_status"))
        for column in ("headcount", "experience_years", "age_max", "age_min", "education", "route", "status"):
            table.drop_column(column)
