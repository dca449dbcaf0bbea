"""playout: logged position of a broadcast and start offset of an airing

Revision ID: playout_1
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "playout_1"
down_revision = "planning_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logged_s", sa.Float(), nullable=False, server_default="0"))
    with op.batch_alter_table("asrun_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_offset_ms", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("asrun_log", schema=None) as batch_op:
        batch_op.drop_column("start_offset_ms")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_column("logged_s")
