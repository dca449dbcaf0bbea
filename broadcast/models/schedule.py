"""Programme templates, slots, broadcasts and their items."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcast.models.base import Base, UTCDateTime, _enum, utcnow
from broadcast.models.enums import BroadcastKind, BroadcastStatus, ItemType, Priority


class ProgrammeTemplate(Base):
    """A programme clock: the ordered kinds of items a slot is filled with."""

    __tablename__ = "programme_templates"
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # e.g. [{"kind": "jingle_open"}, {"kind": "relay", "url": ..., "seconds": 600}, {"kind": "campaign_block"}, ...]
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Slot(Base):
    """A recurring broadcast time, written in the station's local time."""

    __tablename__ = "slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_time: Mapped[time] = mapped_column(Time)
    duration_s: Mapped[int] = mapped_column(Integer)
    weekdays: Mapped[str] = mapped_column(String(7), default="1234567")  # ISO weekdays, 1 = Monday
    valid_from: Mapped[Optional[date]] = mapped_column(Date)
    valid_to: Mapped[Optional[date]] = mapped_column(Date)
    exceptions: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO dates without a broadcast
    zone_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty = all zones
    template_id: Mapped[Optional[int]] = mapped_column(ForeignKey("programme_templates.id", ondelete="SET NULL"))
    campaign_id: Mapped[Optional[int]] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))  # extra slot of a campaign
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    template: Mapped[Optional[ProgrammeTemplate]] = relationship()


class Broadcast(Base):
    """One airing: a slot occurrence, a one-off, a test or an emergency."""

    __tablename__ = "broadcasts"
    __table_args__ = (
        UniqueConstraint("station_id", "slot_id", "slot_start", name="uq_broadcasts_slot_occurrence"),
        Index("ix_broadcasts_station_start", "station_id", "planned_start"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[Optional[int]] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"))
    kind: Mapped[BroadcastKind] = mapped_column(_enum(BroadcastKind), default=BroadcastKind.REGULAR)
    title: Mapped[str] = mapped_column(String(300), default="")
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.NORMAL)
    slot_start: Mapped[datetime] = mapped_column(UTCDateTime)
    slot_end: Mapped[datetime] = mapped_column(UTCDateTime)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime)
    zone_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    status: Mapped[BroadcastStatus] = mapped_column(_enum(BroadcastStatus), default=BroadcastStatus.PLANNED)
    audio_path: Mapped[str] = mapped_column(String(500), default="")
    audio_duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    # What playout plays, in order: [{"kind": "file", "path", "offset_s", "duration_s"} |
    # {"kind": "relay", "url", "offset_s", "duration_s"}]; one file when the programme has no relay.
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    plan_hash: Mapped[str] = mapped_column(String(64), default="")
    # Edited by hand (reordered, one-off): re-planning keeps its items, only dropping content no longer approved.
    manual: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    started_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    ended_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Programme position reached on air (persisted about twice a second while playing) and position up to which the
    # items are in the as-run log: a restart resumes from logged_s and never logs an item twice.
    seconds_aired: Mapped[float] = mapped_column(Float, default=0.0)
    logged_s: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list[BroadcastItem]] = relationship(
        back_populates="broadcast", cascade="all, delete-orphan", order_by="BroadcastItem.position"
    )


class BroadcastItem(Base):
    """One item of a broadcast's programme, with its place and why it was chosen."""

    __tablename__ = "broadcast_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    item_type: Mapped[ItemType] = mapped_column(_enum(ItemType))
    script_id: Mapped[Optional[int]] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"))
    asset_id: Mapped[Optional[int]] = mapped_column(ForeignKey("assets.id", ondelete="SET NULL"))
    render_id: Mapped[Optional[int]] = mapped_column(ForeignKey("renders.id", ondelete="SET NULL"))
    recording_id: Mapped[Optional[int]] = mapped_column(ForeignKey("recordings.id", ondelete="SET NULL"))
    campaign_id: Mapped[Optional[int]] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    voice: Mapped[str] = mapped_column(String(200), default="")
    audio_path: Mapped[str] = mapped_column(String(500), default="")
    relay_url: Mapped[str] = mapped_column(String(500), default="")
    offset_s: Mapped[float] = mapped_column(Float, default=0.0)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(300), default="")

    broadcast: Mapped[Broadcast] = relationship(back_populates="items")
