"""Tables of central bulletins: a province or district text sent to chosen communes and zones."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcast.models.base import Base, UTCDateTime, _enum, utcnow
from broadcast.models.enums import Priority


class Bulletin(Base):
    """A bulletin written once at the province (or district) and sent to many communes."""

    __tablename__ = "bulletins"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.NORMAL)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Earliest instant it may air (None: as soon as its priority allows).
    air_from: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="sent")  # sent | done (every commune final)

    targets: Mapped[list[BulletinTarget]] = relationship(back_populates="bulletin", cascade="all, delete-orphan", order_by="BulletinTarget.id")


class BulletinTarget(Base):
    """One commune a bulletin goes to: its zones, the script and broadcast made there, and the delivery state."""

    __tablename__ = "bulletin_targets"
    __table_args__ = (UniqueConstraint("bulletin_id", "station_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    zone_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty = all zones
    script_id: Mapped[Optional[int]] = mapped_column(ForeignKey("scripts.id", ondelete="SET NULL"))
    broadcast_id: Mapped[Optional[int]] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"))
    placement: Mapped[str] = mapped_column(String(16), default="")  # slot | oneoff | emergency
    # The slot occurrence the planner keeps the bulletin in (placement "slot"): re-planning never moves it.
    slot_id: Mapped[Optional[int]] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"))
    slot_start: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="pending")  # pending | aired | failed | skipped (last computed)

    bulletin: Mapped[Bulletin] = relationship(back_populates="targets")
