"""A published report can be withdrawn and superseded; mail records which report it carries.

A quarter keeps one live report (awaiting approval or published) instead of one report of any
kind, so that a corrected build can stand beside the withdrawn one.

Revision ID: lifecycle_0011
Revises: meetings_0010
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "lifecycle_0011"
down_revision = "meetings_0010"
branch_labels = None
depends_on = None

LIVE_WHERE = sa.text("state IN ('awaiting_approval', 'published')")


def upgrade():
    with op.batch_alter_table("report") as batch:
        batch.drop_constraint("uq_report_quarter", type_="unique")
        batch.add_column(sa.Column("withdrawn_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("withdrawn_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_report_withdrawn_by_id_user_account", "user_account", ["withdrawn_by_id"], ["id"]
        )
        batch.create_foreign_key("fk_report_superseded_by_id_report", "report", ["superseded_by_id"], ["id"])
        batch.create_index("ix_report_quarter", ["quarter"], unique=False)
    op.create_index(
        "uq_report_live_quarter",
        "report",
        ["quarter"],
        unique=True,
        sqlite_where=LIVE_WHERE,
        postgresql_where=LIVE_WHERE,
    )
    with op.batch_alter_table("outbound_email") as batch:
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_outbound_email_report_id_report", "report", ["report_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_outbound_email_report_id", ["report_id"], unique=False)
    # Until now each quarter had one report and its mail was keyed by quarter and address.
    op.execute(
        "UPDATE outbound_email SET report_id = (SELECT report.id FROM report WHERE "
        "outbound_email.dedupe_key = 'report-published:' || report.quarter || ':' || outbound_email.to_address) "
        "WHERE kind = 'report_published'"
    )


def downgrade():
    with op.batch_alter_table("outbound_email") as batch:
        batch.drop_index("ix_outbound_email_report_id")
        batch.drop_constraint("fk_outbound_email_report_id_report", type_="foreignkey")
        batch.drop_column("report_id")
    op.drop_index("uq_report_live_quarter", table_name="report")
    # Only one report of each quarter can stay: the withdrawn and superseded ones go.
    op.execute("DELETE FROM report WHERE state NOT IN ('awaiting_approval', 'published')")
    with op.batch_alter_table("report") as batch:
        batch.drop_index("ix_report_quarter")
        batch.drop_constraint("fk_report_superseded_by_id_report", type_="foreignkey")
        batch.drop_constraint("fk_report_withdrawn_by_id_user_account", type_="foreignkey")
        batch.drop_column("superseded_by_id")
        batch.drop_column("withdrawal_reason")
        batch.drop_column("withdrawn_by_id")
        batch.drop_column("withdrawn_at")
        batch.create_unique_constraint("uq_report_quarter", ["quarter"])
