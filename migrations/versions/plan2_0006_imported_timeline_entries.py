"""Timeline entries written by an import carry the file's name and the import's time.

Revision ID: plan2_0006
Revises: plan2_0005
Create Date: 2026-12-03 01:40:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "plan2_0006"
down_revision = "plan2_0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_update") as batch:
        batch.add_column(sa.Column("imported_from", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("imported_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("action_update") as batch:
        batch.drop_column("imported_at")
        batch.drop_column("imported_from")
