"""The wall clock jumping forward past a broadcast and back again (simulated clock): nothing doubled, nothing skipped silently."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import datetime, time, timedelta

from sqlalchemy import select

from audio.sinks import NullSink
from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, BroadcastStatus, LogStatus
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import SystemClock, local_at
from scheduler import context, jobs, runner, sync
from scheduler.clock import SimulatedClock, SimulatedScheduler
from tests.scheduler.conftest import get_broadcast, make_broadcast


def _local_ten_tomorrow(factory, settings) -> datetime:
    with transaction(factory) as session:
        tz = station_tz(get_station(session, settings.station))
    return local_at(SystemClock().now().astimezone(tz).date() + timedelta(days=1), time(10), tz)


def test_clock_jumps_forward_and_back_double_nothing_and_log_what_was_passed(demo_settings, demo_factory, record):
    t0 = _local_ten_tomorrow(demo_factory, demo_settings)
    at = lambda minutes: t0 + timedelta(minutes=minutes)  # noqa: E731
    # A airs normally; the clock then jumps 10 min forward past B (beyond the 5 min grace: missed);
    # it jumps back 11 min (A and B must not air again), C and D air once; a 2 min jump past E airs it late.
    plan = {"A": 1, "B": 5, "C": 14, "D": 20, "E": 27}
    ids = {name: make_broadcast(demo_settings, demo_factory, at(m), with_jingles=False, slot_s=240, title=f"Tin {name}")
           for name, m in plan.items()}
    clock = SimulatedClock(t0)
    sim_settings = dataclasses.replace(demo_settings, sync_interval_s=30.0)
    ctx = context.PlayoutContext(sim_settings, demo_factory, clock=clock, sleep=clock.sleep, realtime=False,
                                 sinks_override=[NullSink()], plan_until=t0.date() - timedelta(days=2))
    scheduler = SimulatedScheduler(clock, min_interval_s=30)
    runner.register_jobs(ctx, scheduler)

    scheduler.run_until(at(2))
    assert get_broadcast(demo_factory, ids["A"]).status == BroadcastStatus.DONE
    clock.jump_to(at(12))  # forward past B
    scheduler.run_until(at(13))
    assert get_broadcast(demo_factory, ids["B"]).status == BroadcastStatus.MISSED
    clock.jump_to(at(1) - timedelta(seconds=20))  # back before A and B
    jobs.sync()  # the next pass after the jump sees the earlier time
    assert scheduler.get_job(sync.air_job_id(ids["A"])) is None and scheduler.get_job(sync.air_job_id(ids["B"])) is None
    scheduler.run_until(at(25))
    clock.jump_to(at(29))  # forward 2 min past E, within the grace
    scheduler.run_until(at(35))

    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        rows = session.scalars(select(AsRunEntry).where(AsRunEntry.broadcast_id.in_(ids.values())).order_by(AsRunEntry.seq)).all()
        by_broadcast = {name: [r.status for r in rows if r.broadcast_id == bid] for name, bid in ids.items()}
        assert asrun.verify(session, station.id).ok
    per_item = Counter(r.broadcast_item_id for r in rows)
    assert max(per_item.values()) == 1, per_item  # nothing doubled
    assert by_broadcast == {"A": [LogStatus.PLAYED], "B": [LogStatus.MISSED], "C": [LogStatus.PLAYED], "D": [LogStatus.PLAYED],
                            "E": [LogStatus.LATE]}, by_broadcast
    missed = next(r for r in rows if r.broadcast_id == ids["B"])
    assert missed.reason and missed.seconds == 0
    assert {get_broadcast(demo_factory, b).status for b in (ids["A"], ids["C"], ids["D"], ids["E"])} == {BroadcastStatus.DONE}
    record("clock_jumps", 3, "simulated wall-clock jumps (+10 min past a broadcast, -11 min back before two aired ones, +2 min within grace): "
           "5 broadcasts logged once each (played 3, missed 1 with its reason, late 1), none doubled, chain verifies")
