"""Scripts and their versions, recordings, renders, audio assets and the lexicon."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from broadcast.models.base import Base, UTCDateTime, _enum, utcnow
from broadcast.models.enums import ContentStatus, Priority


class Script(Base):
    """A message to be read on air, or (kind audio) a media item whose sound is its recording; `version` grows with every edit."""

    __tablename__ = "scripts"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="text", server_default="text")  # text | audio (broadcast.content.media)
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
    # The script's own voice choice (region, gender, pace) over the station's; None follows the station.
    voice_style: Mapped[Optional[dict[str, str]]] = mapped_column(JSON)
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


class Recording(Base):
    """A human announcer's recording of one script version."""

    __tablename__ = "recordings"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    script_id: Mapped[int] = mapped_column(ForeignKey("scripts.id", ondelete="CASCADE"), index=True)
    script_version: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(300), default="")
    original_path: Mapped[str] = mapped_column(String(500), default="", server_default="")  # the upload as received (media items)
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
    # The listening check (viet-asr), filled off the air path after the render: None until it ran.
    speech_cer: Mapped[Optional[float]] = mapped_column(Float)
    misheard: Mapped[Optional[list[str]]] = mapped_column(JSON)
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


class LexiconEntry(Base):
    """A station's abbreviation or pronunciation override for the normalizer."""

    __tablename__ = "lexicon_entries"
    __table_args__ = (UniqueConstraint("station_id", "term"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), index=True)
    term: Mapped[str] = mapped_column(String(100))
    spoken: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16), default="abbreviation")  # abbreviation | pronunciation
