"""Stations, their zones, users, memberships and the player heartbeat."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcast.models.base import Base, UTCDateTime, _enum, utcnow
from broadcast.models.enums import Role


class Station(Base):
    """A commune radio station."""

    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Ho_Chi_Minh")
    voice_chain: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=lambda: [{"engine": "espeak", "voice": "vi"}])
    loudness_lufs: Mapped[float] = mapped_column(Float, default=-16.0)
    true_peak_db: Mapped[float] = mapped_column(Float, default=-1.5)
    emergency_resume: Mapped[bool] = mapped_column(Boolean, default=True)
    live_approvers: Mapped[bool] = mapped_column(Boolean, default=False)  # approvers may also go live
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    zones: Mapped[list[Zone]] = relationship(back_populates="station", order_by="Zone.position")


class Zone(Base):
    """A speaker cluster (usually one thôn)."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("station_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    stream_mount: Mapped[str] = mapped_column(String(200), default="")
    alsa_device: Mapped[str] = mapped_column(String(100), default="")

    station: Mapped[Station] = relationship(back_populates="zones")


class User(Base):
    """A person who logs in to the panel."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Membership(Base):
    """A user's role at one station (a province user has many)."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "station_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))

    user: Mapped[User] = relationship(back_populates="memberships")
    station: Mapped[Station] = relationship()


class PlayerHeartbeat(Base):
    """The playout process's last sign of life per station, for the status page."""

    __tablename__ = "player_heartbeats"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    now_playing_id: Mapped[Optional[int]] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"))


class ApiToken(Base):
    """A personal API token: it acts as its user, with the user's roles at the time of each call; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The one station it may act on (None: every station where its user holds a role).
    station_id: Mapped[Optional[int]] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
