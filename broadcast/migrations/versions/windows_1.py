"""campaign time windows

Revision ID: windows_1
Revises: province_1
"""
import sqlalchemy as sa
from alembic import op

revision = "windows_1"
down_revision = "bulletins_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("windows", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_column("windows")
