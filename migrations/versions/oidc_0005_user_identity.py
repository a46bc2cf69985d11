"""The identity provider's issuer and subject on each user, for single sign-on.

Revision ID: oidc_0005
Revises: a11y_0005
Create Date: 2026-12-03 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "oidc_0005"
down_revision = "a11y_0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("identity_issuer", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("identity_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint("uq_user_account_identity", ["identity_issuer", "identity_subject"])


def downgrade():
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("uq_user_account_identity", type_="unique")
        batch.drop_column("identity_subject")
        batch.drop_column("identity_issuer")
