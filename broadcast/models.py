"""SQLAlchemy 2.0 models of the station; every station-owned row carries station_id."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from broadcast.timeutil import UTC, SystemClock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as UTC and always returns them aware in UTC (SQLite drops zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime refused: {value!r}")
        value = value.astimezone(UTC)
        # SQLite has no zone support: keep a plain UTC wall time there.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Default for created/updated columns."""
    return SystemClock().now()


class Base(DeclarativeBase):
    """Declarative base with constraint naming that Alembic can diff on every database."""

    metadata = MetaData(naming_convention=NAMING)


class Role(str, enum.Enum):
    """What a user may do at a station."""

    ADMIN = "admin"  # quản trị
    EDITOR = "editor"  # biên tập
    APPROVER = "approver"  # phê duyệt
    VIEWER = "viewer"  # xem


class Priority(str, enum.Enum):
    """The national three bulletin levels."""

    NORMAL = "normal"  # thông thường
    PRIORITY = "priority"  # ưu tiên
    EMERGENCY = "emergency"  # khẩn cấp


class ContentStatus(str, enum.Enum):
    """Approval state of scripts, recordings and campaigns."""

    DRAFT = "draft"
    APPROVED = "approved"
    RETURNED = "returned"
    ARCHIVED = "archived"


class BroadcastKind(str, enum.Enum):
    """Why a broadcast exists."""

    REGULAR = "regular"
    EXTRA = "extra"
    ONE_OFF = "oneoff"
    EMERGENCY = "emergency"
    TEST = "test"


class BroadcastStatus(str, enum.Enum):
    """Life of a broadcast from plan to air."""

    PLANNED = "planned"
    READY = "ready"
    PLAYING = "playing"
    DONE = "done"
    MISSED = "missed"
    INTERRUPTED = "interrupted"
    FAILED = "failed"
    CANCELLED = "cancelled"


class ItemType(str, enum.Enum):
    """What one programme item is."""

    JINGLE = "jingle"
    SCRIPT = "script"
    RELAY = "relay"
    FILLER = "filler"
    EMERGENCY = "emergency"


class LogStatus(str, enum.Enum):
    """As-run status of one aired (or not aired) item."""

    PLAYED = "played"
    LATE = "late"
    INTERRUPTED = "interrupted"
    MISSED = "missed"
    FAILED = "failed"
    SKIPPED = "skipped"


def _enum(kind: type[enum.Enum]) -> Enum:
    """Store enums by value as plain strings (portable, readable in SQL)."""
    return Enum(kind, values_callable=lambda k: [m.value for m in k], native_enum=False, length=16, validate_strings=True)


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


class Script(Base):
    """A message to be read on air; `version` grows with every edit."""

    __tablename__ = "scripts"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64), default="")
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.NORMAL)
    status: Mapped[ContentStatus] = mapped_column(_enum(ContentStatus), default=ContentStatus.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    valid_from: Mapped[Optional[date]] = mapped_column(Date)
    valid_to: Mapped[Optional[date]] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")
    review_comment: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ScriptVersion]] = relationship(back_populates="script", cascade="all, delete-orphan", order_by="ScriptVersion.version")


class ScriptVersion(Base):
    """The text of a script as it was at one version."""

    __tablename__ = "script_versions"
    __table_args__ = (UniqueConstraint("script_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    script: Mapped[Script] = relationship(back_populates="versions")


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


class Recording(Base):
    """A human announcer's recording of one script version."""

    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    script_version: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(300), default="")
    path: Mapped[str] = mapped_column(String(500))
    duration_s: Mapped[float] = mapped_column(Float)
    lufs: Mapped[Optional[float]] = mapped_column(Float)
    status: Mapped[ContentStatus] = mapped_column(_enum(ContentStatus), default=ContentStatus.DRAFT)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Render(Base):
    """A synthesized (or prepared recorded) audio file of one script version."""

    __tablename__ = "renders"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    script_version: Mapped[int] = mapped_column(Integer)
    cache_key: Mapped[str] = mapped_column(String(64), index=True)
    path: Mapped[str] = mapped_column(String(500))
    engine: Mapped[str] = mapped_column(String(32))
    voice: Mapped[str] = mapped_column(String(200), default="")
    fallback_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    spoken_text: Mapped[str] = mapped_column(Text, default="")
    duration_s: Mapped[float] = mapped_column(Float)
    lufs: Mapped[Optional[float]] = mapped_column(Float)
    true_peak_db: Mapped[Optional[float]] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Asset(Base):
    """A station audio asset: jingle, separator or filler."""

    __tablename__ = "assets"
    __table_args__ = (UniqueConstraint("station_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # jingle_open | jingle_close | separator | filler
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(500))
    duration_s: Mapped[float] = mapped_column(Float)
    lufs: Mapped[Optional[float]] = mapped_column(Float)


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
    # Programme position reached on air (persisted every second) and position up to which the
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
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LexiconEntry(Base):
    """A station's abbreviation or pronunciation override for the normalizer."""

    __tablename__ = "lexicon_entries"
    __table_args__ = (UniqueConstraint("station_id", "term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(100))
    spoken: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16), default="abbreviation")  # abbreviation | pronunciation


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


class PlayerHeartbeat(Base):
    """The playout process's last sign of life per station, for the status page."""

    __tablename__ = "player_heartbeats"
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True)
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(String(200), default="")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    now_playing_id: Mapped[Optional[int]] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"))
