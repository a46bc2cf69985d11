"""The response to a report or review: versions drafted, worded, approved and published, and what each says
of each recommendation.

Revision ID: recs_0018
Revises: reports_0017
Create Date: 2026-12-04 18:45:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "recs_0018"
down_revision = "reports_0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("source_published_on", sa.Date(), nullable=True),
        sa.Column("drafted_at", tracker.common.types.UTCDateTime(), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=True),
        sa.Column("edited_at", tracker.common.types.UTCDateTime(), nullable=True),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", tracker.common.types.UTCDateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", tracker.common.types.UTCDateTime(), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["drafted_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["edited_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["published_by_id"], ["user_account.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["recommendation_source.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id", "number", name="uq_recommendation_response_number"),
    )
    with op.batch_alter_table("recommendation_response") as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_response_source_id"), ["source_id"], unique=False)
    op.create_table(
        "recommendation_response_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("actions", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendation.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["response_id"], ["recommendation_response.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("response_id", "recommendation_id", name="uq_response_item_recommendation"),
    )
    with op.batch_alter_table("recommendation_response_item") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recommendation_response_item_recommendation_id"), ["recommendation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recommendation_response_item_response_id"), ["response_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("recommendation_response_item") as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_response_item_response_id"))
        batch_op.drop_index(batch_op.f("ix_recommendation_response_item_recommendation_id"))
    op.drop_table("recommendation_response_item")
    with op.batch_alter_table("recommendation_response") as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_response_source_id"))
    op.drop_table("recommendation_response")
