"""Read-only queries of the schedule for the panel: broadcasts in a span, active slots, programme templates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.models import Broadcast, ProgrammeTemplate, Slot, Station


def broadcasts_between(session: Session, station: Station, start: datetime, end: datetime) -> list[Broadcast]:
    """The station's broadcasts planned to start in [start, end), in start order."""
    return list(session.scalars(select(Broadcast).where(
        Broadcast.station_id == station.id, Broadcast.planned_start >= start, Broadcast.planned_start < end,
    ).order_by(Broadcast.planned_start)))


def active_slots(session: Session, station: Station) -> list[Slot]:
    """The station's slots that are switched on, by start time."""
    return list(session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)).order_by(Slot.start_time)))


def programme_templates(session: Session, station: Station) -> list[ProgrammeTemplate]:
    """The station's programme templates by name."""
    return list(session.scalars(select(ProgrammeTemplate).where(ProgrammeTemplate.station_id == station.id).order_by(ProgrammeTemplate.name)))
