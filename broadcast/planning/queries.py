"""Read-only queries of the schedule for the panel: broadcasts in a span, active slots, programme templates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from broadcast.db import read_fields
from broadcast.models import Broadcast, ProgrammeTemplate, Slot, Station


# Built once: every schedule page asks for both, and a cached page spent more building them than running them.
_BROADCASTS_BETWEEN = select(Broadcast).where(
    Broadcast.station_id == bindparam("station_id"), Broadcast.planned_start >= bindparam("start"), Broadcast.planned_start < bindparam("end"),
).order_by(Broadcast.planned_start)
_ACTIVE_SLOTS = select(Slot).where(Slot.station_id == bindparam("station_id"), Slot.is_active.is_(True)).order_by(Slot.start_time)


def broadcasts_between(session: Session, station: Station, start: datetime, end: datetime) -> list[Broadcast]:
    """The station's broadcasts planned to start in [start, end), in start order."""
    return list(session.scalars(_BROADCASTS_BETWEEN, {"station_id": station.id, "start": start, "end": end}))


def broadcast_fields_between(session: Session, station_id: int, start: datetime, end: datetime, *columns: Any) -> tuple[tuple[Any, ...], ...]:
    """Only these fields of broadcasts_between's rows, in its order (a cached page's key: no ORM objects built)."""
    return read_fields(session, _BROADCASTS_BETWEEN, columns, {"station_id": station_id, "start": start, "end": end})


def active_slots(session: Session, station: Station) -> list[Slot]:
    """The station's slots that are switched on, by start time."""
    return list(session.scalars(_ACTIVE_SLOTS, {"station_id": station.id}))


def active_slot_fields(session: Session, station_id: int, *columns: Any) -> tuple[tuple[Any, ...], ...]:
    """Only these fields of active_slots' rows, in its order (a cached page's key: no ORM objects built)."""
    return read_fields(session, _ACTIVE_SLOTS, columns, {"station_id": station_id})


def programme_templates(session: Session, station: Station) -> list[ProgrammeTemplate]:
    """The station's programme templates by name."""
    return list(session.scalars(select(ProgrammeTemplate).where(ProgrammeTemplate.station_id == station.id).order_by(ProgrammeTemplate.name)))
