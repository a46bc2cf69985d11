"""Draft PDFs are made by the scheduler process too, kept on their request, one per quarter beside its build.

Revision ID: builds_0020
Revises: recs_0018
Create Date: 2026-12-04 18:50:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "builds_0020"
down_revision = "recs_0018"
branch_labels = None
depends_on = None

ACTIVE = "state IN ('queued', 'running')"
ACTIVE_REPORT = "state IN ('queued', 'running') AND purpose <> 'draft'"
ACTIVE_DRAFT = "state IN ('queued', 'running') AND purpose = 'draft'"


def _active_index(name, where):
    op.create_index(
        name, "report_build", ["quarter"], unique=True, sqlite_where=sa.text(where), postgresql_where=sa.text(where)
    )


def upgrade():
    with op.batch_alter_table("report_build") as batch_op:
        batch_op.add_column(sa.Column("pdf", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("as_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("fingerprint", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.BigInteger(), nullable=True))
    op.drop_index("uq_report_build_active_quarter", table_name="report_build")
    _active_index("uq_report_build_active_quarter", ACTIVE_REPORT)
    _active_index("uq_report_build_active_draft", ACTIVE_DRAFT)


def downgrade():
    op.execute("DELETE FROM report_build WHERE purpose = 'draft'")
    op.drop_index("uq_report_build_active_draft", table_name="report_build")
    op.drop_index("uq_report_build_active_quarter", table_name="report_build")
    _active_index("uq_report_build_active_quarter", ACTIVE)
    with op.batch_alter_table("report_build") as batch_op:
        batch_op.drop_column("revision")
        batch_op.drop_column("fingerprint")
        batch_op.drop_column("as_at")
        batch_op.drop_column("pdf")
