"""Agendas sent a number of working days before, to how many, and actions raised for discussion.

Revision ID: meetings_0014
Revises: meetings_0013
Create Date: 2026-12-04 14:30:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "meetings_0014"
down_revision = "meetings_0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_working_days", sa.Integer(), server_default="5", nullable=False))
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_sent_to", sa.Integer(), nullable=True))
    op.create_table(
        "discussion_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", tracker.common.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cleared_by_meeting_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_discussion_request_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["cleared_by_meeting_id"],
            ["meeting.id"],
            name=op.f("fk_discussion_request_cleared_by_meeting_id_meeting"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"], ["user_account.id"], name=op.f("fk_discussion_request_raised_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["action_update.id"],
            name=op.f("fk_discussion_request_update_id_action_update"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_request")),
    )
    with op.batch_alter_table("discussion_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_request_action_id"), ["action_id"], unique=False)


def downgrade():
    with op.batch_alter_table("discussion_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_request_action_id"))
    op.drop_table("discussion_request")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("agenda_sent_to")
    with op.batch_alter_table("meeting_series", schema=None) as batch_op:
        batch_op.drop_column("agenda_working_days")
