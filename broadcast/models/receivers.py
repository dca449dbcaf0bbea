"""Receivers in the thôn (one per speaker cluster), the reports they send and their outages."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcast.models.base import Base, UTCDateTime, utcnow


class Receiver(Base):
    """A device playing one zone's stream to its loudspeakers; only its token's SHA-256 is stored."""

    __tablename__ = "receivers"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The highest report counter accepted: a report must carry a larger one (replay protection).
    last_counter: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceiverReport(Base):
    """One accepted report of a receiver, stamped with the station's clock when it arrived."""

    __tablename__ = "receiver_reports"
    __table_args__ = (Index("ix_receiver_reports_receiver_received", "receiver_id", "received_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("receivers.id", ondelete="CASCADE"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    counter: Mapped[int] = mapped_column(Integer)
    interval_s: Mapped[float] = mapped_column(Float)
    connected: Mapped[bool] = mapped_column(Boolean)
    playing: Mapped[bool] = mapped_column(Boolean)
    # Seconds of uninterrupted audible play up to the report (0 when not playing).
    playing_for_s: Mapped[float] = mapped_column(Float, default=0.0)
    level_db: Mapped[Optional[float]] = mapped_column(Float)
    title: Mapped[str] = mapped_column(String(300), default="")
    network_errors: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    uptime_s: Mapped[float] = mapped_column(Float, default=0.0)
    version: Mapped[str] = mapped_column(String(32), default="")


class ReceiverOutage(Base):
    """A span in which a receiver was offline (red) or silent during a broadcast (amber); open while ended_at is None."""

    __tablename__ = "receiver_outages"
    id: Mapped[int] = mapped_column(primary_key=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("receivers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # offline | silent
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    # When it was raised as an alert (offline at air time, or silent during a broadcast); None: not an alert (yet).
    alerted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class EdgeStatus(Base):
    """What a commune player last uploaded to the province: its heartbeat and its receivers' status."""

    __tablename__ = "edge_status"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    receivers_total: Mapped[int] = mapped_column(Integer, default=0)
    receivers_offline: Mapped[int] = mapped_column(Integer, default=0)
    # One object per receiver: zone, name, colour, why, last_heard (UTC ISO or null).
    receivers: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
