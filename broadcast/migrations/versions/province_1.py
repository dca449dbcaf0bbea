"""edge playout: sync tokens and audio content hashes

Revision ID: province_1
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from broadcast.models import UTCDateTime

revision = "province_1"
down_revision = "playout_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "edge_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_edge_tokens_station_id_stations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edge_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_edge_tokens_token_hash")),
    )
    op.create_index(op.f("ix_edge_tokens_station_id"), "edge_tokens", ["station_id"])
    op.create_table(
        "edge_audio",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime_ns", sa.BigInteger(), nullable=False),
        sa.Column("checked_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_edge_audio_station_id_stations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edge_audio")),
        sa.UniqueConstraint("station_id", "path", name="uq_edge_audio_station_path"),
    )
    op.create_index("ix_edge_audio_station_sha256", "edge_audio", ["station_id", "sha256"])


def downgrade() -> None:
    op.drop_index("ix_edge_audio_station_sha256", table_name="edge_audio")
    op.drop_table("edge_audio")
    op.drop_index(op.f("ix_edge_tokens_station_id"), table_name="edge_tokens")
    op.drop_table("edge_tokens")
