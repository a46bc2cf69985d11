"""Reports and reviews, their recommendations with leads and statuses, and the actions that answer them.

Revision ID: recs_0008
Revises: plan3_0007
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "recs_0008"
down_revision = "plan3_0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendation_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("link", sa.String(length=2000), nullable=True),
        sa.Column("response_days", sa.Integer(), nullable=True),
        sa.Column("responded_on", sa.Date(), nullable=True),
        sa.Column("created_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "response_days IS NULL OR (response_days >= 1 AND response_days <= 365)",
            name=op.f("ck_recommendation_source_days_range"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_recommendation_source_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_source")),
    )
    with op.batch_alter_table("recommendation_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_source_body"), ["body"], unique=False)

    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("addressed_to", sa.String(length=16), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_changed_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_changed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["user_account.id"], name=op.f("fk_recommendation_lead_id_user_account")),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["recommendation_source.id"],
            name=op.f("fk_recommendation_source_id_recommendation_source"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_changed_by_id"],
            ["user_account.id"],
            name=op.f("fk_recommendation_status_changed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
        sa.UniqueConstraint("source_id", "reference", name="uq_recommendation_source_reference"),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_lead_id"), ["lead_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recommendation_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recommendation_status"), ["status"], unique=False)

    op.create_table(
        "recommendation_action",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["action.id"], name=op.f("fk_recommendation_action_action_id_action"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_action_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recommendation_id", "action_id", name=op.f("pk_recommendation_action")),
    )
    with op.batch_alter_table("recommendation_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_action_action_id"), ["action_id"], unique=False)

    op.create_table(
        "recommendation_priority",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["priority.id"],
            name=op.f("fk_recommendation_priority_priority_id_priority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_priority_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recommendation_id", "priority_id", name=op.f("pk_recommendation_priority")),
    )
    with op.batch_alter_table("recommendation_priority", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_priority_priority_id"), ["priority_id"], unique=False)

    op.create_table(
        "recommendation_right",
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("right_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendation.id"],
            name=op.f("fk_recommendation_right_recommendation_id_recommendation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["right_id"],
            ["code_right.id"],
            name=op.f("fk_recommendation_right_right_id_code_right"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("recommendation_id", "right_id", name=op.f("pk_recommendation_right")),
    )
    with op.batch_alter_table("recommendation_right", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_right_right_id"), ["right_id"], unique=False)


def downgrade():
    with op.batch_alter_table("recommendation_right", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_right_right_id"))

    op.drop_table("recommendation_right")
    with op.batch_alter_table("recommendation_priority", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_priority_priority_id"))

    op.drop_table("recommendation_priority")
    with op.batch_alter_table("recommendation_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_action_action_id"))

    op.drop_table("recommendation_action")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_status"))
        batch_op.drop_index(batch_op.f("ix_recommendation_source_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_lead_id"))

    op.drop_table("recommendation")
    with op.batch_alter_table("recommendation_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_source_body"))

    op.drop_table("recommendation_source")
