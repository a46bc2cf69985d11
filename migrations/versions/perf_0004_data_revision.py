"""A data revision that every committed write moves on, so pages can keep figures until the data changes.

Revision ID: perf_0004
Revises: security_0003
Create Date: 2026-11-30 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "perf_0004"
down_revision = "security_0003"
branch_labels = None
depends_on = None


def upgrade():
    # The row itself is written by the first commit that writes anything (tracker/common/revision.py).
    op.create_table(
        "data_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_revision")),
    )


def downgrade():
    op.drop_table("data_revision")
