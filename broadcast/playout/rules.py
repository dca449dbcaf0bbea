"""Playout rules that do not depend on the scheduler: what airs, and what the log says about it.

A broadcast is a programme of items at offsets. It goes on air in one or more *airings*
(continuous stretches: a restart after a crash or an emergency cut starts a new one).
`Broadcast.logged_s` is the programme position up to which items are in the as-run log; every
function here moves it forward in the same transaction as the rows it writes, so an item is
never logged twice and a crash loses at most the item in progress.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from broadcast.asrun import chain as asrun
from broadcast.models import (
    AIRED, UNSTARTED, Asset, AsRunEntry, Broadcast, BroadcastItem, BroadcastKind, BroadcastStatus, Campaign, ItemType, LogStatus, Station,
)
from broadcast.stations.lookup import zone_names
from broadcast.receivers.board import zones_reached

# An item that aired all but this many seconds still counts as played (ffmpeg reports in frames).
PLAYED_TOLERANCE_S = 0.25
# Starting later than this after the planned instant is logged as late.
LATE_AFTER_S = 1.0
_EPS = 1e-6

REASON_CRASH = "trình phát dừng đột ngột (mất điện hoặc lỗi máy) khi đang phát"
REASON_DOWN = "trình phát không chạy vào giờ phát"
REASON_SLOT_OVER = "hết giờ của buổi phát"
REASON_EMERGENCY = "ngắt để phát bản tin khẩn cấp"
REASON_EMERGENCY_NO_RESUME = "không phát tiếp sau bản tin khẩn cấp (theo cài đặt của đài)"


@dataclass(frozen=True)
class Segment:
    """One thing playout plays in order: a file or a relay, at a programme offset."""

    kind: str  # "file" | "relay"
    source: str  # file path or stream URL
    offset_s: float
    duration_s: float

    @property
    def end_s(self) -> float:
        """Programme position where the segment ends."""
        return self.offset_s + self.duration_s


@dataclass(frozen=True)
class Airing:
    """One continuous stretch of a broadcast on air, from programme position from_s."""

    from_s: float
    actual_start: datetime
    sinks: str
    late: bool = False
    start_offset_ms: float | None = None
    # Why an output was dropped during this airing (a full air-check disk, Icecast down): shown on its rows.
    note: str = ""

    def at(self, position_s: float) -> datetime:
        """When a programme position went (or goes) out in this airing."""
        return self.actual_start + timedelta(seconds=position_s - self.from_s)


def programme_length(broadcast: Broadcast) -> float:
    """Seconds of programme: the end of its last item (or of its audio when it has no items)."""
    ends = [i.offset_s + i.duration_s for i in broadcast.items]
    return max(ends) if ends else float(broadcast.audio_duration_s or 0.0)


def segments_of(broadcast: Broadcast) -> list[Segment]:
    """What to play in order: Broadcast.segments, or the one assembled file until planning fills them."""
    if broadcast.segments:
        return [
            Segment(str(s.get("kind", "file")), str(s.get("path") or s.get("url") or ""), float(s.get("offset_s", 0.0)), float(s.get("duration_s", 0.0)))
            for s in broadcast.segments
        ]
    total = programme_length(broadcast)
    return [Segment("file", broadcast.audio_path or "", 0.0, total)] if total > 0 else []


def segment_at(segments: Sequence[Segment], position_s: float) -> Segment | None:
    """The segment playing at a programme position (None past the end)."""
    for segment in segments:
        if segment.offset_s - _EPS <= position_s < segment.end_s - _EPS:
            return segment
    return None


def is_late(broadcast: Broadcast, from_s: float, actual_start: datetime) -> bool:
    """Whether an airing from a programme position went out later than planned."""
    planned = broadcast.planned_start + timedelta(seconds=from_s)
    return (actual_start - planned).total_seconds() > LATE_AFTER_S


def claim(session: Session, broadcast_id: int) -> bool:
    """Atomically mark a playable broadcast as playing; False if another job already has it."""
    result = session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.status.in_(UNSTARTED)).values(status=BroadcastStatus.PLAYING)
    )
    return result.rowcount == 1


def _campaign_slugs(session: Session, broadcast: Broadcast) -> dict[int, str]:
    ids = {i.campaign_id for i in broadcast.items if i.campaign_id}
    if not ids:
        return {}
    return {c.id: c.slug for c in session.scalars(select(Campaign).where(Campaign.id.in_(ids)))}


def _item_ref(item: BroadcastItem) -> str:
    if item.script_id:
        return f"script:{item.script_id}"
    if item.asset_id:
        return f"asset:{item.asset_id}"
    return ""


def _row(session: Session, station: Station, broadcast: Broadcast, item: BroadcastItem, begin_s: float,
         status: LogStatus, seconds: float, airing: Airing | None, reason: str, sinks: str = "") -> AsRunEntry:
    """Append one chained row for the part of an item from programme position begin_s."""
    start = airing.at(begin_s) if airing is not None and seconds > 0 else None
    first = airing is not None and abs(begin_s - airing.from_s) < _EPS
    return asrun.append(session, AsRunEntry(
        station_id=station.id, broadcast_id=broadcast.id, broadcast_item_id=item.id,
        zones=zone_names(session, station.id, broadcast.zone_ids or []),
        slot_start=broadcast.slot_start, slot_end=broadcast.slot_end,
        planned_start=broadcast.planned_start + timedelta(seconds=begin_s),
        actual_start=start, actual_end=start + timedelta(seconds=seconds) if start else None,
        item_type=item.item_type.value, item_ref=_item_ref(item), title=item.title,
        campaign=_campaign_slugs(session, broadcast).get(item.campaign_id or 0, ""), voice=item.voice,
        status=status, seconds=seconds, sinks=airing.sinks if airing else sinks, reason=reason,
        start_offset_ms=airing.start_offset_ms if first and start is not None else None,
        zones_reached=zones_reached(session, station.id, broadcast.zone_ids or [], start, start + timedelta(seconds=seconds) if start else None),
    ))


def _open_items(broadcast: Broadcast) -> list[BroadcastItem]:
    """Items not fully logged yet, in programme order."""
    return [i for i in broadcast.items if i.offset_s + i.duration_s > broadcast.logged_s + _EPS]


def log_through(session: Session, station: Station, broadcast: Broadcast, airing: Airing, position_s: float) -> list[AsRunEntry]:
    """Log every not-yet-logged item that ended by a programme position as played (or late)."""
    rows = []
    for item in _open_items(broadcast):
        end = item.offset_s + item.duration_s
        if end > position_s + PLAYED_TOLERANCE_S:
            break
        begin = max(item.offset_s, broadcast.logged_s)
        status = LogStatus.LATE if airing.late else LogStatus.PLAYED
        rows.append(_row(session, station, broadcast, item, begin, status, end - begin, airing, airing.note))
        broadcast.logged_s = end
    broadcast.seconds_aired = max(broadcast.seconds_aired or 0.0, broadcast.logged_s)
    session.flush()
    return rows


def log_cut(session: Session, station: Station, broadcast: Broadcast, airing: Airing, position_s: float, reason: str,
            status: LogStatus = LogStatus.INTERRUPTED) -> AsRunEntry | None:
    """Log the item on air at a programme position as cut, with the seconds it aired in this airing."""
    log_through(session, station, broadcast, airing, position_s)
    for item in _open_items(broadcast):
        begin = max(item.offset_s, broadcast.logged_s)
        seconds = position_s - begin
        if seconds <= _EPS or item.offset_s > position_s:
            return None  # nothing of it aired in this airing: the rest rules log it
        row = _row(session, station, broadcast, item, begin, status, seconds, airing, reason)
        broadcast.logged_s = position_s
        broadcast.seconds_aired = max(broadcast.seconds_aired or 0.0, position_s)
        session.flush()
        return row
    return None


def log_rest(session: Session, station: Station, broadcast: Broadcast, status: LogStatus, reason: str,
             until_s: float | None = None, sinks: str = "") -> list[AsRunEntry]:
    """Log the items that did not air (missed, skipped or failed), up to a position or to the end."""
    rows = []
    for item in _open_items(broadcast):
        if until_s is not None and item.offset_s >= until_s - _EPS:
            break
        if item.offset_s >= broadcast.logged_s - _EPS:  # a partly aired item already has its row
            rows.append(_row(session, station, broadcast, item, item.offset_s, status, 0.0, None, reason, sinks))
        broadcast.logged_s = item.offset_s + item.duration_s
    session.flush()
    return rows


def log_filler(session: Session, station: Station, broadcast: Broadcast, filler: Asset | None, airing: Airing,
               begin_s: float, seconds: float, reason: str) -> AsRunEntry:
    """Log the station filler that covered a gap (a failed file or relay) so the log shows no dead air."""
    start = airing.at(begin_s)
    return asrun.append(session, AsRunEntry(
        station_id=station.id, broadcast_id=broadcast.id, broadcast_item_id=None,
        zones=zone_names(session, station.id, broadcast.zone_ids or []),
        slot_start=broadcast.slot_start, slot_end=broadcast.slot_end,
        planned_start=broadcast.planned_start + timedelta(seconds=begin_s),
        actual_start=start, actual_end=start + timedelta(seconds=seconds),
        item_type=ItemType.FILLER.value, item_ref=f"asset:{filler.id}" if filler else "",
        title=filler.name if filler else "Nhạc nền", status=LogStatus.LATE if airing.late else LogStatus.PLAYED,
        seconds=seconds, sinks=airing.sinks, reason=reason,
        start_offset_ms=airing.start_offset_ms if abs(begin_s - airing.from_s) < _EPS else None,
        zones_reached=zones_reached(session, station.id, broadcast.zone_ids or [], start, start + timedelta(seconds=seconds)),
    ))


def finish(session: Session, broadcast: Broadcast, ended_at: datetime | None, note: str = "") -> BroadcastStatus:
    """Set a broadcast's final status from its log rows once every item is logged (done = every item aired in full)."""
    rows = session.execute(
        select(AsRunEntry.broadcast_item_id, AsRunEntry.status, AsRunEntry.seconds)
        .where(AsRunEntry.broadcast_id == broadcast.id, AsRunEntry.broadcast_item_id.is_not(None))
    ).all()
    aired: dict[int, float] = {}
    for item_id, status, seconds in rows:
        if status in AIRED:
            aired[item_id] = aired.get(item_id, 0.0) + seconds
    statuses = {status for _, status, _ in rows}
    if broadcast.items and all(aired.get(i.id, 0.0) >= i.duration_s - PLAYED_TOLERANCE_S for i in broadcast.items):
        broadcast.status = BroadcastStatus.DONE  # aired in full, possibly in two parts around a cut
    elif statuses == {LogStatus.MISSED}:
        broadcast.status = BroadcastStatus.MISSED
    elif aired:
        broadcast.status = BroadcastStatus.INTERRUPTED
    else:
        broadcast.status = BroadcastStatus.FAILED
    if ended_at is not None:
        broadcast.ended_at = ended_at
    if note:
        broadcast.note = note
    session.flush()
    return broadcast.status


@dataclass(frozen=True)
class Recovery:
    """What a start-up found: broadcasts to resume now, and those logged missed or interrupted."""

    resume: list[int]
    interrupted: list[int]
    missed: list[int]


def recover(session: Session, station: Station, now: datetime, grace_s: float, last_beat: datetime | None) -> Recovery:
    """After a start: log what a crash cut as interrupted, then resume it within its slot and grace, else log it missed."""
    resume, interrupted, missed = [], [], []
    playing = session.scalars(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.status == BroadcastStatus.PLAYING))
    for broadcast in playing:
        position = max(broadcast.seconds_aired or 0.0, broadcast.logged_s)
        last_sign = last_beat or broadcast.started_at or now
        if position > broadcast.logged_s + _EPS and broadcast.started_at is not None:
            # The last persisted progress is the best evidence of what aired (at most a second old).
            airing = Airing(broadcast.logged_s, last_sign - timedelta(seconds=position - broadcast.logged_s), "",
                            late=is_late(broadcast, broadcast.logged_s, last_sign - timedelta(seconds=position - broadcast.logged_s)))
            log_cut(session, station, broadcast, airing, position, REASON_CRASH)
            interrupted.append(broadcast.id)
        if now < broadcast.slot_end and (now - last_sign).total_seconds() <= grace_s:
            broadcast.status = BroadcastStatus.READY
            resume.append(broadcast.id)
        else:
            log_rest(session, station, broadcast, LogStatus.MISSED, REASON_DOWN)
            finish(session, broadcast, None)
            missed.append(broadcast.id)
    session.flush()
    missed += mark_missed(session, station, now, grace_s)
    return Recovery(resume, interrupted, missed)


def mark_missed(session: Session, station: Station, now: datetime, grace_s: float) -> list[int]:
    """Log broadcasts that can no longer air (past their grace or their slot) as missed: never silently dropped."""
    grace = timedelta(seconds=grace_s)
    stale = session.scalars(
        select(Broadcast).where(
            Broadcast.station_id == station.id, Broadcast.status.in_(UNSTARTED), Broadcast.planned_start <= now,
            or_(Broadcast.slot_end <= now, (Broadcast.logged_s <= 0) & (Broadcast.planned_start < now - grace)),
        ).order_by(Broadcast.planned_start)
    ).all()
    for broadcast in stale:
        log_rest(session, station, broadcast, LogStatus.MISSED, REASON_DOWN)
        finish(session, broadcast, None)
    return [b.id for b in stale]


def airable(session: Session, station: Station, now: datetime, horizon: datetime, grace_s: float) -> Sequence[Broadcast]:
    """Scheduled broadcasts the player should have jobs for: due before the horizon and still airable."""
    grace = timedelta(seconds=grace_s)
    return session.scalars(
        select(Broadcast).where(
            Broadcast.station_id == station.id, Broadcast.status.in_(UNSTARTED), Broadcast.kind != BroadcastKind.EMERGENCY,
            Broadcast.planned_start < horizon, Broadcast.slot_end > now,
            or_(Broadcast.planned_start >= now - grace, Broadcast.logged_s > 0),
        ).order_by(Broadcast.planned_start)
    ).all()


def pending_emergencies(session: Session, station: Station, now: datetime) -> Sequence[Broadcast]:
    """Emergency broadcasts waiting to air now, oldest first."""
    return session.scalars(
        select(Broadcast).where(
            Broadcast.station_id == station.id, Broadcast.kind == BroadcastKind.EMERGENCY,
            Broadcast.status.in_(UNSTARTED), Broadcast.planned_start <= now, Broadcast.slot_end > now,
        ).order_by(Broadcast.planned_start, Broadcast.id)
    ).all()
