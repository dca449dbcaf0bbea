"""media library: a script's kind (text or audio) and the kept original of a recording

Revision ID: media_1
Revises: windows_1
"""
import sqlalchemy as sa
from alembic import op

revision = "media_1"
down_revision = "windows_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scripts") as batch:
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="text"))
    with op.batch_alter_table("recordings") as batch:
        batch.add_column(sa.Column("original_path", sa.String(length=500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("recordings") as batch:
        batch.drop_column("original_path")
    with op.batch_alter_table("scripts") as batch:
        batch.drop_column("kind")
