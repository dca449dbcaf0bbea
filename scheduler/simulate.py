"""`loaxa simulate`: the same playout jobs on a simulated clock and a null sink, faster than real time."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from audio.sinks import NullSink
from broadcast.config import Settings
from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.models import AsRunEntry
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import check_day_order, local_at
from scheduler import context, runner
from scheduler.clock import SimulatedClock, SimulatedScheduler

# In virtual time the standing jobs need not run every few seconds: nothing changes the plan meanwhile.
SIM_INTERVAL_S = 6 * 3600


@dataclass(frozen=True)
class SimulationReport:
    """What a simulation did: the range, jobs run and log rows written."""

    start: datetime
    end: datetime
    jobs_run: int
    rows_written: int


def check_days(first: date, last: date, now: datetime, in_place_tz: ZoneInfo | None) -> None:
    """Refuse a reversed range, and a simulation on the real database (in_place_tz given) of days not over yet:
    it would mark the station's real broadcasts as aired."""
    check_day_order(first, last)
    if in_place_tz is not None and local_at(last + timedelta(days=1), time(0), in_place_tz) > now:
        raise InvalidInput("Khoảng ngày này chưa qua: mô phỏng tại chỗ sẽ đánh dấu các buổi thật là đã phát; "
                           "hãy thêm --into THƯ_MỤC để mô phỏng trên bản sao.")


def simulate(settings: Settings, factory: sessionmaker[Session], first: date, last: date, sinks: list | None = None) -> SimulationReport:
    """Play every broadcast between two local days on a simulated clock that starts at the first day."""
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        tz = station_tz(station)
        rows_before = session.scalar(select(func.count()).select_from(AsRunEntry).where(AsRunEntry.station_id == station.id)) or 0
    start, end = local_at(first, time(0), tz), local_at(last + timedelta(days=1), time(0), tz)
    clock = SimulatedClock(start)
    # Planning once a day, for that day, gives the same programmes (rotation counts what aired before)
    # at a fraction of the cost of re-planning days ahead at every pass.
    sim_settings = dataclasses.replace(settings, sync_interval_s=float(SIM_INTERVAL_S), plan_days_ahead=0)
    ctx = context.PlayoutContext(sim_settings, factory, clock=clock, sleep=clock.sleep, realtime=False,
                                 sinks_override=sinks if sinks is not None else [NullSink()], plan_until=last,
                                 replan_every=timedelta(days=1))
    scheduler = SimulatedScheduler(clock, min_interval_s=SIM_INTERVAL_S)
    runner.register_jobs(ctx, scheduler)
    ran = scheduler.run_until(end)
    with transaction(factory) as session:
        rows_after = session.scalar(select(func.count()).select_from(AsRunEntry).where(AsRunEntry.station_id == station.id)) or 0
    return SimulationReport(start, end, ran, rows_after - rows_before)
