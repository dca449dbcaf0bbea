"""receivers in the thôn: devices, their reports and outages; zones reached on log rows

Revision ID: receivers_1
Revises: windows_1
"""
import sqlalchemy as sa
from alembic import op

from broadcast.models import UTCDateTime

revision = "receivers_1"
down_revision = "audit_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "receivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_counter", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_receivers_station_id_stations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_receivers_zone_id_zones"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receivers")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_receivers_token_hash")),
    )
    op.create_index(op.f("ix_receivers_station_id"), "receivers", ["station_id"], unique=False)
    op.create_index(op.f("ix_receivers_zone_id"), "receivers", ["zone_id"], unique=False)
    op.create_table(
        "receiver_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("counter", sa.Integer(), nullable=False),
        sa.Column("interval_s", sa.Float(), nullable=False),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("playing", sa.Boolean(), nullable=False),
        sa.Column("playing_for_s", sa.Float(), nullable=False),
        sa.Column("level_db", sa.Float(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("network_errors", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("uptime_s", sa.Float(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["receiver_id"], ["receivers.id"], name=op.f("fk_receiver_reports_receiver_id_receivers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receiver_reports")),
    )
    op.create_index("ix_receiver_reports_receiver_received", "receiver_reports", ["receiver_id", "received_at"], unique=False)
    op.create_table(
        "receiver_outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receiver_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("alerted_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["receiver_id"], ["receivers.id"], name=op.f("fk_receiver_outages_receiver_id_receivers"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receiver_outages")),
    )
    op.create_index(op.f("ix_receiver_outages_receiver_id"), "receiver_outages", ["receiver_id"], unique=False)
    op.create_table(
        "edge_status",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("receivers_total", sa.Integer(), nullable=False),
        sa.Column("receivers_offline", sa.Integer(), nullable=False),
        sa.Column("receivers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_edge_status_station_id_stations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("station_id", name=op.f("pk_edge_status")),
    )
    with op.batch_alter_table("asrun_log") as batch:
        batch.add_column(sa.Column("zones_reached", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("asrun_log") as batch:
        batch.drop_column("zones_reached")
    op.drop_table("edge_status")
    op.drop_index(op.f("ix_receiver_outages_receiver_id"), table_name="receiver_outages")
    op.drop_table("receiver_outages")
    op.drop_index("ix_receiver_reports_receiver_received", table_name="receiver_reports")
    op.drop_table("receiver_reports")
    op.drop_index(op.f("ix_receivers_zone_id"), table_name="receivers")
    op.drop_index(op.f("ix_receivers_station_id"), table_name="receivers")
    op.drop_table("receivers")
