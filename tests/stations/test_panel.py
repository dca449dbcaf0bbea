"""The panel with many stations: each operator sees only their station, a province user switches and sees them all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from broadcast.campaigns.manage import create_campaign
from broadcast.content.scripts import create_script
from broadcast.db import transaction
from broadcast.models import Broadcast, BroadcastStatus, Role, Script, Slot, Station, User
from broadcast.province.setup import create_station, grant, numbered_zones, revoke
from broadcast.stations.users import create_user
from broadcast.timeutil import SystemClock
from tests.stations.test_overview import counting
from tests.web.conftest import PASSWORD, Client
from web import create_app

VIEWER_STATIONS = 30


@pytest.fixture
def province(settings, factory):
    """Communes xa-a and xa-b with content each, 30 more communes, an operator per commune and a province user."""
    ids: dict[str, int] = {}
    with transaction(factory) as session:
        for slug in ("xa-a", "xa-b", "xa-c"):
            station = create_station(session, slug, f"Xã {slug[-1].upper()}", numbered_zones(2))
            author = create_user(session, f"op-{slug[-1]}", PASSWORD, Role.ADMIN, station)
            script = create_script(session, station, f"Thông báo của {slug}", "Nội dung thông báo.", author)
            create_campaign(session, station, f"cd-{slug}", "Chiến dịch", date(2030, 1, 1), date(2030, 1, 31), target_value=5)
            start = SystemClock().now() + timedelta(days=1)
            broadcast = Broadcast(station_id=station.id, title="Buổi mai", slot_start=start, slot_end=start + timedelta(minutes=30),
                                  planned_start=start, status=BroadcastStatus.PLANNED)
            session.add(broadcast)
            session.flush()
            slot = session.scalar(select(Slot).where(Slot.station_id == station.id))
            ids.update({f"{slug}.station": station.id, f"{slug}.script": script.id, f"{slug}.broadcast": broadcast.id, f"{slug}.slot": slot.id})
        tinh = create_user(session, "tinh", PASSWORD, Role.EDITOR, session.get(Station, ids["xa-b.station"]), "Sở Văn hóa")
        grant(session, "tinh", "xa-a", Role.VIEWER)
        for n in range(1, VIEWER_STATIONS):
            ids[f"st-{n:02d}.station"] = create_station(session, f"st-{n:02d}", f"Xã số {n:02d}", numbered_zones(1), standard_slots=False).id
            grant(session, "tinh", f"st-{n:02d}", Role.VIEWER)
        ids["tinh"] = tinh.id
    app = create_app(settings, testing=True)
    return app, ids


def _scripts_at(factory, station_id: int) -> list[str]:
    with transaction(factory) as session:
        return list(session.scalars(select(Script.title).where(Script.station_id == station_id).order_by(Script.id)))


def test_an_operator_never_reaches_another_communes_objects(province):
    app, ids = province
    op_a = Client(app, "op-a")
    home = op_a.get("/").get_data(as_text=True)
    assert "Xã A" in home and "station-pick" not in home and "/toan-tinh" not in home  # one station: no switch
    assert op_a.get(f"/bai/{ids['xa-a.script']}").status_code == 200
    b = "xa-b"
    for url in (f"/bai/{ids[b + '.script']}", f"/chien-dich/cd-{b}", f"/lich/buoi-phat/{ids[b + '.slot']}"):
        assert op_a.get(url).status_code == 404, url
    for url, data in ((f"/bai/{ids[b + '.script']}", {"title": "Sửa trộm", "body": "x"}), (f"/lich/buoi/{ids[b + '.broadcast']}/them-bai", {"script_id": ids["xa-a.script"]}),
                      (f"/lich/buoi-phat/{ids[b + '.slot']}/xoa", {}), (f"/chien-dich/cd-{b}/sua", {"name": "x"})):
        assert op_a.post(url, data).status_code == 404, url
    assert op_a.post("/doi-dai", {"station_id": ids["xa-b.station"]}).status_code == 404
    assert "Xã A" in op_a.get("/").get_data(as_text=True)  # still at their own station
    # The operator admin of xa-a may not reset the password of the province user who also works there.
    refused = op_a.post("/nguoi-dung", {"action": "password", "username": "tinh", "password": "doimatkhau99"})
    assert refused.status_code == 400 and "đài khác mà bạn không quản trị" in refused.get_data(as_text=True)
    assert Client(app, "tinh").token  # the old password still works


def test_a_province_user_edits_only_where_they_are_editor_and_switches_with_a_post(province, factory):
    app, ids = province
    tinh = Client(app, "tinh")
    home = tinh.get("/").get_data(as_text=True)
    assert "station-pick" in home and "/toan-tinh" in home and "Xã số 01" in home  # first station by slug: a viewer one
    new_script = {"title": "Thông báo của tỉnh", "body": "Nội dung.", "priority": "normal"}
    assert tinh.post("/bai/moi", new_script).status_code == 403
    assert tinh.get("/bai/").status_code == 403
    switched = tinh.post("/doi-dai", {"station_id": ids["xa-b.station"]})
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/")
    assert tinh.get("/").get_data(as_text=True).count("Đang làm việc với Xã B") == 1
    stale = tinh.post("/bai/moi", {**new_script, "_station": ids["st-01.station"]})  # a form left open from st-01's page
    assert stale.status_code == 409 and "đổi đài ở cửa sổ khác" in stale.get_data(as_text=True)
    assert tinh.post("/bai/moi", {**new_script, "_station": ids["xa-b.station"]}).status_code == 302
    assert _scripts_at(factory, ids["xa-b.station"]) == ["Thông báo của xa-b", "Thông báo của tỉnh"]
    assert tinh.get(f"/bai/{ids['xa-a.script']}").status_code == 404  # xa-a's content is not reachable from xa-b
    assert tinh.http.post("/doi-dai", data={"station_id": ids["xa-a.station"]}).status_code == 400  # no CSRF token
    assert tinh.post("/doi-dai", {"station_id": ids["xa-a.station"]}).status_code == 302
    assert tinh.post("/bai/moi", new_script).status_code == 403  # viewer at xa-a
    assert tinh.get(f"/bai/{ids['xa-a.script']}").status_code == 403
    assert tinh.post("/doi-dai", {"station_id": ids["xa-c.station"]}).status_code == 404  # no role there
    with transaction(factory) as session:  # rights taken away while working there: back to the first station
        revoke(session, "tinh", "xa-a")
    assert "Xã số 01" in tinh.get("/").get_data(as_text=True)
    assert len(_scripts_at(factory, ids["xa-a.station"])) == 1


def test_the_status_page_lists_the_users_stations_with_a_constant_number_of_queries(province, factory):
    app, ids = province
    tinh = Client(app, "tinh")
    engine = app.config["LOAXA_SESSIONS"].kw["bind"]
    with counting(engine) as seen:
        page = tinh.get("/toan-tinh")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Toàn tỉnh" in html
    assert html.count('id="dai-') == VIEWER_STATIONS + 1 and 'id="dai-xa-a"' in html and 'id="dai-xa-c"' not in html
    assert "Trình phát không chạy" in html and html.count(">Mở<") == VIEWER_STATIONS  # every station but the open one
    many = len(seen)
    with transaction(factory) as session:
        tinh_user = session.get(User, ids["tinh"])
        tinh_user.memberships = [m for m in tinh_user.memberships if m.station.slug in ("xa-a", "xa-b", "st-01")]
    with counting(engine) as seen:
        html = tinh.get("/toan-tinh").get_data(as_text=True)
    assert html.count('id="dai-') == 3
    assert len(seen) == many, (len(seen), many)
    op_c = Client(app, "op-c")
    assert op_c.get("/toan-tinh").get_data(as_text=True).count('id="dai-') == 1
