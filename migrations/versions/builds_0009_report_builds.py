"""Report builds and publications asked for by people, which the scheduler process works through.

Revision ID: builds_0009
Revises: recs_0008
Create Date: 2026-12-03 09:20:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "builds_0009"
down_revision = "recs_0008"
branch_labels = None
depends_on = None

ACTIVE = "state IN ('queued', 'running')"


def upgrade():
    op.create_table(
        "report_build",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(length=12), nullable=False),
        sa.Column("purpose", sa.String(length=12), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=120), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["requested_by_id"], ["user_account.id"], name=op.f("fk_report_build_requested_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_build")),
    )
    op.create_index(op.f("ix_report_build_quarter"), "report_build", ["quarter"])
    op.create_index(
        "uq_report_build_active_quarter",
        "report_build",
        ["quarter"],
        unique=True,
        sqlite_where=sa.text(ACTIVE),
        postgresql_where=sa.text(ACTIVE),
    )


def downgrade():
    op.drop_index("uq_report_build_active_quarter", table_name="report_build")
    op.drop_index("ix_report_build_quarter", table_name="report_build")
    op.drop_table("report_build")
