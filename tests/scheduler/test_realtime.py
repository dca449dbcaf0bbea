"""Real-time playout in process: a real icecast2 receiving the stream, and an emergency cutting in."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from broadcast.db import transaction
from broadcast.models import BroadcastStatus, LogStatus, Zone
from broadcast.playout.emergency import start_emergency
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from scheduler import context, jobs, runner
from tests.icecast_server import icecast
from tests.scheduler.conftest import get_broadcast, make_broadcast, rows_of


# The demo's daily programmes off: at 05:30 or 17:00 they would air beside this file's broadcasts.
pytestmark = pytest.mark.usefixtures("quiet_demo")


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.solo  # a start offset and an emergency latency are asserted
def test_icecast_zone_mount_receives_the_broadcast(demo_settings, demo_factory, tmp_path):
    with icecast(tmp_path / "icecast") as ice:
        settings = dataclasses.replace(demo_settings, icecast_url=ice.base_url)
        with transaction(demo_factory) as session:
            zone = session.query(Zone).filter_by(code="thon-3").one()
            zone_id, mount = zone.id, zone.stream_mount
        start = SystemClock().now() + timedelta(seconds=1.5)
        broadcast_id = make_broadcast(settings, demo_factory, start, with_jingles=False, zone_ids=[zone_id])
        context.install(context.PlayoutContext(settings, demo_factory))
        player = threading.Thread(target=jobs.air, args=(broadcast_id,))
        player.start()
        data = ice.read(mount, 6000)  # a listener on the thôn's mount hears it
        player.join(30)
    assert len(data) == 6000 and data.count(b"\xff\xfb") + data.count(b"\xff\xf3") >= 3  # MP3 frames
    rows = rows_of(demo_factory, broadcast_id)
    assert [r.status for r in rows] == [LogStatus.PLAYED]
    assert rows[0].sinks == f"aircheck,icecast:{mount}" and rows[0].zones == "thon-3"
    # On time, within a second even on a busy machine (the precision itself is a benchmark figure, bench/playout_bench.py).
    assert abs(rows[0].start_offset_ms) < 1000  # planned start -> first audio out
    aircheck = list((settings.aircheck_dir / "cam-tan").rglob("*.mp3"))
    assert len(aircheck) == 1 and aircheck[0].stat().st_size > 1000


MEASURED = timedelta(seconds=0.2)  # how closely two logged instants of one player compare (see the emergency test)


def _emergency_scenario(settings, factory, resume: bool):
    with transaction(factory) as session:
        get_station(session, "cam-tan").emergency_resume = resume
    start = SystemClock().now() + timedelta(seconds=2)
    broadcast_id = make_broadcast(settings, factory, start)
    ctx = context.PlayoutContext(dataclasses.replace(settings, aircheck=False), factory)
    scheduler = runner.build_scheduler(ctx, BackgroundScheduler)
    scheduler.start()
    try:
        _wait_for(lambda: get_broadcast(factory, broadcast_id).seconds_aired >= 1.5, 20, "the broadcast on air")
        with transaction(factory) as session:
            station = get_station(session, "cam-tan")
            emergency = start_emergency(session, settings, station, "Báo động cháy", text="Cháy ở thôn ba, bà con tránh xa.")
            emergency_id = emergency.id
        _wait_for(lambda: get_broadcast(factory, broadcast_id).status not in (BroadcastStatus.PLAYING, BroadcastStatus.READY)
                  and get_broadcast(factory, emergency_id).status == BroadcastStatus.DONE, 40, "both broadcasts to end")
    finally:
        scheduler.shutdown(wait=True)
    return get_broadcast(factory, broadcast_id), rows_of(factory, broadcast_id), get_broadcast(factory, emergency_id), rows_of(factory, emergency_id)


@pytest.mark.slow
@pytest.mark.solo  # a start offset and an emergency latency are asserted
def test_emergency_cuts_in_within_a_second_then_the_broadcast_resumes(demo_settings, demo_factory):
    broadcast, rows, emergency, emergency_rows = _emergency_scenario(demo_settings, demo_factory, resume=True)
    items = broadcast.items
    assert [(r.broadcast_item_id, r.status) for r in rows] == [
        (items[0].id, LogStatus.INTERRUPTED), (items[0].id, LogStatus.LATE), (items[1].id, LogStatus.LATE), (items[2].id, LogStatus.LATE)]
    cut, alarm = rows[0], emergency_rows[0]
    assert "khẩn cấp" in cut.reason and 1.0 < cut.seconds < items[0].duration_s
    latency = (alarm.actual_start - emergency.planned_start).total_seconds()
    assert latency < 1.0, latency  # on air within a second
    assert [r.status for r in emergency_rows] == [LogStatus.PLAYED] and alarm.item_type == "emergency"
    # Each logged instant is a first audio seen in ffmpeg's progress lines (one every 50 ms, read by a thread), and an
    # end is that start plus the audio's length: two instants compare to within MEASURED. An overlap would be
    # seconds (the rest of the alarm or of the cut item), far beyond it. (A fresh clone logged the resume 35 ms
    # before the alarm's computed end: the alarm's first audio had been seen late.)
    assert cut.actual_end <= alarm.actual_start + MEASURED  # the cut came before the alarm, no overlap
    assert rows[1].actual_start >= alarm.actual_end - MEASURED  # resumed only after the emergency
    assert rows[0].seconds + rows[1].seconds == pytest.approx(items[0].duration_s, abs=0.05)
    assert broadcast.status == BroadcastStatus.DONE


@pytest.mark.slow
@pytest.mark.solo  # a start offset and an emergency latency are asserted
def test_emergency_without_resume_logs_the_rest_skipped(demo_settings, demo_factory):
    broadcast, rows, emergency, emergency_rows = _emergency_scenario(demo_settings, demo_factory, resume=False)
    assert [r.status for r in rows] == [LogStatus.INTERRUPTED, LogStatus.SKIPPED, LogStatus.SKIPPED]
    assert all(r.seconds == 0 for r in rows[1:]) and "khẩn cấp" in rows[1].reason
    assert [r.status for r in emergency_rows] == [LogStatus.PLAYED]
    assert broadcast.status == BroadcastStatus.INTERRUPTED
