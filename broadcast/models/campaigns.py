"""Campaigns, their script pools and report notes."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcast.models.base import Base, UTCDateTime, _enum, utcnow
from broadcast.models.enums import ContentStatus, Priority

if TYPE_CHECKING:  # the relationship below is resolved by name at mapping time; this names it for readers and linters
    from broadcast.models.content import Script


class Campaign(Base):
    """A time-limited push of content with an airtime target (e.g. the action month)."""

    __tablename__ = "campaigns"
    __table_args__ = (UniqueConstraint("station_id", "slug"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(300))
    theme: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # Target as an office states it: minutes_per_day | plays_per_script_week | share_of_slot.
    target_kind: Mapped[str] = mapped_column(String(32), default="minutes_per_day")
    target_value: Mapped[float] = mapped_column(Float, default=0.0)
    # Extra airtime for the campaign's dates: seconds added to each regular slot.
    extend_slot_s: Mapped[int] = mapped_column(Integer, default=0)
    min_separation_h: Mapped[float] = mapped_column(Float, default=0.0)
    # When in the day its content may air: [{"start": "05:30", "end": "06:00", "weekdays": "12345"}]; empty = any slot.
    windows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list, server_default="[]")
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.NORMAL)
    status: Mapped[ContentStatus] = mapped_column(_enum(ContentStatus), default=ContentStatus.DRAFT)
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    copied_from_id: Mapped[Optional[int]] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pool: Mapped[list[CampaignScript]] = relationship(back_populates="campaign", cascade="all, delete-orphan")


class CampaignScript(Base):
    """A script in a campaign's rotation pool, with its weight."""

    __tablename__ = "campaign_scripts"
    __table_args__ = (UniqueConstraint("campaign_id", "script_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)

    campaign: Mapped[Campaign] = relationship(back_populates="pool")
    script: Mapped[Script] = relationship()


class ReportNote(Base):
    """The operator's free text on other station activities during a campaign."""

    __tablename__ = "report_notes"
    __table_args__ = (UniqueConstraint("campaign_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
