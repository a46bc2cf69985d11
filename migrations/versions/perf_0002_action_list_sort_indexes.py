"""Indexes for the action list's progress and last-updated sorts.

Revision ID: perf_0002
Revises: 0001
Create Date: 2026-11-29 19:58:24.423744

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "perf_0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_action_progress_order", "action", ["progress", "id"], unique=False)
    # Read backwards for "last updated, newest first, never-updated last" (see tracker/plan/models.py).
    first = "last_update_at NULLS FIRST" if op.get_bind().dialect.name == "postgresql" else "last_update_at"
    op.create_index("ix_action_updated_order", "action", [sa.literal_column(first), "id"], unique=False)


def downgrade():
    op.drop_index("ix_action_updated_order", table_name="action")
    op.drop_index("ix_action_progress_order", table_name="action")
