"""Minutes of meetings: drafted from what was recorded, approved by the chair, corrected by addenda.

Revision ID: meetings_0013
Revises: pdf_0012
Create Date: 2026-12-04 14:30:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "meetings_0013"
down_revision = "pdf_0012"
branch_labels = None
depends_on = None


def _user(column, table):
    return sa.ForeignKeyConstraint([column], ["user_account.id"], name=op.f(f"fk_{table}_{column}_user_account"))


def upgrade():
    op.create_table(
        "meeting_minutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Text(), nullable=False),
        sa.Column("apologies", sa.Text(), nullable=False),
        sa.Column("guests", sa.Text(), nullable=False),
        sa.Column("arising", sa.JSON(), nullable=False),
        sa.Column("drafted_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_minutes_meeting_id_meeting"), ondelete="CASCADE"
        ),
        _user("drafted_by_id", "meeting_minutes"),
        _user("edited_by_id", "meeting_minutes"),
        _user("approved_by_id", "meeting_minutes"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_minutes")),
        sa.UniqueConstraint("meeting_id", name=op.f("uq_meeting_minutes_meeting_id")),
    )
    op.create_table(
        "minutes_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("minute", sa.Text(), nullable=False),
        sa.Column("decisions", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["meeting_minutes.id"],
            name=op.f("fk_minutes_item_minutes_id_meeting_minutes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_item")),
    )
    op.create_index(op.f("ix_minutes_item_minutes_id"), "minutes_item", ["minutes_id"], unique=False)
    op.create_table(
        "minutes_addendum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("minutes_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("created_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["minutes_id"],
            ["meeting_minutes.id"],
            name=op.f("fk_minutes_addendum_minutes_id_meeting_minutes"),
            ondelete="CASCADE",
        ),
        _user("author_id", "minutes_addendum"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_minutes_addendum")),
    )
    op.create_index(op.f("ix_minutes_addendum_minutes_id"), "minutes_addendum", ["minutes_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_minutes_addendum_minutes_id"), table_name="minutes_addendum")
    op.drop_table("minutes_addendum")
    op.drop_index(op.f("ix_minutes_item_minutes_id"), table_name="minutes_item")
    op.drop_table("minutes_item")
    op.drop_table("meeting_minutes")
