"""Receiver reports through the panel's API: accepted once; forged, replayed or garbage reports refused with a sentence and stored nowhere."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.models import Receiver, ReceiverReport
from broadcast.province.setup import create_station, numbered_zones
from broadcast.receivers import intake
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from web import create_app

URL = "/api/receivers/v1/report"


def body(counter: int = 1, zone: str = "thon-3", **changes) -> dict:
    """A well-formed report of a receiver in thôn 3."""
    values = {"zone": zone, "counter": counter, "interval_s": 60, "connected": True, "playing": True, "playing_for_s": 12.5,
              "level_db": -21.4, "title": "Bản tin sáng", "network_errors": 0, "last_error": "", "uptime_s": 3600.0, "version": "0.1.0"}
    values.update(changes)
    return values


@pytest.fixture
def demo_factory(factory):
    """A bare station with four thôn (the demo's content is not needed here)."""
    with transaction(factory) as session:
        create_station(session, "cam-tan", "Cẩm Tân", numbered_zones(4))
    return factory


@pytest.fixture
def api(settings, demo_factory):
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        receiver, token = intake.add_receiver(session, station, "thon-3", "Loa thôn 3", SystemClock().now())
        receiver_id = receiver.id
    return create_app(settings, testing=True).test_client(), token, receiver_id


def _stored(factory) -> int:
    with transaction(factory) as session:
        return session.scalar(select(func.count()).select_from(ReceiverReport))


def test_a_report_is_stored_once_and_its_replay_is_refused(api, demo_factory):
    client, token, receiver_id = api
    auth = {"Authorization": f"Bearer {token}"}
    response = client.post(URL, json=body(5), headers=auth)
    assert (response.status_code, response.get_json()) == (200, {"ok": True, "counter": 5})
    by_mount = client.post(URL, json=body(6, zone="cam-tan-thon-3"), headers=auth)  # the zone named by its mount
    assert by_mount.status_code == 200
    replayed = client.post(URL, json=body(6), headers=auth)
    older = client.post(URL, json=body(4), headers=auth)
    assert (replayed.status_code, older.status_code) == (409, 409)
    assert "đã cũ" in replayed.get_json()["error"]
    with transaction(demo_factory) as session:
        rows = session.scalars(select(ReceiverReport)).all()
        assert [(r.receiver_id, r.counter, r.playing, r.title, r.level_db) for r in rows] == [
            (receiver_id, 5, True, "Bản tin sáng", -21.4), (receiver_id, 6, True, "Bản tin sáng", -21.4)]
        assert session.get(Receiver, receiver_id).last_counter == 6


@pytest.mark.parametrize("headers, payload, status, words", [
    ({}, body(), 401, "Mã của máy thu không đúng"),
    ({"Authorization": "Bearer gia-mao"}, body(), 401, "Mã của máy thu không đúng"),
    (None, body(zone="thon-99"), 404, "không có thôn mã 'thon-99'"),
    (None, body(zone="thon-2"), 403, "thôn khác"),
    (None, "not json", 400, "đối tượng JSON"),
    (None, [1, 2], 400, "đối tượng JSON"),
    (None, body(counter=0), 400, "counter"),
    (None, body(counter="7"), 400, "counter"),
    (None, body(playing="yes"), 400, "playing"),
    (None, body(interval_s=float("nan")), 400, "interval_s"),
    (None, body(level_db=1e9), 400, "level_db"),
    (None, {k: v for k, v in body().items() if k != "zone"}, 400, "mã thôn"),
])
def test_bad_reports_are_refused_with_one_sentence_and_nothing_is_stored(api, demo_factory, headers, payload, status, words):
    client, token, receiver_id = api
    headers = {"Authorization": f"Bearer {token}"} if headers is None else headers
    if isinstance(payload, str):
        response = client.post(URL, data=payload, headers={**headers, "Content-Type": "application/json"})
    else:
        response = client.post(URL, json=payload, headers=headers)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert words in error and "Traceback" not in error
    assert _stored(demo_factory) == 0
    with transaction(demo_factory) as session:
        assert session.get(Receiver, receiver_id).last_counter == 0


def test_a_revoked_receiver_is_refused(api, demo_factory):
    client, token, receiver_id = api
    with transaction(demo_factory) as session:
        session.get(Receiver, receiver_id).is_active = False
    assert client.post(URL, json=body(), headers={"Authorization": f"Bearer {token}"}).status_code == 401
    assert _stored(demo_factory) == 0
