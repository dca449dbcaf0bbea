"""live talks from the panel or the station PC

Revision ID: live_1
Revises: windows_1
"""
import sqlalchemy as sa
from alembic import op

from broadcast.models.base import UTCDateTime

revision = "live_1"
down_revision = "receivers_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stations") as batch:
        batch.add_column(sa.Column("live_approvers", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("speaker", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("zone_ids", sa.JSON(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("jingle", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("sender_pid", sa.Integer(), nullable=True),
        sa.Column("spool_dir", sa.String(length=500), nullable=False),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("interrupted", sa.Text(), nullable=False),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.Column("kept_path", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["station_id"], ["stations.id"], name=op.f("fk_live_sessions_station_id_stations"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_live_sessions_user_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"], name=op.f("fk_live_sessions_campaign_id_campaigns"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_live_sessions")),
    )
    op.create_index(op.f("ix_live_sessions_station_id"), "live_sessions", ["station_id"], unique=False)
    op.create_index(op.f("ix_live_sessions_status"), "live_sessions", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_live_sessions_status"), table_name="live_sessions")
    op.drop_index(op.f("ix_live_sessions_station_id"), table_name="live_sessions")
    op.drop_table("live_sessions")
    with op.batch_alter_table("stations") as batch:
        batch.drop_column("live_approvers")
