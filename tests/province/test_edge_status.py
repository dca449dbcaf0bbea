"""A commune player's heartbeat and receivers reach the province: stored, shown on the province page; a bad body stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.models import EdgeStatus, PlayerHeartbeat
from broadcast.province import central
from broadcast.province.overview import station_overview
from broadcast.province.setup import create_station, numbered_zones
from broadcast.timeutil import SystemClock

BODY = {"beat_at": "2024-11-20T03:00:00+00:00", "started_at": "2024-11-20T01:00:00+00:00", "receivers": [
    {"zone": "thon-1", "name": "Loa 1", "colour": "green", "why": "Sẵn sàng.", "last_heard": "2024-11-20T02:59:30+00:00"},
    {"zone": "thon-2", "name": "Loa 2", "colour": "red", "why": "Mất liên lạc với đài.", "last_heard": None},
]}


def test_status_upload_is_stored_and_counted_on_the_province_page(factory):
    now = SystemClock().now()
    with transaction(factory) as session:
        station = create_station(session, "cam-tan", "Cẩm Tân", numbered_zones(2))
        token = central.create_token(session, station, "xa", now)
        central.station_for_token(session, token, now)  # the player has synced: an edge station
        assert central.ingest_status(session, station, BODY, now) == {"receivers": 2, "offline": 1}
        station_id = station.id
    with transaction(factory) as session:
        beat = session.get(PlayerHeartbeat, station_id)
        assert (beat.host, beat.beat_at.isoformat()) == ("edge", "2024-11-20T03:00:00+00:00")
        row = station_overview(session, [station_id], now, stale_after_s=30, late_grace_s=300)[0]
        assert (row.receivers, row.receivers_offline, row.needs_attention) == (2, 1, True)


@pytest.mark.parametrize("body", [
    None, [], {"receivers": "x"}, {"receivers": [{"zone": "thon-1", "colour": "blue"}]}, {"receivers": [{"colour": "red"}]},
    {"receivers": [], "beat_at": "hôm qua"}, {"receivers": [{"zone": "thon-1", "colour": "red"}] * 501},
])
def test_a_bad_status_is_refused_and_nothing_is_stored(factory, body):
    with transaction(factory) as session:
        station = create_station(session, "cam-tan", "Cẩm Tân", numbered_zones(2))
        with pytest.raises(InvalidInput):
            central.ingest_status(session, station, body, SystemClock().now() + timedelta(0))
        assert session.scalar(select(func.count()).select_from(EdgeStatus)) == 0
        assert session.get(PlayerHeartbeat, station.id) is None
