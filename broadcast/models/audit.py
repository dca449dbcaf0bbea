"""The audit trail row (hash chained, one chain for the whole installation)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from broadcast.models.base import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    """One action a person (panel user, CLI user, API token) took, chained by hash to the row before it.

    No foreign keys: the row names its user, station and object by value so it outlives them unchanged.
    """

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200), index=True)
    user_id: Mapped[Optional[int]] = mapped_column(Integer)
    station_id: Mapped[Optional[int]] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str] = mapped_column(String(50), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    object_title: Mapped[str] = mapped_column(String(300), default="")
    changes: Mapped[str] = mapped_column(Text, default="")
    client: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    row_hash: Mapped[str] = mapped_column(String(64))
