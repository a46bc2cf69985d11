"""The chair can choose to include a section on the quarter's meetings in its report.

Revision ID: reports_0017
Revises: meetings_0014
Create Date: 2026-12-04 15:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "reports_0017"
down_revision = "meetings_0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("report_notes") as batch_op:
        batch_op.add_column(sa.Column("include_meetings", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table("report_notes") as batch_op:
        batch_op.drop_column("include_meetings")
