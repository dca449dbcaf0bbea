"""A live talk (phát trực tiếp): who speaks, on which zones, and how it went."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcast.models.base import Base, UTCDateTime, utcnow


class LiveSession(Base):
    """One live source from the panel or the station PC; the playout process carries its audio to the zones."""

    __tablename__ = "live_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    speaker: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(16), default="browser")  # browser | station
    zone_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty = all zones
    campaign_id: Mapped[Optional[int]] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    jingle: Mapped[bool] = mapped_column(Boolean, default=False)
    # requested -> on_air -> ended (or requested -> ended when refused by the player)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    sender_pid: Mapped[Optional[int]] = mapped_column(Integer)  # the process writing the chunks (its death ends live)
    spool_dir: Mapped[str] = mapped_column(String(500), default="")
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    interrupted: Mapped[str] = mapped_column(Text, default="")  # titles of what live cut, for the page
    end_reason: Mapped[str] = mapped_column(Text, default="")
    kept_path: Mapped[str] = mapped_column(String(500), default="")  # the talk, normalized to the station format
