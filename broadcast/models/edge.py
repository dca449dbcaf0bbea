"""Tables of edge playout: per-station sync tokens and the content hashes of audio served to players."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from broadcast.models.base import Base, UTCDateTime, utcnow


class EdgeToken(Base):
    """A commune player's secret for the sync API; only its SHA-256 is stored."""

    __tablename__ = "edge_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class EdgeAudio(Base):
    """The SHA-256 of one audio file a station's plans use, cached by size and mtime."""

    __tablename__ = "edge_audio"
    __table_args__ = (
        UniqueConstraint("station_id", "path", name="uq_edge_audio_station_path"),
        Index("ix_edge_audio_station_sha256", "station_id", "sha256"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    mtime_ns: Mapped[int] = mapped_column(BigInteger)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
