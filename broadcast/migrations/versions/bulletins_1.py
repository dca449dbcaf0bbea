"""central bulletins: bulletins and their per-commune targets

Revision ID: bulletins_1
Revises: province_1
"""
import sqlalchemy as sa
from alembic import op

from broadcast.models import UTCDateTime

revision = "bulletins_1"
down_revision = "province_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("priority", sa.Enum("normal", "priority", "emergency", name="priority", native_enum=False, length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("air_from", UTCDateTime(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_bulletins_author_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
    )
    op.create_table(
        "bulletin_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("zone_ids", sa.JSON(), nullable=False),
        sa.Column("script_id", sa.Integer(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("placement", sa.String(length=16), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("slot_start", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletins.id"], name=op.f("fk_bulletin_targets_bulletin_id_bulletins"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_bulletin_targets_station_id_stations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["script_id"], ["scripts.id"], name=op.f("fk_bulletin_targets_script_id_scripts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["broadcast_id"], ["broadcasts.id"], name=op.f("fk_bulletin_targets_broadcast_id_broadcasts"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"], name=op.f("fk_bulletin_targets_slot_id_slots"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletin_targets")),
        sa.UniqueConstraint("bulletin_id", "station_id", name=op.f("uq_bulletin_targets_bulletin_id")),
    )
    op.create_index(op.f("ix_bulletin_targets_bulletin_id"), "bulletin_targets", ["bulletin_id"])
    op.create_index(op.f("ix_bulletin_targets_station_id"), "bulletin_targets", ["station_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bulletin_targets_station_id"), table_name="bulletin_targets")
    op.drop_index(op.f("ix_bulletin_targets_bulletin_id"), table_name="bulletin_targets")
    op.drop_table("bulletin_targets")
    op.drop_table("bulletins")
