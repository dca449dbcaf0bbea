"""Playout log rules on a real database: segments, per-item rows, cuts, recovery, the hash, retention."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from broadcast.asrun import chain as asrun

from broadcast.db import transaction
from broadcast.errors import InvalidInput, PermissionDenied
from broadcast.models import (
    AsRunEntry, Broadcast, BroadcastItem, BroadcastStatus, ItemType, LogStatus, Membership, Role, Station, User,
)
from broadcast.playout import rules as playout
from broadcast.playout.emergency import start_emergency
from broadcast.playout.rules import Airing
from broadcast.timeutil import UTC
from scheduler.clock import SimulatedClock, SimulatedScheduler
from scheduler.sinks import expired_aircheck_days, purge_airchecks

T0 = datetime(2024, 11, 15, 22, 30, tzinfo=UTC)


def _station(session) -> Station:
    station = Station(slug="cam-tan", name="Cẩm Tân")
    session.add(station)
    session.flush()
    return station


def _broadcast(session, station, durations=(5.0, 10.0, 5.0), **kw) -> Broadcast:
    broadcast = Broadcast(station_id=station.id, title="Buổi sáng", slot_start=T0, slot_end=T0 + timedelta(minutes=30),
                          planned_start=T0, audio_path="/x/b.wav", audio_duration_s=sum(durations), status=BroadcastStatus.PLAYING, **kw)
    offset = 0.0
    for n, d in enumerate(durations):
        broadcast.items.append(BroadcastItem(station_id=station.id, position=n, item_type=ItemType.SCRIPT, title=f"Bài {n}",
                                             offset_s=offset, duration_s=d))
        offset += d
    session.add(broadcast)
    session.flush()
    return broadcast


def test_segments_default_to_the_assembled_file_and_follow_planning_when_filled(factory):
    with transaction(factory) as session:
        b = _broadcast(session, _station(session))
        assert playout.segments_of(b) == [playout.Segment("file", "/x/b.wav", 0.0, 20.0)]
        b.segments = [{"kind": "file", "path": "/a.wav", "offset_s": 0, "duration_s": 5},
                      {"kind": "relay", "url": "http://vov/1", "offset_s": 5, "duration_s": 15}]
        segs = playout.segments_of(b)
        assert [s.kind for s in segs] == ["file", "relay"] and segs[1].source == "http://vov/1"
        assert playout.segment_at(segs, 5.0).kind == "relay" and playout.segment_at(segs, 20.0) is None


def test_items_are_logged_as_they_end_once_and_a_cut_keeps_seconds_aired(factory):
    with transaction(factory) as session:
        station = _station(session)
        b = _broadcast(session, station)
        airing = Airing(0.0, T0 + timedelta(seconds=0.004), "null", start_offset_ms=4.0)
        assert playout.log_through(session, station, b, airing, 4.0) == []  # the first item is still on air
        rows = playout.log_through(session, station, b, airing, 9.0)
        assert [r.status for r in rows] == [LogStatus.PLAYED] and rows[0].start_offset_ms == 4.0
        assert playout.log_through(session, station, b, airing, 9.0) == []  # never twice
        cut = playout.log_cut(session, station, b, airing, 12.5, "ngắt")
        assert cut.status == LogStatus.INTERRUPTED and cut.seconds == pytest.approx(7.5) and cut.start_offset_ms is None
        resumed = Airing(12.5, T0 + timedelta(seconds=60), "null", late=True)
        rows = playout.log_through(session, station, b, resumed, 20.0)
        assert [(r.status, r.seconds) for r in rows] == [(LogStatus.LATE, 2.5), (LogStatus.LATE, 5.0)]
        assert rows[0].planned_start == T0 + timedelta(seconds=12.5) and rows[0].actual_start == T0 + timedelta(seconds=60)
        assert playout.finish(session, b, None) == BroadcastStatus.DONE  # aired in full, in two parts
        assert asrun.verify(session, station.id).ok


def test_rest_after_a_cut_is_skipped_without_a_second_row_for_the_cut_item(factory):
    with transaction(factory) as session:
        station = _station(session)
        b = _broadcast(session, station)
        playout.log_cut(session, station, b, Airing(0.0, T0, "null"), 7.0, "khẩn cấp")
        rows = playout.log_rest(session, station, b, LogStatus.SKIPPED, "không phát tiếp")
        assert [r.title for r in rows] == ["Bài 2"] and rows[0].seconds == 0 and rows[0].actual_start is None
        assert playout.finish(session, b, None) == BroadcastStatus.INTERRUPTED


@pytest.mark.parametrize("down_s, resumed", [(20, True), (400, False)])
def test_recovery_logs_the_crash_cut_then_resumes_within_grace_or_logs_missed(factory, down_s, resumed):
    with transaction(factory) as session:
        station = _station(session)
        b = _broadcast(session, station, started_at=T0)
        b.logged_s, b.seconds_aired = 5.0, 8.0  # the first item is logged; last progress persisted before the power cut
        last_beat = T0 + timedelta(seconds=8)
        found = playout.recover(session, station, last_beat + timedelta(seconds=down_s), 300, last_beat)
        rows = session.scalars(select(AsRunEntry).order_by(AsRunEntry.seq)).all()
        assert (rows[0].status, rows[0].seconds, rows[0].title) == (LogStatus.INTERRUPTED, 3.0, "Bài 1")
        assert rows[0].actual_start == T0 + timedelta(seconds=5)
        assert found.interrupted == [b.id]
        if resumed:
            assert found.resume == [b.id] and b.status == BroadcastStatus.READY and b.logged_s == 8.0 and len(rows) == 1
        else:
            assert found.missed == [b.id] and [r.status for r in rows[1:]] == [LogStatus.MISSED]
            assert b.status == BroadcastStatus.INTERRUPTED


def test_unaired_broadcasts_past_grace_are_logged_missed_never_dropped(factory):
    with transaction(factory) as session:
        station = _station(session)
        b = _broadcast(session, station)
        b.status = BroadcastStatus.READY
        assert playout.mark_missed(session, station, T0 + timedelta(seconds=100), 300) == []
        assert playout.mark_missed(session, station, T0 + timedelta(seconds=301), 300) == [b.id]
        assert b.status == BroadcastStatus.MISSED
        assert [r.status for r in session.scalars(select(AsRunEntry))] == [LogStatus.MISSED] * 3


def test_claim_is_atomic(factory):
    with transaction(factory) as session:
        b = _broadcast(session, _station(session))
        b.status = BroadcastStatus.READY
        session.flush()
        assert playout.claim(session, b.id) is True
        assert playout.claim(session, b.id) is False




def test_aircheck_retention_deletes_only_dated_folders_past_the_limit(tmp_path):
    for name in ("2024-11-01", "2024-11-20", "notes"):
        (tmp_path / name).mkdir()
    assert [p.name for p in expired_aircheck_days(tmp_path, date(2024, 12, 15), 30)] == ["2024-11-01"]
    purge_airchecks(tmp_path, date(2024, 12, 15), 30)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024-11-20", "notes"]


def test_simulated_scheduler_runs_in_time_order_and_replaces_by_id():
    clock = SimulatedClock(T0)
    scheduler = SimulatedScheduler(clock)
    seen = []
    scheduler.add_job(lambda: seen.append(("a", clock.now())), "date", run_date=T0 + timedelta(seconds=20), id="air-1")
    scheduler.add_job(lambda: seen.append(("b", clock.now())), "date", run_date=T0 + timedelta(seconds=10), id="air-2")
    scheduler.add_job(lambda: seen.append(("a2", clock.now())), "date", run_date=T0 + timedelta(seconds=30), id="air-1", replace_existing=True)
    scheduler.add_job(lambda: seen.append(("tick", clock.now())), "interval", seconds=15, id="sync", next_run_time=T0)
    scheduler.run_until(T0 + timedelta(seconds=31))
    assert [name for name, _ in seen] == ["tick", "b", "tick", "a2", "tick"]
    assert clock.now() == T0 + timedelta(seconds=31)


def test_emergency_use_case_refuses_what_cannot_air(demo_settings, demo_factory):
    with transaction(demo_factory) as session:
        station = session.scalar(select(Station))
        viewer = session.scalar(select(User).join(Membership).where(Membership.role == Role.VIEWER))
        with pytest.raises(PermissionDenied):
            start_emergency(session, demo_settings, station, "Cháy", text="Cháy", user=viewer)
        with pytest.raises(InvalidInput):
            start_emergency(session, demo_settings, station, "Cháy")
        with pytest.raises(InvalidInput) as err:
            start_emergency(session, demo_settings, station, "Cháy", text="Cháy", zone_ids=[999])
        assert err.value.field == "zone_ids"
        editor = session.scalar(select(User).where(User.username == "bientap"))
        b = start_emergency(session, demo_settings, station, "Cháy", text="Cháy ở thôn một.", zone_ids=[station.zones[0].id], user=editor)
        assert b.kind.value == "emergency" and b.priority.value == "emergency" and b.status == BroadcastStatus.READY
        assert b.items[0].item_type == ItemType.EMERGENCY and b.created_by_id == editor.id and b.audio_path


def test_each_row_records_the_zones_a_receiver_played_it_in_full(factory):
    from broadcast.models import Receiver, ReceiverReport, Zone

    with transaction(factory) as session:
        station = _station(session)
        zones = [Zone(station_id=station.id, code=f"thon-{n}", name=f"Thôn {n}", position=n) for n in (1, 2, 3)]
        session.add_all(zones)
        session.flush()
        b = _broadcast(session, station)
        airing = Airing(0.0, T0, "null")
        assert playout.log_through(session, station, b, airing, 5.0)[0].zones_reached is None  # no receivers: not judged, not hashed
        for n, zone in enumerate(zones):
            session.add(Receiver(station_id=station.id, zone_id=zone.id, name=zone.name, token_hash=f"{n:064d}"))
        session.flush()
        ids = session.scalars(select(Receiver.id).order_by(Receiver.id)).all()
        # Thôn 1 has played for 60 s at the end of the item, thôn 2 only since 3 s after the start (within grace), thôn 3 is silent.
        for rid, playing, playing_for in zip(ids, (True, True, False), (60.0, 12.0, 0.0)):
            session.add(ReceiverReport(receiver_id=rid, received_at=T0 + timedelta(seconds=14), counter=1, interval_s=60, connected=True,
                                       playing=playing, playing_for_s=playing_for))
        session.flush()
        row = playout.log_through(session, station, b, airing, 15.0)[0]  # the second item, [T0+5, T0+15]
        assert row.zones_reached == "thon-1,thon-2"
        missed = playout.log_rest(session, station, b, LogStatus.SKIPPED, "hết giờ")[0]
        assert missed.zones_reached == ""  # judged and not aired: reached nowhere (hashed)
        assert asrun.verify(session, station.id).ok
