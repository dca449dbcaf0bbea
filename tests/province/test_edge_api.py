"""The central sync API through Flask's test client: tokens, audio by hash, chained log intake."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from broadcast.asrun import chain as asrun

from broadcast.db import transaction
from broadcast.models import AsRunEntry, LogStatus
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.province import central as edge_central
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from web import create_app


def _rows(station_id: int, count: int, start_seq: int = 1, prev: str = asrun.GENESIS) -> list[dict]:
    """A chain of log rows as a commune player would send them."""
    now = SystemClock().now().replace(microsecond=0)
    rows = []
    for seq in range(start_seq, start_seq + count):
        entry = AsRunEntry(
            station_id=station_id, seq=seq, broadcast_id=None, broadcast_item_id=None, zones="all",
            slot_start=now, slot_end=now + timedelta(minutes=30), planned_start=now + timedelta(seconds=seq),
            actual_start=now + timedelta(seconds=seq), actual_end=now + timedelta(seconds=seq + 2.5), item_type="script",
            item_ref="script:1", title=f"Bài {seq}", campaign="bdg-2024", voice="espeak:vi", status=LogStatus.PLAYED,
            seconds=2.5, sinks="aircheck", reason="", prev_hash=prev, created_at=now,
        )
        entry.row_hash = asrun.row_digest(entry, prev)
        prev = entry.row_hash
        rows.append(edge_central.entry_to_json(entry))
    return rows


@pytest.fixture
def api(demo_settings, demo_factory):
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        token = edge_central.create_token(session, station, "test", SystemClock().now())
        station_id = station.id
    app = create_app(demo_settings, testing=True)
    return app.test_client(), {"Authorization": f"Bearer {token}"}, station_id


def test_requests_without_a_valid_token_are_refused(api, demo_factory):
    client, auth, station_id = api
    assert client.get("/api/edge/v1/log/head", headers=auth).get_json() == {"seq": 0, "row_hash": asrun.GENESIS}
    with transaction(demo_factory) as session:
        assert edge_central.station_is_edge(session, station_id)
        edge_central.revoke_tokens(session, session.get(edge_central.Station, station_id))
        assert not edge_central.station_is_edge(session, station_id)
    for headers in ({}, {"Authorization": "Bearer sai-ma"}, auth):  # the last one was just revoked
        response = client.get("/api/edge/v1/log/head", headers=headers)
        assert response.status_code == 401
        assert "Mã đồng bộ không đúng" in response.get_json()["error"]


def test_log_intake_is_idempotent_and_refuses_broken_chains(api, demo_factory):
    client, auth, station_id = api
    rows = _rows(station_id, 4)
    first = client.post("/api/edge/v1/log", json={"rows": rows[:3]}, headers=auth).get_json()
    assert (first["stored"], first["skipped"], first["head"]["seq"]) == (3, 0, 3)
    again = client.post("/api/edge/v1/log", json={"rows": rows}, headers=auth).get_json()
    assert (again["stored"], again["skipped"]) == (1, 3)

    orphan = _rows(station_id, 1, start_seq=5, prev="f" * 64)
    response = client.post("/api/edge/v1/log", json={"rows": orphan}, headers=auth)
    assert response.status_code == 409
    assert "không nối tiếp dòng cuối ở tỉnh (số 4)" in response.get_json()["error"]

    tampered = _rows(station_id, 5)[4]
    tampered["title"] = "Sửa sau khi ghi"
    response = client.post("/api/edge/v1/log", json={"rows": [tampered]}, headers=auth)
    assert response.status_code == 409 and "không khớp mã băm" in response.get_json()["error"]

    forked = _rows(station_id, 2)[1]  # same seq 2, different content (another created_at is not hashed, title is)
    forked["title"] = "Bản khác"
    forked_chain = _rows(station_id, 1)
    forked["prev_hash"] = forked_chain[0]["row_hash"]
    entry = edge_central.entry_from_json(forked)
    forked["row_hash"] = asrun.row_digest(entry, forked["prev_hash"])
    response = client.post("/api/edge/v1/log", json={"rows": [forked]}, headers=auth)
    assert response.status_code == 409 and "rẽ nhánh" in response.get_json()["error"]

    with transaction(demo_factory) as session:
        assert asrun.verify(session, station_id).ok
        assert session.scalar(select(func.count()).select_from(AsRunEntry).where(AsRunEntry.station_id == station_id)) == 4
        stored = session.scalars(select(AsRunEntry.row_hash).where(AsRunEntry.station_id == station_id).order_by(AsRunEntry.seq)).all()
    assert stored == [r["row_hash"] for r in rows]


def test_plan_window_lists_audio_that_is_served_by_hash_only(api, demo_settings, demo_factory):
    client, auth, _ = api
    start = SystemClock().now() + timedelta(hours=1)
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        broadcast = create_message_broadcast(session, demo_settings, station, "Thông báo", "Thông báo họp thôn.", start)
        expected_items = len(broadcast.items)
    body = client.get("/api/edge/v1/plan", query_string={"from": start.isoformat(), "to": (start + timedelta(hours=1)).isoformat()}, headers=auth).get_json()
    assert [b["title"] for b in body["broadcasts"]] == ["Thông báo"]
    items = body["broadcasts"][0]["items"]
    assert len(items) == expected_items and all(i["audio_sha256"] in body["audio"] for i in items)
    sha = items[0]["audio_sha256"]
    response = client.get(f"/api/edge/v1/audio/{sha}", headers=auth)
    assert response.status_code == 200 and len(response.data) == body["audio"][sha]
    assert edge_central.hashlib.sha256(response.data).hexdigest() == sha
    assert client.get("/api/edge/v1/audio/" + "0" * 64, headers=auth).status_code == 404
    assert client.get("/api/edge/v1/audio/..%2F..%2Floaxa.db", headers=auth).status_code in (400, 404)
    assert client.get(f"/api/edge/v1/audio/{sha}").status_code == 401
    bad = client.get("/api/edge/v1/plan", query_string={"from": "hôm qua"}, headers=auth)
    assert bad.status_code == 400 and "ISO 8601" in bad.get_json()["error"]
