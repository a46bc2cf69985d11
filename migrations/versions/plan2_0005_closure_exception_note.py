"""The chair's reason for signing an action off without evidence or below 100% progress.

Revision ID: plan2_0005
Revises: oidc_0005
Create Date: 2026-12-03 01:35:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "plan2_0005"
down_revision = "oidc_0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("closure_request") as batch:
        batch.add_column(sa.Column("exception_note", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("closure_request") as batch:
        batch.drop_column("exception_note")
