"""What a person typed into a form sent after their session ended, kept until they sign in again.

Revision ID: a11y_0005
Revises: perf_0004
Create Date: 2026-12-03 01:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "a11y_0005"
down_revision = "perf_0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kept_form",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("files_dropped", sa.Boolean(), nullable=False),
        sa.Column("kept_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_kept_form_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kept_form")),
    )
    with op.batch_alter_table("kept_form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kept_form_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("kept_form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kept_form_user_id"))
    op.drop_table("kept_form")
