"""The chair's due-date moves keep the date they replaced, so the plan reads back as it stood.

Revision ID: plan3_0007
Revises: plan2_0006
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "plan3_0007"
down_revision = "plan2_0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("action_update") as batch:
        batch.add_column(sa.Column("due_date_before", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("action_update") as batch:
        batch.drop_column("due_date_before")
