"""a script's own voice choice; the listening check's verdict on a render

Revision ID: voice_1
Revises: windows_1
"""
import sqlalchemy as sa
from alembic import op

revision = "voice_1"
down_revision = "live_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scripts") as batch:
        batch.add_column(sa.Column("voice_style", sa.JSON(), nullable=True))
    with op.batch_alter_table("renders") as batch:
        batch.add_column(sa.Column("speech_cer", sa.Float(), nullable=True))
        batch.add_column(sa.Column("misheard", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("renders") as batch:
        batch.drop_column("misheard")
        batch.drop_column("speech_cer")
    with op.batch_alter_table("scripts") as batch:
        batch.drop_column("voice_style")
