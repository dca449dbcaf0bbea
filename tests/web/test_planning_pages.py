"""Slots, campaigns and the day view's editing: role checks, CSRF, field errors that keep what was typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from broadcast.models import Broadcast, Campaign, ContentStatus, ItemType, Script, Slot
from broadcast.timeutil import SystemClock
from tests.web.conftest import Client


@pytest.fixture(scope="module")
def admin(logged_app):
    return Client(logged_app, "admin")


@pytest.fixture(scope="module")
def editor(logged_app):
    return Client(logged_app, "bientap")


@pytest.fixture(scope="module")
def viewer(logged_app):
    return Client(logged_app, "xem")


def _db(app):
    from web.db import db

    return db()


def _future_broadcast(app) -> int:
    """The first unstarted broadcast with at least two scripts."""
    now = SystemClock().now()
    with app.app_context():
        for b in _db(app).scalars(select(Broadcast).where(Broadcast.planned_start > now).order_by(Broadcast.planned_start)):
            if sum(1 for i in b.items if i.item_type == ItemType.SCRIPT) >= 2:
                return b.id
    raise AssertionError("no unstarted broadcast with two scripts")


def _items(app, broadcast_id: int) -> list[int]:
    with app.app_context():
        return [i.id for i in _db(app).get(Broadcast, broadcast_id).items]


def _set_length(app, broadcast_id: int, seconds: float) -> None:
    with app.app_context():
        session = _db(app)
        b = session.get(Broadcast, broadcast_id)
        b.slot_end = b.slot_start + timedelta(seconds=seconds)
        session.commit()


# ---------------------------------------------------------------- day view: reorder and add a script


def test_reorder_saves_the_new_order_and_refuses_what_it_cannot_take(logged_app, editor, viewer):
    bid = _future_broadcast(logged_app)
    ids = _items(logged_app, bid)
    new = [ids[0], *reversed(ids[1:-1]), ids[-1]]
    url = f"/lich/buoi/{bid}/thu-tu"
    ok = editor.http.post(url, json={"items": new}, headers={"X-CSRFToken": editor.token})
    assert ok.status_code == 200 and ok.get_json()["ok"] is True
    assert _items(logged_app, bid) == new
    with logged_app.app_context():
        assert _db(logged_app).get(Broadcast, bid).manual is True

    wrong = editor.http.post(url, json={"items": new[:-1]}, headers={"X-CSRFToken": editor.token})
    assert wrong.status_code == 409 and "không khớp" in wrong.get_json()["error"]
    garbage = editor.http.post(url, json={"items": ["<script>"]}, headers={"X-CSRFToken": editor.token})
    assert garbage.status_code == 400 and not garbage.get_json()["ok"]
    assert editor.http.post(url, json={"items": new}).status_code == 400  # no CSRF header
    assert viewer.http.post(url, json={"items": new}, headers={"X-CSRFToken": viewer.token}).status_code == 403

    _set_length(logged_app, bid, 10)
    overrun = editor.http.post(url, json={"items": ids}, headers={"X-CSRFToken": editor.token})
    assert overrun.status_code == 409 and "quá thời lượng buổi phát" in overrun.get_json()["error"]
    assert _items(logged_app, bid) == new  # nothing half-saved
    _set_length(logged_app, bid, 3600)

    with logged_app.app_context():
        past = _db(logged_app).scalar(select(Broadcast).where(Broadcast.planned_start < SystemClock().now()).order_by(Broadcast.planned_start))
        past_id, past_items = past.id, [i.id for i in past.items]
    started = editor.http.post(f"/lich/buoi/{past_id}/thu-tu", json={"items": past_items[::-1]}, headers={"X-CSRFToken": editor.token})
    assert started.status_code == 409 and "đã bắt đầu hoặc đã qua giờ phát" in started.get_json()["error"]


def test_day_view_offers_reorder_and_adding_only_to_editors_on_unstarted_broadcasts(logged_app, editor, viewer):
    bid = _future_broadcast(logged_app)
    with logged_app.app_context():
        from web.db import settings

        day = _db(logged_app).get(Broadcast, bid).planned_start.astimezone(settings().tz).date()
    html = editor.get(f"/lich/ngay/{day.isoformat()}").get_data(as_text=True)
    assert f'data-reorder-url="/lich/buoi/{bid}/thu-tu"' in html and f'action="/lich/buoi/{bid}/them-bai"' in html
    past = editor.get("/lich/ngay/2024-11-20").get_data(as_text=True)
    assert 'data-reorder-url=""' in past and "them-bai" not in past
    seen = viewer.get(f"/lich/ngay/{day.isoformat()}").get_data(as_text=True)
    assert 'data-reorder-url=""' in seen and "them-bai" not in seen


def test_add_an_approved_script_before_the_closing_jingle(logged_app, editor, viewer):
    bid = _future_broadcast(logged_app)
    with logged_app.app_context():
        session = _db(logged_app)
        b = session.get(Broadcast, bid)
        inside = {i.script_id for i in b.items}
        candidates = session.scalars(select(Script).where(Script.status == ContentStatus.APPROVED).order_by(Script.id)).all()
        new_id = next(s.id for s in candidates if s.id not in inside)
        draft = session.scalar(select(Script).where(Script.status != ContentStatus.APPROVED))
        draft_id = draft.id if draft else None
    url = f"/lich/buoi/{bid}/them-bai"
    assert viewer.post(url, {"script_id": str(new_id)}).status_code == 403
    empty = editor.post(url, {"script_id": ""})
    assert empty.status_code == 400 and "Chưa chọn bài" in empty.get_data(as_text=True)

    _set_length(logged_app, bid, 1)  # a slot of one second: nothing more fits
    overrun = editor.post(url, {"script_id": str(new_id)})
    html = overrun.get_data(as_text=True)
    assert overrun.status_code == 400 and "quá thời lượng buổi phát" in html
    assert f'<option value="{new_id}" selected' in html  # the choice is kept
    assert new_id not in _scripts_of(logged_app, bid)

    _set_length(logged_app, bid, 3 * 3600)
    added = editor.post(url, {"script_id": str(new_id)})
    assert added.status_code == 302
    with logged_app.app_context():
        items = _db(logged_app).get(Broadcast, bid).items
        position = next(n for n, i in enumerate(items) if i.script_id == new_id)
        assert all(i.item_type in (ItemType.JINGLE, ItemType.FILLER) for i in items[position + 1:]) and position < len(items) - 1
        assert [i.position for i in items] == list(range(len(items)))
    twice = editor.post(url, {"script_id": str(new_id)})
    assert twice.status_code == 400 and "đã có trong buổi phát" in twice.get_data(as_text=True)
    if draft_id:
        unapproved = editor.post(url, {"script_id": str(draft_id)})
        assert unapproved.status_code == 400 and "chưa được duyệt" in unapproved.get_data(as_text=True)


def _scripts_of(app, broadcast_id: int) -> list[int]:
    with app.app_context():
        return [i.script_id for i in _db(app).get(Broadcast, broadcast_id).items if i.script_id]


# ---------------------------------------------------------------- slots


SLOT = {"name": "Buổi trưa", "start_time": "11:00", "duration_min": "20", "end_time": "", "weekdays": ["1", "2", "3", "4", "5"],
        "valid_from": "01/12/2026", "valid_to": "31/12/2027", "exceptions": "01/01/2027, 29/01/2027", "zone_ids": [], "is_active": "on"}


def test_admin_creates_edits_and_deletes_a_slot(logged_app, admin, editor):
    assert editor.get("/lich/buoi-phat/").status_code == 403
    assert editor.post("/lich/buoi-phat/", dict(SLOT)).status_code == 403
    created = admin.post("/lich/buoi-phat/", dict(SLOT))
    assert created.status_code == 302, created.get_data(as_text=True)
    with logged_app.app_context():
        slot = _db(logged_app).scalar(select(Slot).where(Slot.name == "Buổi trưa"))
        assert (slot.start_time.strftime("%H:%M"), slot.duration_s, slot.weekdays, slot.exceptions) == ("11:00", 1200, "12345", ["2027-01-01", "2027-01-29"])
        slot_id = slot.id
    page = admin.get(f"/lich/buoi-phat/{slot_id}").get_data(as_text=True)
    assert 'value="01/01/2027, 29/01/2027"' in page and 'value="20"' in page
    edited = admin.post(f"/lich/buoi-phat/{slot_id}", {**SLOT, "duration_min": "", "end_time": "11:45", "weekdays": ["6", "7"]})
    assert edited.status_code == 302
    with logged_app.app_context():
        slot = _db(logged_app).get(Slot, slot_id)
        assert (slot.duration_s, slot.weekdays) == (2700, "67")
    listing = admin.get("/lich/buoi-phat/").get_data(as_text=True)
    assert "11:00</strong>–11:45" in listing and "T7, CN" in listing
    assert admin.post(f"/lich/buoi-phat/{slot_id}/xoa").status_code == 302
    with logged_app.app_context():
        assert _db(logged_app).get(Slot, slot_id) is None


@pytest.mark.parametrize("change, field, message", [
    ({"start_time": "05:45"}, "start_time", "trùng giờ với buổi Buổi sáng (05:30–06:00) ngày 01/12/2026"),
    ({"start_time": "17:15", "valid_from": "", "valid_to": ""}, "start_time", "(17:00–17:30) vào thứ"),
    ({"end_time": "10:30"}, "end_time", "trước hoặc đúng lúc bắt đầu"),
    ({"valid_to": "01/11/2026"}, "valid_to", "hết hiệu lực"),
    ({"start_time": "25:00"}, "start_time", "không đúng dạng"),
    ({"valid_from": "31/02/2026"}, "valid_from", "không đúng dạng"),
    ({"weekdays": []}, "weekdays", "Chưa chọn ngày nào trong tuần"),
    ({"name": "<script>alert(1)</script>", "duration_min": ""}, "duration_min", "chưa có thời lượng"),
])
def test_bad_slots_are_refused_beside_the_field_keeping_the_input(admin, change, field, message):
    response = admin.post("/lich/buoi-phat/", {**SLOT, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    block = html[html.index(f'id="f-{field}"') if f'id="f-{field}"' in html else html.index("Các ngày trong tuần"):]
    assert message in block[:1500]  # the message sits right after its field
    assert "&lt;script&gt;" in html or "<script>alert" not in html
    typed = change.get("start_time") or change.get("valid_from") or change.get("valid_to") or change.get("end_time")
    if typed:
        assert f'value="{typed}"' in html


# ---------------------------------------------------------------- campaigns


CAMPAIGN = {"slug": "ve-sinh-2027", "name": "Tháng vệ sinh môi trường 2027", "theme": "Xanh – sạch – đẹp", "start_date": "01/03/2027",
            "end_date": "31/03/2027", "target_kind": "minutes_per_day", "target_value": "5", "extend_min": "0", "min_separation_h": "2"}


def test_editor_creates_a_campaign_sets_its_pool_and_copies_it(logged_app, editor, viewer):
    assert viewer.get("/chien-dich/moi").status_code == 403
    assert viewer.post("/chien-dich/moi", dict(CAMPAIGN)).status_code == 403
    assert "Chiến dịch mới" not in viewer.get("/chien-dich/").get_data(as_text=True)
    created = editor.post("/chien-dich/moi", dict(CAMPAIGN))
    assert created.status_code == 302 and created.headers["Location"].endswith("/chien-dich/ve-sinh-2027/sua#danh-sach-bai")
    form = editor.get("/chien-dich/ve-sinh-2027/sua").get_data(as_text=True)
    assert "chưa có bài nào đã duyệt" in form  # feasibility shown as a warning until the pool is filled
    with logged_app.app_context():
        scripts = _db(logged_app).scalars(select(Script.id).where(Script.status == ContentStatus.APPROVED).order_by(Script.id).limit(2)).all()
    bad = editor.post("/chien-dich/ve-sinh-2027/danh-sach-bai", {"script": [str(s) for s in scripts], f"weight-{scripts[0]}": "20", f"weight-{scripts[1]}": "1"})
    assert bad.status_code == 400 and "Trọng số của bài" in bad.get_data(as_text=True) and 'value="20"' in bad.get_data(as_text=True)
    none = editor.post("/chien-dich/ve-sinh-2027/danh-sach-bai", {})
    assert none.status_code == 400 and "hãy chọn ít nhất một bài" in none.get_data(as_text=True)
    pool = editor.post("/chien-dich/ve-sinh-2027/danh-sach-bai", {"script": [str(s) for s in scripts], f"weight-{scripts[0]}": "2,5", f"weight-{scripts[1]}": "1"})
    assert pool.status_code == 302
    with logged_app.app_context():
        campaign = _db(logged_app).scalar(select(Campaign).where(Campaign.slug == "ve-sinh-2027"))
        assert sorted((e.script_id, e.weight) for e in campaign.pool) == [(scripts[0], 2.5), (scripts[1], 1.0)]
        assert campaign.min_separation_h == 2.0 and campaign.theme == "Xanh – sạch – đẹp"
    edited = editor.post("/chien-dich/ve-sinh-2027/sua", {**CAMPAIGN, "end_date": "15/04/2027", "extend_min": "5"})
    assert edited.status_code == 302
    with logged_app.app_context():
        campaign = _db(logged_app).scalar(select(Campaign).where(Campaign.slug == "ve-sinh-2027"))
        assert (campaign.end_date.isoformat(), campaign.extend_slot_s) == ("2027-04-15", 300)
    copied = editor.post("/chien-dich/ve-sinh-2027/sao-chep", {"year": "2028"})
    assert copied.status_code == 302 and "/chien-dich/ve-sinh-2028/sua" in copied.headers["Location"]
    again = editor.post("/chien-dich/ve-sinh-2027/sao-chep", {"year": "2028"})
    assert again.status_code == 400 and "Đã có chiến dịch ve-sinh-2028" in again.get_data(as_text=True)
    year = editor.post("/chien-dich/ve-sinh-2027/sao-chep", {"year": "năm sau"})
    assert year.status_code == 400 and "không phải là số" in year.get_data(as_text=True) and 'value="năm sau"' in year.get_data(as_text=True)
    assert viewer.post("/chien-dich/ve-sinh-2027/sao-chep", {"year": "2029"}).status_code == 403


@pytest.mark.parametrize("change, field, message", [
    ({"end_date": "01/02/2027"}, "end_date", "trước khi bắt đầu"),
    ({"start_date": "2027/03/01"}, "start_date", "không đúng dạng"),
    ({"start_date": ""}, "start_date", "đang để trống"),
    ({"name": ""}, "name", "Tên chiến dịch đang để trống"),
    ({"slug": "Vệ Sinh"}, "slug", "chữ thường không dấu"),
    ({"slug": "bdg-2024"}, "_", "Đã có chiến dịch bdg-2024"),
    ({"target_value": "mười"}, "target_value", "không phải là số"),
    ({"target_value": "2000"}, "target_value", "không hợp lệ"),
    ({"target_value": "600"}, "target_value", "chỉ tiêu"),
    ({"extend_min": "90"}, "extend_min", "kéo dài"),
])
def test_bad_campaigns_are_refused_beside_the_field_keeping_the_input(logged_app, editor, change, field, message):
    response = editor.post("/chien-dich/moi", {**CAMPAIGN, "slug": "thu-loi", **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html, html[html.find("field-error") - 300:html.find("field-error") + 400]
    if field != "_":
        assert message in html[html.index(f'id="f-{field}"'):][:1200]
    for key, value in change.items():
        if value and key != "slug":
            assert f'value="{value}"' in html
    with logged_app.app_context():
        assert _db(logged_app).scalar(select(Campaign).where(Campaign.slug == "thu-loi")) is None  # nothing half-saved
