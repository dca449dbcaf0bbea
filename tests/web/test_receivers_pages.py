"""The panel's receivers: tiles on the home page, the receivers page with history, the warning before a broadcast, open alerts."""

from __future__ import annotations

import re
from datetime import timedelta

from broadcast.db import transaction
from broadcast.models import Broadcast, BroadcastStatus, ReceiverReport
from broadcast.receivers import board, intake
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock


def _tiles(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-zone="([^"]+)" data-colour="([^"]+)"', html))


def test_tiles_history_warning_and_alert(demo_factory, login):
    now = SystemClock().now()
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        ids = {}
        for code in ("thon-1", "thon-2", "thon-3"):
            ids[code] = intake.add_receiver(session, station, code, f"Loa {code}", now)[0].id
        # thôn 1 plays; thôn 3 reports but is silent; thôn 2 has never reported.
        session.add(ReceiverReport(receiver_id=ids["thon-1"], received_at=now, counter=1, interval_s=60, connected=True, playing=True, playing_for_s=30))
        session.add(ReceiverReport(receiver_id=ids["thon-3"], received_at=now, counter=1, interval_s=60, connected=False, playing=False))
        zone3 = next(z for z in station.zones if z.code == "thon-3")
        # A broadcast on thôn 3 on air now, and one on every thôn in an hour.
        session.add(Broadcast(station_id=station.id, title="Tin trưa", slot_start=now, slot_end=now + timedelta(minutes=30), planned_start=now,
                              status=BroadcastStatus.PLAYING, started_at=now, zone_ids=[zone3.id]))
        session.add(Broadcast(station_id=station.id, title="Buổi chiều", slot_start=now + timedelta(hours=1), slot_end=now + timedelta(hours=2),
                              planned_start=now + timedelta(hours=1), status=BroadcastStatus.READY))
        alerts = board.sweep(session, station, now, None)
        assert sorted((a.zone, a.kind, a.raised) for a in alerts) == [("thon-3", "silent", True)]  # thôn 2 is offline but not on air

    viewer = login("xem")
    home = viewer.get("/").get_data(as_text=True)
    tiles = _tiles(home)
    assert (tiles["thon-1"], tiles["thon-2"], tiles["thon-3"]) == ("green", "red", "amber")
    assert set(tiles.values()) - {"green", "red", "amber"} == {"none"}  # the other thôn have no receiver
    assert "Buổi “Buổi chiều” lúc" in home and "Thôn 2 không có máy thu nào đang nghe" in home
    assert "Máy thu Loa thon-3 (Thôn 3): Đang phát nhưng máy không nhận được luồng." in home
    assert "Chưa từng liên lạc" in home

    page = viewer.get("/may-thu").get_data(as_text=True)
    assert "Lịch sử mất liên lạc" in page and "Im lặng khi đang phát" in page and "chưa trở lại" in page

    # thôn 3 hears the broadcast again: the alert clears itself.
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        later = now + timedelta(seconds=5)
        session.add(ReceiverReport(receiver_id=ids["thon-3"], received_at=later, counter=2, interval_s=60, connected=True, playing=True, playing_for_s=4))
        cleared = board.sweep(session, station, later, None)
        assert [(a.zone, a.raised) for a in cleared] == [("thon-3", False)]
    home = viewer.get("/").get_data(as_text=True)
    assert _tiles(home)["thon-3"] == "green" and "Loa thon-3 (Thôn 3)" not in home
