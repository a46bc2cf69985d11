"""An administrator can upload the organisation's logo for the report's cover.

Revision ID: pdf_0012
Revises: lifecycle_0011
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import tracker.common.types

# revision identifiers, used by Alembic.
revision = "pdf_0012"
down_revision = "lifecycle_0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation_logo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("uploaded_at", tracker.common.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_organisation_logo_uploaded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_logo")),
        sa.UniqueConstraint("organisation", name=op.f("uq_organisation_logo_organisation")),
    )


def downgrade():
    op.drop_table("organisation_logo")
