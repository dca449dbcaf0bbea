"""Airing on a simulated clock: dead air covered by the filler, relays, slot ends, late starts, no doubles."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import Asset, Broadcast, BroadcastItem, BroadcastKind, BroadcastStatus, ItemType, LogStatus
from broadcast.planning.programmes import plan_hash
from broadcast.stations.lookup import get_station
from scheduler import jobs, runner
from tests.scheduler.conftest import get_broadcast, make_broadcast, rows_of, sim_context, with_filler


def _delete_audio(factory, broadcast_id: int) -> None:
    broadcast = get_broadcast(factory, broadcast_id)
    Path(broadcast.audio_path).unlink()
    for item in broadcast.items:
        if item.item_type == ItemType.SCRIPT:
            Path(item.audio_path).unlink()  # so it cannot be re-assembled either


def test_deleted_audio_plays_the_filler_for_the_programme_and_logs_why(demo_settings, demo_factory, now):
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=30))
    with_filler(demo_settings, demo_factory)
    _delete_audio(demo_factory, broadcast_id)
    sim_context(demo_settings, demo_factory, now)
    jobs.air(broadcast_id)
    broadcast, rows = get_broadcast(demo_factory, broadcast_id), rows_of(demo_factory, broadcast_id)
    total = sum(i.duration_s for i in broadcast.items)
    assert [r.status for r in rows] == [LogStatus.FAILED] * 3 + [LogStatus.PLAYED]
    assert all("âm thanh" in r.reason for r in rows) and rows[0].seconds == 0
    filler = rows[-1]
    assert filler.item_type == "filler" and filler.broadcast_item_id is None
    assert filler.seconds == pytest.approx(total, abs=0.1)  # no dead air for the whole programme
    assert filler.actual_start == broadcast.planned_start
    assert broadcast.status == BroadcastStatus.FAILED


def test_unreadable_audio_is_covered_by_the_filler(demo_settings, demo_factory, now):
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=30), with_jingles=False)
    with_filler(demo_settings, demo_factory)
    Path(get_broadcast(demo_factory, broadcast_id).audio_path).write_bytes(b"not audio at all" * 100)
    sim_context(demo_settings, demo_factory, now)
    jobs.air(broadcast_id)
    rows = rows_of(demo_factory, broadcast_id)
    assert [r.status for r in rows] == [LogStatus.FAILED, LogStatus.PLAYED]
    assert rows[0].reason and rows[1].item_type == "filler" and rows[1].seconds > 1


def test_broadcast_is_claimed_once_and_never_doubled(demo_settings, demo_factory, now):
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=10), with_jingles=False)
    sim_context(demo_settings, demo_factory, now)
    jobs.air(broadcast_id)
    jobs.air(broadcast_id)  # a second job of the same id finds it aired
    rows = rows_of(demo_factory, broadcast_id)
    assert [r.status for r in rows] == [LogStatus.PLAYED]
    with transaction(demo_factory) as session:
        assert asrun.verify(session, get_station(session, "cam-tan").id).ok


def test_relay_that_cannot_be_opened_is_replaced_by_the_filler(demo_settings, demo_factory, now):
    with_filler(demo_settings, demo_factory)
    start = now + timedelta(seconds=20)
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        jingle = session.scalar(select(Asset).where(Asset.station_id == station.id, Asset.kind == "jingle_open"))
        url = "http://127.0.0.1:9/vov1"  # nothing listens on the discard port
        broadcast = Broadcast(station_id=station.id, kind=BroadcastKind.ONE_OFF, title="Tiếp sóng", slot_start=start,
                              slot_end=start + timedelta(seconds=60), planned_start=start, status=BroadcastStatus.READY)
        broadcast.items = [
            BroadcastItem(station_id=station.id, position=0, item_type=ItemType.JINGLE, asset_id=jingle.id, title=jingle.name,
                          audio_path=jingle.path, offset_s=0.0, duration_s=jingle.duration_s),
            BroadcastItem(station_id=station.id, position=1, item_type=ItemType.RELAY, title="Tiếp sóng VOV1", relay_url=url,
                          offset_s=jingle.duration_s, duration_s=4.0),
            BroadcastItem(station_id=station.id, position=2, item_type=ItemType.JINGLE, asset_id=jingle.id, title=jingle.name,
                          audio_path=jingle.path, offset_s=jingle.duration_s + 4.0, duration_s=jingle.duration_s),
        ]
        broadcast.segments = [
            {"kind": "file", "path": jingle.path, "offset_s": 0.0, "duration_s": jingle.duration_s},
            {"kind": "relay", "url": url, "offset_s": jingle.duration_s, "duration_s": 4.0},
            {"kind": "file", "path": jingle.path, "offset_s": jingle.duration_s + 4.0, "duration_s": jingle.duration_s},
        ]
        broadcast.plan_hash = plan_hash(broadcast.items)
        session.add(broadcast)
        session.flush()
        broadcast_id, jingle_s = broadcast.id, jingle.duration_s
    sim_context(demo_settings, demo_factory, now)
    jobs.air(broadcast_id)
    rows = rows_of(demo_factory, broadcast_id)
    assert [(r.item_type, r.status) for r in rows] == [
        ("jingle", LogStatus.PLAYED), ("relay", LogStatus.FAILED), ("filler", LogStatus.PLAYED), ("jingle", LogStatus.PLAYED)]
    assert "tiếp sóng" in rows[1].reason and rows[2].seconds == pytest.approx(4.0, abs=0.1)
    assert rows[3].actual_start == start + timedelta(seconds=jingle_s + 4.0)  # the programme keeps its clock
    assert get_broadcast(demo_factory, broadcast_id).status == BroadcastStatus.INTERRUPTED  # partly aired


def test_a_late_start_is_cut_at_the_slot_end_never_bleeding_into_the_next(demo_settings, demo_factory, now):
    start = now + timedelta(seconds=10)
    broadcast_id = make_broadcast(demo_settings, demo_factory, start, slot_s=9.0)  # a 13 s programme in a 9 s slot
    ctx = sim_context(demo_settings, demo_factory, start + timedelta(seconds=3))  # the player starts 3 s late
    jobs.air(broadcast_id)
    rows = rows_of(demo_factory, broadcast_id)
    assert [r.status for r in rows] == [LogStatus.LATE, LogStatus.INTERRUPTED, LogStatus.SKIPPED]
    assert rows[1].actual_end == start + timedelta(seconds=9.0)
    assert "hết giờ" in rows[1].reason and rows[2].seconds == 0
    assert ctx.clock.now() == start + timedelta(seconds=9.0)


def test_sync_schedules_stable_jobs_follows_plan_changes_and_drops_cancelled(demo_settings, demo_factory, now):
    start = now + timedelta(seconds=60)
    broadcast_id = make_broadcast(demo_settings, demo_factory, start, with_jingles=False)
    ctx = sim_context(demo_settings, demo_factory, now)
    ctx.recovered = ctx.filler_ready = True
    ctx.planned_at = now
    jobs.sync()
    job = ctx.scheduler.get_job(f"air-{broadcast_id}")
    assert job is not None and job.next_run_time == start - timedelta(seconds=demo_settings.preload_s)
    assert job.func is jobs.air and job.args == (broadcast_id,)  # scheduled by its text reference, resolved to the job
    with transaction(demo_factory) as session:
        session.get(Broadcast, broadcast_id).planned_start = start + timedelta(seconds=30)
    jobs.sync()
    jobs.sync()
    assert [j.id for j in ctx.scheduler.get_jobs()].count(f"air-{broadcast_id}") == 1
    assert ctx.scheduler.get_job(f"air-{broadcast_id}").next_run_time == start + timedelta(seconds=30 - demo_settings.preload_s)
    with transaction(demo_factory) as session:
        session.get(Broadcast, broadcast_id).status = BroadcastStatus.CANCELLED
    jobs.sync()
    assert ctx.scheduler.get_job(f"air-{broadcast_id}") is None


@pytest.mark.parametrize("down_s, expected", [(60, "late"), (900, "missed")])
def test_after_a_restart_within_grace_starts_late_else_missed(demo_settings, demo_factory, now, down_s, expected):
    start = now + timedelta(seconds=5)
    broadcast_id = make_broadcast(demo_settings, demo_factory, start, with_jingles=False, slot_s=1800)
    ctx = sim_context(demo_settings, demo_factory, start + timedelta(seconds=down_s))
    ctx.filler_ready = True
    runner.register_jobs(ctx, ctx.scheduler)
    ctx.scheduler.run_until(start + timedelta(seconds=down_s + 60))
    rows = rows_of(demo_factory, broadcast_id)
    assert [r.status.value for r in rows] == [expected]
    if expected == "missed":
        assert rows[0].seconds == 0 and rows[0].actual_start is None and "không chạy" in rows[0].reason
    else:
        assert rows[0].actual_start == start + timedelta(seconds=down_s)
