"""Version columns on departments and distribution recipients, so a stale edit is refused.

Revision ID: security_0003
Revises: perf_0002
Create Date: 2026-11-29 23:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "security_0003"
down_revision = "perf_0002"
branch_labels = None
depends_on = None

TABLES = ("department", "distribution_recipient")


def upgrade():
    for table in TABLES:
        # Existing rows start at version 1, as new ones do.
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("version_id", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("version_id")
