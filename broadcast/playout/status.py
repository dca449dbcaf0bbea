"""Read models for the panel's pages: warnings, what is on air, campaign airtime per day, log filters, recent emergencies."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from broadcast.db import page_of
from broadcast.content.scripts import AUDIO
from broadcast.models import (
    AIRED, LOG_FAULTS, NOT_AIRED, UNSTARTED, AsRunEntry, Broadcast, BroadcastKind, BroadcastStatus, Campaign, ContentStatus, LogStatus,
    Recording, Render, Script, Station,
)
from broadcast.campaigns.needs import daily_needs
from broadcast.numbers import vn_minutes
from broadcast.planning.planner import days
from broadcast.stations.lookup import EVERY_ZONE
from broadcast.timeutil import local_day_bounds

# A campaign is behind when under this share of its target up to yesterday (home page and province page).
BEHIND_SHARE = 0.9
# The player beats once per sync interval: three missed beats (and never under this) mean it is down.
MIN_STALE_S = 30.0


@dataclass(frozen=True)
class PanelWarning:
    """One thing on the home page the operator should look at."""

    level: str  # bad | warn | info
    text: str
    link: str = ""  # endpoint name


def player_stale_after_s(sync_interval_s: float) -> float:
    """Seconds without a heartbeat after which the player counts as down."""
    return max(3 * sync_interval_s, MIN_STALE_S)


def player_alive(beat_at: datetime | None, now: datetime, stale_after_s: float) -> bool:
    """Whether the playout process beat recently enough (within stale_after_s) to count as running."""
    return beat_at is not None and (now - beat_at).total_seconds() < stale_after_s


def on_air(session: Session, station: Station, now: datetime) -> Broadcast | None:
    """The broadcast playing now, if any."""
    return session.scalar(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.status == BroadcastStatus.PLAYING).order_by(Broadcast.started_at.desc()).limit(1))


def on_air_progress(broadcast: Broadcast | None, now: datetime) -> tuple[float, float]:
    """Seconds played and seconds in all of a playing broadcast (its audio, else its items); (0, 0) when nothing plays."""
    if broadcast is None:
        return 0.0, 0.0
    total = broadcast.audio_duration_s or sum(i.duration_s for i in broadcast.items)
    elapsed = min(max((now - broadcast.started_at).total_seconds(), 0.0), total) if broadcast.started_at else 0.0
    return elapsed, total


def upcoming(session: Session, station: Station, now: datetime, limit: int = 5) -> Sequence[Broadcast]:
    """The next broadcasts not yet aired."""
    return session.scalars(
        select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.planned_start >= now,
                                Broadcast.status.in_(UNSTARTED)).order_by(Broadcast.planned_start).limit(limit)
    ).all()


def campaign_airtime(session: Session, station: Station, campaign: Campaign, tz: ZoneInfo) -> dict[date, float]:
    """Seconds of the campaign's content aired per local day, from the as-run log."""
    start, _ = local_day_bounds(campaign.start_date, tz)
    _, end = local_day_bounds(campaign.end_date, tz)
    rows = session.execute(
        select(AsRunEntry.actual_start, AsRunEntry.planned_start, AsRunEntry.seconds).where(
            AsRunEntry.station_id == station.id, AsRunEntry.campaign == campaign.slug, AsRunEntry.status.in_(AIRED),
            AsRunEntry.planned_start >= start, AsRunEntry.planned_start < end)
    ).all()
    per_day: dict[date, float] = defaultdict(float)
    for actual, planned, seconds in rows:
        per_day[(actual or planned).astimezone(tz).date()] += seconds or 0.0
    return {day: per_day.get(day, 0.0) for day in days(campaign.start_date, campaign.end_date)}


@dataclass(frozen=True)
class CampaignDays:
    """A campaign's seconds aired and seconds needed on each of its local days."""

    aired: dict[date, float]
    needed: dict[date, float]

    @property
    def aired_s(self) -> float:
        """Seconds aired over the whole campaign so far."""
        return sum(self.aired.values())

    @property
    def needed_s(self) -> float:
        """Seconds the whole campaign needs."""
        return sum(self.needed.values())


def campaign_days(session: Session, station: Station, campaign: Campaign, tz: ZoneInfo) -> CampaignDays:
    """Seconds aired (from the as-run log) and needed (the daily need rule) on each day of the campaign."""
    return CampaignDays(campaign_airtime(session, station, campaign, tz), daily_needs(session, [campaign])[campaign.id])


def first_day(station: Station, tz: ZoneInfo) -> date:
    """The station's first local day: days before it went on air cannot be behind, it did not exist yet."""
    return station.created_at.astimezone(tz).date()


def up_to_yesterday(per_day: Mapping[date, float], since: date, today: date) -> float:
    """Seconds of a per-day figure from `since` (the station's first day: days before it owe nothing) up to yesterday."""
    return sum(seconds for day, seconds in per_day.items() if since <= day < today)


def behind(aired_s: float, needed_s: float) -> bool:
    """Whether airtime up to yesterday is under BEHIND_SHARE of what those days needed."""
    return needed_s > 0 and aired_s < BEHIND_SHARE * needed_s


def warnings(session: Session, station: Station, now: datetime, tz: ZoneInfo) -> list[PanelWarning]:
    """Missed or failed airings of the last day, missing renders, content waiting, campaigns behind target."""
    found: list[PanelWarning] = []
    since = now - timedelta(days=1)
    bad = session.scalar(select(func.count()).select_from(AsRunEntry).where(
        AsRunEntry.station_id == station.id, AsRunEntry.planned_start >= since, AsRunEntry.status.in_(LOG_FAULTS)))
    if bad:
        found.append(PanelWarning("bad", f"{bad} mục bị bỏ lỡ hoặc lỗi trong 24 giờ qua: xem nhật ký phát sóng.", "log.index"))
    failed_broadcasts = session.scalar(select(func.count()).select_from(Broadcast).where(
        Broadcast.station_id == station.id, Broadcast.planned_start >= since, Broadcast.status.in_(NOT_AIRED)))
    if failed_broadcasts:
        found.append(PanelWarning("bad", f"{failed_broadcasts} buổi phát không phát được trong 24 giờ qua.", "schedule.month"))
    rendered = select(Render.script_id).where(Render.script_id == Script.id, Render.script_version == Script.version)
    recorded = select(Recording.script_id).where(Recording.script_id == Script.id, Recording.script_version == Script.version, Recording.status == ContentStatus.APPROVED)
    no_audio = session.scalar(select(func.count()).select_from(Script).where(
        Script.station_id == station.id, Script.status == ContentStatus.APPROVED, ~rendered.exists(), ~recorded.exists()))
    if no_audio:
        found.append(PanelWarning("warn", f"{no_audio} bài đã duyệt chưa có âm thanh (chưa tạo giọng đọc hoặc tạo giọng bị lỗi).", "scripts.index"))
    waiting = session.scalar(select(func.count()).select_from(Script).where(Script.station_id == station.id, Script.status == ContentStatus.DRAFT))
    waiting_rec = session.scalar(select(func.count()).select_from(Recording).join(Script, Script.id == Recording.script_id).where(
        Recording.station_id == station.id, Recording.status == ContentStatus.DRAFT, Script.kind != AUDIO))  # a media item's sound waits with it
    if waiting or waiting_rec:
        found.append(PanelWarning("info", f"{waiting} bài và {waiting_rec} bản ghi âm đang chờ phê duyệt.", "approval.queue"))
    today = now.astimezone(tz).date()
    running = list(session.scalars(select(Campaign).where(Campaign.station_id == station.id, Campaign.status == ContentStatus.APPROVED,
                                                          Campaign.start_date < today, Campaign.end_date >= today)))
    needs = daily_needs(session, running)
    since = first_day(station, tz)
    for campaign in running:
        aired = up_to_yesterday(campaign_airtime(session, station, campaign, tz), since, today)
        needed = up_to_yesterday(needs[campaign.id], since, today)
        if behind(aired, needed):
            found.append(PanelWarning("warn", f"Chiến dịch {campaign.slug} đang chậm: đã phát {vn_minutes(aired, 0)} phút, chỉ tiêu đến hôm qua là {vn_minutes(needed, 0)} phút.", "campaigns.index"))
    return found


@dataclass(frozen=True)
class LogFilter:
    """What the log page shows: a local date range and optional zone, campaign and status."""

    first: date
    last: date
    zone: str = ""
    campaign: str = ""
    status: str = ""


def log_query(station: Station, flt: LogFilter, tz: ZoneInfo) -> Select:
    """The SELECT of log rows matching a filter, in log order."""
    start, _ = local_day_bounds(flt.first, tz)
    _, end = local_day_bounds(flt.last, tz)
    stmt = select(AsRunEntry).where(AsRunEntry.station_id == station.id, AsRunEntry.planned_start >= start, AsRunEntry.planned_start < end)
    if flt.zone:
        stmt = stmt.where(or_(AsRunEntry.zones.in_(EVERY_ZONE), AsRunEntry.zones == flt.zone, AsRunEntry.zones.like(f"{flt.zone},%"),
                              AsRunEntry.zones.like(f"%,{flt.zone}"), AsRunEntry.zones.like(f"%,{flt.zone},%")))
    if flt.campaign:
        stmt = stmt.where(AsRunEntry.campaign == flt.campaign)
    if flt.status:
        stmt = stmt.where(AsRunEntry.status == LogStatus(flt.status))
    return stmt.order_by(AsRunEntry.seq)


def latest_log(session: Session, station: Station, start: datetime, end: datetime, limit: int = 50) -> list[AsRunEntry]:
    """The newest `limit` log rows planned in [start, end), in log order."""
    rows = session.scalars(select(AsRunEntry).where(AsRunEntry.station_id == station.id, AsRunEntry.planned_start >= start,
                                                   AsRunEntry.planned_start < end).order_by(AsRunEntry.seq.desc()).limit(limit)).all()
    return list(reversed(rows))


def log_page(session: Session, station: Station, flt: LogFilter, tz: ZoneInfo, page: int, per_page: int) -> tuple[list[AsRunEntry], int]:
    """One page of the log rows matching a filter, in log order, and how many match in all."""
    return page_of(session, log_query(station, flt, tz), page, per_page)


def log_rows(session: Session, station: Station, flt: LogFilter, tz: ZoneInfo) -> list[AsRunEntry]:
    """Every log row matching a filter, in log order (for export)."""
    return list(session.scalars(log_query(station, flt, tz)))


def recent_emergencies(session: Session, station: Station, limit: int = 10) -> list[Broadcast]:
    """The station's latest emergency broadcasts, newest first."""
    return list(session.scalars(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.kind == BroadcastKind.EMERGENCY)
                                .order_by(Broadcast.planned_start.desc()).limit(limit)))


def log_rows_by_broadcast(session: Session, broadcast_ids: Sequence[int]) -> dict[int, list[AsRunEntry]]:
    """The log rows of each of these broadcasts, in log order (a broadcast without rows is absent)."""
    rows: dict[int, list[AsRunEntry]] = {}
    for entry in session.scalars(select(AsRunEntry).where(AsRunEntry.broadcast_id.in_(list(broadcast_ids))).order_by(AsRunEntry.seq)):
        rows.setdefault(entry.broadcast_id, []).append(entry)
    return rows
