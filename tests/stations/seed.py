"""Many stations with a day of activity (heartbeats, broadcasts, log rows, a campaign) for the status page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import create_campaign
from broadcast.models import AsRunEntry, ContentStatus, Broadcast, BroadcastStatus, LogStatus, PlayerHeartbeat, Station
from broadcast.province.setup import create_station, numbered_zones
from broadcast.timeutil import UTC, VN_TZ, local_at

# Wednesday 20/11/2024, 10:00 in Vietnam: day 6 of the campaign 15/11–15/12.
NOW = local_at(date(2024, 11, 20), time(10, 0), VN_TZ)
CAMPAIGN_DAY_S = 600.0  # 10 minutes a day


def _broadcast(station: Station, start: datetime, status: BroadcastStatus, title: str) -> Broadcast:
    started = start if status in (BroadcastStatus.DONE, BroadcastStatus.PLAYING, BroadcastStatus.INTERRUPTED) else None
    return Broadcast(station_id=station.id, title=title, slot_start=start, slot_end=start + timedelta(minutes=30), planned_start=start,
                     status=status, started_at=started)


def _log(session, station: Station, at: datetime, status: LogStatus, seconds: float, campaign: str = "") -> None:
    asrun.append(session, AsRunEntry(station_id=station.id, planned_start=at, actual_start=at if status == LogStatus.PLAYED else None,
                                     item_type="script", title="Bài", campaign=campaign, status=status, seconds=seconds))


def seed_station(session, n: int) -> Station:
    """Station st-NN; every second one is on target, beats and plays; every third has a missed and an overdue broadcast."""
    station = create_station(session, f"st-{n:02d}", f"Xã số {n:02d}", numbered_zones(1))
    station.created_at = datetime(2024, 11, 1, tzinfo=UTC)
    campaign = create_campaign(session, station, "bdg-2024", "Tháng hành động", date(2024, 11, 15), date(2024, 12, 15),
                               target_kind="minutes_per_day", target_value=CAMPAIGN_DAY_S / 60)
    campaign.status = ContentStatus.APPROVED  # approval (pool, feasibility) is tested elsewhere; the status page reads the flag
    morning = local_at(NOW.astimezone(VN_TZ).date(), time(5, 30), VN_TZ)
    session.add(_broadcast(station, morning - timedelta(days=1), BroadcastStatus.DONE, "Buổi sáng hôm qua"))
    if n % 2 == 0:
        session.add(PlayerHeartbeat(station_id=station.id, pid=1, started_at=NOW - timedelta(hours=1), beat_at=NOW - timedelta(seconds=5)))
        session.add(_broadcast(station, morning, BroadcastStatus.DONE, "Buổi sáng"))
        session.add(_broadcast(station, NOW - timedelta(minutes=2), BroadcastStatus.PLAYING, "Bản tin đột xuất"))
        for day in range(5):  # 15/11–19/11 on target
            _log(session, station, morning - timedelta(days=day + 1), LogStatus.PLAYED, CAMPAIGN_DAY_S, "bdg-2024")
    if n % 3 == 0:
        session.add(_broadcast(station, morning, BroadcastStatus.MISSED, "Buổi sáng"))
        session.add(_broadcast(station, NOW - timedelta(hours=1), BroadcastStatus.READY, "Thông báo quá giờ"))
        _log(session, station, morning, LogStatus.FAILED, 0.0)
    session.add(_broadcast(station, NOW + timedelta(hours=7), BroadcastStatus.READY, "Buổi chiều"))
    session.flush()
    return station
