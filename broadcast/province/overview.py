"""The province status page's read model: one row per station, built from a fixed handful of grouped queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from broadcast.campaigns.manage import describe_target
from broadcast.campaigns.needs import daily_needs
from broadcast.models import AIRED, LOG_FAULTS, NOT_AIRED, UNSTARTED, AsRunEntry, Broadcast, BroadcastStatus, Campaign, ContentStatus, PlayerHeartbeat, Station
from broadcast.models.edge import EdgeToken
from broadcast.models.receivers import EdgeStatus
from broadcast.playout.status import behind, player_alive, up_to_yesterday
from broadcast.receivers.board import offline_counts
from broadcast.timeutil import local_day_bounds

FINISHED = (BroadcastStatus.DONE, BroadcastStatus.MISSED, BroadcastStatus.INTERRUPTED, BroadcastStatus.FAILED)


@dataclass
class CampaignProgress:
    """Aired campaign airtime against its target."""

    slug: str
    name: str
    aired_s: float = 0.0
    aired_before_today_s: float = 0.0
    target_total_s: float | None = None  # whole campaign, whatever way the target is stated
    target_to_yesterday_s: float | None = None
    target_text: str = ""

    @property
    def percent(self) -> float | None:
        """Share of the whole campaign's target aired so far."""
        return 100.0 * self.aired_s / self.target_total_s if self.target_total_s else None

    @property
    def behind(self) -> bool:
        """Under 90% of the target up to yesterday."""
        return behind(self.aired_before_today_s, self.target_to_yesterday_s or 0.0)


@dataclass
class StationStatus:
    """One station's row on the status page."""

    id: int
    slug: str
    name: str
    tz: ZoneInfo
    player_beat_at: datetime | None = None
    player_alive: bool = False
    edge_synced_at: datetime | None = None  # commune players sync instead of beating here
    on_air_title: str = ""
    on_air_since: datetime | None = None
    last_title: str = ""
    last_at: datetime | None = None
    last_status: str = ""
    missed_today: int = 0  # broadcasts due today that did not air
    bad_items_today: int = 0  # log rows missed or failed today
    campaigns: list[CampaignProgress] = field(default_factory=list)
    receivers: int = 0  # active receivers in its thôn
    receivers_offline: int = 0

    @property
    def on_air(self) -> bool:
        """A broadcast is playing now."""
        return self.on_air_since is not None or bool(self.on_air_title)

    @property
    def needs_attention(self) -> bool:
        """Something the province should look at."""
        return self.missed_today > 0 or self.bad_items_today > 0 or self.receivers_offline > 0 or any(c.behind for c in self.campaigns) or not (self.player_alive or self.edge_synced_at)


def station_overview(session: Session, station_ids: Iterable[int], now: datetime, stale_after_s: float, late_grace_s: float) -> list[StationStatus]:
    """Rows for the stations, by slug; the number of queries depends on distinct time zones, never on the station count."""
    ids = sorted(set(station_ids))
    if not ids:
        return []
    rows: dict[int, StationStatus] = {}
    created: dict[int, datetime] = {}
    stations = select(Station.id, Station.slug, Station.name, Station.timezone, Station.created_at).where(Station.id.in_(ids))
    for sid, slug, name, tzname, created_at in session.execute(stations):
        rows[sid], created[sid] = StationStatus(sid, slug, name, ZoneInfo(tzname)), created_at
    _player(session, rows, now, stale_after_s)
    _on_air(session, rows)
    _last_broadcast(session, rows, now)
    # A commune that plays on its own player uploads its receivers' status with its log; local receivers win.
    edges = [sid for sid, row in rows.items() if row.edge_synced_at is not None]
    uploaded = select(EdgeStatus.station_id, EdgeStatus.receivers_total, EdgeStatus.receivers_offline).where(EdgeStatus.station_id.in_(edges))
    counts = ({sid: (total, offline) for sid, total, offline in session.execute(uploaded)} if edges else {}) | offline_counts(session, list(rows), now)
    for sid, (total, offline) in counts.items():
        rows[sid].receivers, rows[sid].receivers_offline = total, offline
    by_tz: dict[str, list[int]] = defaultdict(list)
    for row in rows.values():
        by_tz[row.tz.key].append(row.id)
    campaigns = _current_campaigns(session, rows, now)
    needs = daily_needs(session, campaigns)
    for tzname, group in by_tz.items():
        tz = ZoneInfo(tzname)
        today = now.astimezone(tz).date()
        day_start, _ = local_day_bounds(today, tz)
        _missed(session, rows, group, day_start, now, late_grace_s)
        _campaign_airtime(session, rows, group, [c for c in campaigns if c.station_id in set(group)], needs, today, day_start, tz, created)
    return sorted(rows.values(), key=lambda r: r.slug)


def _player(session: Session, rows: dict[int, StationStatus], now: datetime, stale_after_s: float) -> None:
    ids = list(rows)
    for sid, beat_at in session.execute(select(PlayerHeartbeat.station_id, PlayerHeartbeat.beat_at).where(PlayerHeartbeat.station_id.in_(ids))):
        rows[sid].player_beat_at = beat_at
        rows[sid].player_alive = player_alive(beat_at, now, stale_after_s)
    synced = select(EdgeToken.station_id, func.max(EdgeToken.last_used_at)).where(
        EdgeToken.station_id.in_(ids), EdgeToken.is_active.is_(True)).group_by(EdgeToken.station_id)
    for sid, last_used in session.execute(synced):
        rows[sid].edge_synced_at = last_used


def _on_air(session: Session, rows: dict[int, StationStatus]) -> None:
    playing = select(Broadcast.station_id, Broadcast.title, Broadcast.started_at).where(
        Broadcast.station_id.in_(list(rows)), Broadcast.status == BroadcastStatus.PLAYING).order_by(Broadcast.started_at)
    for sid, title, started in session.execute(playing):
        rows[sid].on_air_title, rows[sid].on_air_since = title or "Buổi phát", started  # the latest started wins


def _last_broadcast(session: Session, rows: dict[int, StationStatus], now: datetime) -> None:
    latest = (select(Broadcast.station_id.label("sid"), func.max(Broadcast.planned_start).label("at"))
              .where(Broadcast.station_id.in_(list(rows)), Broadcast.status.in_(FINISHED), Broadcast.planned_start <= now)
              .group_by(Broadcast.station_id).subquery())
    stmt = (select(Broadcast.station_id, Broadcast.id, Broadcast.title, Broadcast.planned_start, Broadcast.started_at, Broadcast.status)
            .join(latest, and_(Broadcast.station_id == latest.c.sid, Broadcast.planned_start == latest.c.at))
            .where(Broadcast.status.in_(FINISHED)).order_by(Broadcast.id))
    for sid, _id, title, planned, started, status in session.execute(stmt):
        row = rows[sid]
        row.last_title, row.last_at, row.last_status = title or "Buổi phát", started or planned, status.value


def _missed(session: Session, rows: dict[int, StationStatus], group: Sequence[int], day_start: datetime, now: datetime, late_grace_s: float) -> None:
    # A broadcast still waiting after the late grace will never air: nobody marks it missed when no player runs.
    overdue = now - timedelta(seconds=late_grace_s)
    missed = (select(Broadcast.station_id, func.count())
              .where(Broadcast.station_id.in_(group), Broadcast.planned_start >= day_start, Broadcast.planned_start < now,
                     or_(Broadcast.status.in_(NOT_AIRED),
                         and_(Broadcast.status.in_(UNSTARTED), Broadcast.planned_start < overdue)))
              .group_by(Broadcast.station_id))
    for sid, count in session.execute(missed):
        rows[sid].missed_today = count
    bad = (select(AsRunEntry.station_id, func.count())
           .where(AsRunEntry.station_id.in_(group), AsRunEntry.planned_start >= day_start, AsRunEntry.planned_start < now, AsRunEntry.status.in_(LOG_FAULTS))
           .group_by(AsRunEntry.station_id))
    for sid, count in session.execute(bad):
        rows[sid].bad_items_today = count


def _current_campaigns(session: Session, rows: dict[int, StationStatus], now: datetime) -> list[Campaign]:
    todays = {now.astimezone(r.tz).date() for r in rows.values()}
    stmt = select(Campaign).where(Campaign.station_id.in_(list(rows)), Campaign.status == ContentStatus.APPROVED,
                                  Campaign.start_date <= max(todays), Campaign.end_date >= min(todays)).order_by(Campaign.start_date, Campaign.slug)
    found = []
    for campaign in session.scalars(stmt):
        today = now.astimezone(rows[campaign.station_id].tz).date()
        if campaign.start_date <= today <= campaign.end_date:
            found.append(campaign)
    return found


def _campaign_airtime(session: Session, rows: dict[int, StationStatus], group: Sequence[int], campaigns: Sequence[Campaign],
                      needs: dict[int, dict[date, float]], today: date, day_start: datetime, tz: ZoneInfo, created: dict[int, datetime]) -> None:
    if not campaigns:
        return
    since, _ = local_day_bounds(min(c.start_date for c in campaigns), tz)
    before_today = func.sum(case((AsRunEntry.planned_start < day_start, AsRunEntry.seconds), else_=0.0))
    stmt = (select(AsRunEntry.station_id, AsRunEntry.campaign, func.sum(AsRunEntry.seconds), before_today)
            .where(AsRunEntry.station_id.in_(group), AsRunEntry.campaign.in_({c.slug for c in campaigns}), AsRunEntry.status.in_(AIRED),
                   AsRunEntry.planned_start >= since)
            .group_by(AsRunEntry.station_id, AsRunEntry.campaign))
    aired = {(sid, slug): (total or 0.0, before or 0.0) for sid, slug, total, before in session.execute(stmt)}
    for campaign in campaigns:
        total, before = aired.get((campaign.station_id, campaign.slug), (0.0, 0.0))
        progress = CampaignProgress(campaign.slug, campaign.name, total, before, target_text=describe_target(campaign))
        needed = needs[campaign.id]
        progress.target_total_s = sum(needed.values()) or None
        # Days before the station went on air cannot be behind: it did not exist yet.
        progress.target_to_yesterday_s = up_to_yesterday(needed, created[campaign.station_id].astimezone(tz).date(), today)
        rows[campaign.station_id].campaigns.append(progress)
