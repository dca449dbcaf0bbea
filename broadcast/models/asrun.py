"""The as-run log row (hash chained)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from broadcast.models.base import Base, UTCDateTime, _enum, utcnow
from broadcast.models.enums import LogStatus


class AsRunEntry(Base):
    """One row of the as-run log, chained by hash to the previous row of its station."""

    __tablename__ = "asrun_log"
    __table_args__ = (UniqueConstraint("station_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="RESTRICT"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    broadcast_id: Mapped[Optional[int]] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"), index=True)
    broadcast_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("broadcast_items.id", ondelete="SET NULL"))
    zones: Mapped[str] = mapped_column(String(500), default="")
    slot_start: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    slot_end: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actual_start: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    actual_end: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    item_type: Mapped[str] = mapped_column(String(16))
    item_ref: Mapped[str] = mapped_column(String(64), default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    campaign: Mapped[str] = mapped_column(String(64), default="")
    voice: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[LogStatus] = mapped_column(_enum(LogStatus))
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    sinks: Mapped[str] = mapped_column(String(500), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    # Planned start -> first audio out, in ms, on the first row of each airing (None elsewhere).
    start_offset_ms: Mapped[Optional[float]] = mapped_column(Float)
    # Codes of the row's zones that had a receiver playing for its whole length (None: the station has no receivers).
    zones_reached: Mapped[Optional[str]] = mapped_column(String(500))
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
