"""Playout rules that do not depend on the scheduler: what to air, and what the log says about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast import asrun
from broadcast.models import AsRunEntry, Broadcast, BroadcastStatus, Campaign, LogStatus, Station
from broadcast.stations import zone_names

PLAYABLE = (BroadcastStatus.PLANNED, BroadcastStatus.READY)
# An item that aired all but this many seconds still counts as played (ffmpeg reports in frames).
PLAYED_TOLERANCE_S = 0.25


@dataclass(frozen=True)
class AirResult:
    """What really happened to a broadcast on air."""

    actual_start: datetime | None
    seconds: float
    sinks: str
    late: bool = False
    error: str = ""


def due_broadcasts(session: Session, station: Station, start: datetime, end: datetime) -> Sequence[Broadcast]:
    """Broadcasts still to air whose planned start is in [start, end)."""
    return session.scalars(
        select(Broadcast).where(
            Broadcast.station_id == station.id, Broadcast.status.in_(PLAYABLE),
            Broadcast.planned_start >= start, Broadcast.planned_start < end,
        ).order_by(Broadcast.planned_start)
    ).all()


def _campaign_slugs(session: Session, broadcast: Broadcast) -> dict[int, str]:
    ids = {i.campaign_id for i in broadcast.items if i.campaign_id}
    if not ids:
        return {}
    return {c.id: c.slug for c in session.scalars(select(Campaign).where(Campaign.id.in_(ids)))}


def log_broadcast(session: Session, station: Station, broadcast: Broadcast, result: AirResult, status_if_cut: LogStatus = LogStatus.INTERRUPTED) -> list[AsRunEntry]:
    """Write one chained log row per item from how many seconds of the broadcast aired."""
    zones = zone_names(session, station.id, broadcast.zone_ids or [])
    slugs = _campaign_slugs(session, broadcast)
    rows = []
    for item in broadcast.items:
        aired = max(0.0, min(item.duration_s, result.seconds - item.offset_s))
        if result.actual_start is None:
            status, aired = LogStatus.MISSED, 0.0
        elif aired >= item.duration_s - PLAYED_TOLERANCE_S:
            status, aired = (LogStatus.LATE if result.late else LogStatus.PLAYED), item.duration_s
        elif aired > 0:
            status = status_if_cut
        else:
            status = LogStatus.FAILED if result.error else LogStatus.SKIPPED
        start = result.actual_start + timedelta(seconds=item.offset_s) if result.actual_start and aired > 0 else None
        ref = item.script_id or item.asset_id or ""
        rows.append(asrun.append(session, AsRunEntry(
            station_id=station.id, broadcast_id=broadcast.id, broadcast_item_id=item.id, zones=zones,
            slot_start=broadcast.slot_start, slot_end=broadcast.slot_end,
            planned_start=broadcast.planned_start + timedelta(seconds=item.offset_s),
            actual_start=start, actual_end=start + timedelta(seconds=aired) if start else None,
            item_type=item.item_type.value, item_ref=f"{'script' if item.script_id else 'asset'}:{ref}" if ref else "",
            title=item.title, campaign=slugs.get(item.campaign_id or 0, ""), voice=item.voice,
            status=status, seconds=aired, sinks=result.sinks, reason=result.error,
        )))
    broadcast.seconds_aired = min(result.seconds, broadcast.audio_duration_s or result.seconds)
    if result.actual_start is None:
        broadcast.status = BroadcastStatus.MISSED
    elif result.error or result.seconds < (broadcast.audio_duration_s or 0) - PLAYED_TOLERANCE_S:
        broadcast.status = BroadcastStatus.INTERRUPTED if result.seconds > 0 else BroadcastStatus.FAILED
    else:
        broadcast.status = BroadcastStatus.DONE
    if result.actual_start:
        broadcast.ended_at = result.actual_start + timedelta(seconds=result.seconds)
    broadcast.note = result.error
    session.flush()
    return rows
