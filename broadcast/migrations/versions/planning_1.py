"""broadcasts.manual: programmes edited by hand keep their items when re-planned

Revision ID: planning_1
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "planning_1"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manual", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("manual")
