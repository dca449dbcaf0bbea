"""Kept pages are never stale: a new log row, a schedule edit, another viewer or language shows at once."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from flask import template_rendered
from sqlalchemy import select

from broadcast.asrun import chain as asrun
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import AsRunEntry, Broadcast, BroadcastStatus, LogStatus, Slot
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import SystemClock, local_at
from tests.web.conftest import Client
from web import create_app
from web import schedule as web_schedule
from web.page_cache import PageCache


@pytest.fixture
def writer(demo_settings):
    """Commit changes from another connection, as the player or another panel worker would."""
    engine = make_engine(demo_settings.db_url)
    yield lambda: transaction(make_session_factory(engine))
    engine.dispose()


@pytest.fixture
def panel(demo_settings):
    return create_app(demo_settings, testing=True)


def _kept(app) -> PageCache:
    return app.extensions["loaxa_pages"]


def _log_row(session, settings, title: str) -> None:
    station = get_station(session, settings.station)
    start = SystemClock().now() - timedelta(hours=1)
    asrun.append(session, AsRunEntry(
        station_id=station.id, zones="all", slot_start=start, slot_end=start + timedelta(minutes=30), planned_start=start,
        actual_start=start, actual_end=start + timedelta(seconds=42), item_type="script", item_ref="script:1", title=title,
        campaign="", voice="espeak:vi", status=LogStatus.PLAYED, seconds=42.0, sinks="aircheck"))


def _row_count(html: str) -> int:
    return int(re.search(r"(\d+) dòng ·", html).group(1))


def test_the_cache_renders_once_per_key_and_drops_the_least_recently_used():
    cache, renders = PageCache(capacity=2), []

    def render(text: str, key: str):  # type: ignore[no-untyped-def]
        return lambda: (renders.append(text) or f"<p>{text}</p>", key)

    assert cache.get_or_render("a", render("a", "a")) == "<p>a</p>"
    assert cache.get_or_render("a", render("a again", "a")) == "<p>a</p>"  # kept: not rendered again
    cache.get_or_render("b", render("b", "b"))
    cache.get_or_render("a", render("a third", "a"))  # a is now the most recently used
    cache.get_or_render("c", render("c", "c"))  # drops b, the least recently used
    assert len(cache) == 2
    assert cache.get_or_render("b", render("b again", "b")) == "<p>b again</p>"
    assert renders == ["a", "b", "c", "b again"]


def test_a_page_is_kept_under_what_its_render_read():
    """Asked for under x, the render read y (a change landed between): the page answers now, and is kept under y only."""
    cache = PageCache()
    assert cache.get_or_render("x", lambda: ("<p>y</p>", "y")) == "<p>y</p>"
    assert cache.get_or_render("y", lambda: ("<p>y again</p>", "y")) == "<p>y</p>"  # kept under what it shows
    assert cache.get_or_render("x", lambda: ("<p>x</p>", "x")) == "<p>x</p>"  # x was never kept: rendered afresh


@pytest.fixture
def renders(panel):
    """The templates the panel renders, by name, as they are rendered."""
    names: list[str] = []

    def record(_app, template, context, **_extra):  # type: ignore[no-untyped-def]
        names.append(template.name)

    template_rendered.connect(record, panel)
    yield names
    template_rendered.disconnect(record, panel)


def test_a_kept_page_is_served_without_rendering(panel, renders):
    viewer = Client(panel, "xem")
    for page, template in (("/nhat-ky/", "log.html"), ("/lich/", "schedule/month.html")):
        first = viewer.get(page).get_data(as_text=True)
        again = viewer.get(page).get_data(as_text=True)
        assert again == first and renders.count(template) == 1, page  # the key read before the page matches what it shows


def test_a_change_between_the_keys_read_and_the_render_is_never_kept_under_the_old_key(panel, demo_settings, writer, renders, monkeypatch):
    """A rename lands after the month page read its key, before it rendered: the page shows the new name and is kept
    under it, so renaming back shows the old name again instead of the page filed under the old key."""
    with writer() as session:
        station = get_station(session, demo_settings.station)
        zone = station_tz(station)
        noon = local_at(SystemClock().now().astimezone(zone).date(), time(12, 0), zone)
        broadcast = Broadcast(station_id=station.id, title="Tên đầu", slot_start=noon, slot_end=noon + timedelta(minutes=10), planned_start=noon)
        session.add(broadcast)
        session.flush()
        broadcast_id = broadcast.id

    def rename(title: str) -> None:
        with writer() as session:
            session.get(Broadcast, broadcast_id).title = title

    read_before_render = web_schedule.broadcasts_between

    def renamed_meanwhile(*args):  # type: ignore[no-untyped-def]
        rename("Tên mới")
        return read_before_render(*args)

    viewer = Client(panel, "xem")
    monkeypatch.setattr(web_schedule, "broadcasts_between", renamed_meanwhile)
    page = viewer.get("/lich/").get_data(as_text=True)
    assert "Tên mới" in page and "Tên đầu" not in page  # the render read the new name
    monkeypatch.setattr(web_schedule, "broadcasts_between", read_before_render)
    assert "Tên mới" in viewer.get("/lich/").get_data(as_text=True) and renders.count("schedule/month.html") == 1  # kept under it
    rename("Tên đầu")
    back = viewer.get("/lich/").get_data(as_text=True)
    assert "Tên đầu" in back and "Tên mới" not in back


def test_a_new_log_row_changes_the_log_page_at_once(panel, demo_settings, writer):
    viewer = Client(panel, "xem")
    first = viewer.get("/nhat-ky/").get_data(as_text=True)
    kept = len(_kept(panel))
    assert viewer.get("/nhat-ky/").get_data(as_text=True) == first and len(_kept(panel)) == kept  # served from the cache
    with writer() as session:
        _log_row(session, demo_settings, "Tin mới vừa phát xong")
    after = viewer.get("/nhat-ky/").get_data(as_text=True)
    assert "Tin mới vừa phát xong" not in first and "Tin mới vừa phát xong" in after
    assert _row_count(after) == _row_count(first) + 1


def test_a_schedule_edit_changes_the_month_page_at_once(panel, demo_settings, writer):
    viewer = Client(panel, "xem")
    before = viewer.get("/lich/").get_data(as_text=True)
    assert viewer.get("/lich/").get_data(as_text=True) == before  # kept
    with writer() as session:
        station = get_station(session, demo_settings.station)
        noon = local_at(SystemClock().now().astimezone(station_tz(station)).date(), time(12, 0), station_tz(station))
        broadcast = Broadcast(station_id=station.id, title="Buổi phát một lần", slot_start=noon, slot_end=noon + timedelta(minutes=10), planned_start=noon)
        session.add(broadcast)
        session.flush()
        broadcast_id = broadcast.id
    added = viewer.get("/lich/").get_data(as_text=True)
    assert "Buổi phát một lần" not in before and "Buổi phát một lần" in added
    with writer() as session:
        session.get(Broadcast, broadcast_id).title = "Buổi phát đã đổi tên"
    renamed = viewer.get("/lich/").get_data(as_text=True)
    assert "Buổi phát đã đổi tên" in renamed and "Buổi phát một lần" not in renamed
    with writer() as session:
        session.get(Broadcast, broadcast_id).status = BroadcastStatus.CANCELLED
    assert "ev-cancelled" in viewer.get("/lich/").get_data(as_text=True)
    with writer() as session:
        slot = session.scalars(select(Slot).where(Slot.is_active.is_(True)).order_by(Slot.start_time)).first()
        slot.name = "Khung giờ mới đặt"
    assert "Khung giờ mới đặt" in viewer.get("/lich/").get_data(as_text=True)


def test_each_viewer_sees_their_own_name_and_forms_that_work(panel):
    viewer, admin = Client(panel, "xem"), Client(panel, "admin")
    for _ in range(2):  # the second round is served from the cache
        seen_by_viewer = viewer.get("/nhat-ky/").get_data(as_text=True)
        seen_by_admin = admin.get("/nhat-ky/").get_data(as_text=True)
        assert "Công chức Chính sách xã hội" in seen_by_viewer and "Quản trị hệ thống" not in seen_by_viewer
        assert "Quản trị hệ thống" in seen_by_admin and "Công chức Chính sách xã hội" not in seen_by_admin
    # The CSRF token in a kept page is accepted: the integrity check posts and comes back with its message, shown once.
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', seen_by_viewer).group(1)
    checked = viewer.http.post("/nhat-ky/kiem-tra", data={"csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert "Nhật ký nguyên vẹn" in checked
    assert "Nhật ký nguyên vẹn" not in viewer.get("/nhat-ky/").get_data(as_text=True)


def test_switching_language_changes_the_kept_pages_at_once(panel):
    viewer = Client(panel, "xem")
    for page in ("/nhat-ky/", "/lich/"):
        assert "Nhật ký phát sóng" in viewer.get(page).get_data(as_text=True)
    viewer.post("/ngon-ngu", {"lang": "en", "next": "/nhat-ky/"})
    assert "Broadcast log" in viewer.get("/nhat-ky/").get_data(as_text=True)
    month = viewer.get("/lich/").get_data(as_text=True)
    assert "<h1>Schedule" in month and "Lịch phát sóng" not in month


def test_a_log_filter_is_part_of_what_the_page_shows(panel, demo_settings, writer):
    with writer() as session:
        _log_row(session, demo_settings, "Dòng của hôm qua")
    viewer = Client(panel, "xem")
    everything = viewer.get("/nhat-ky/").get_data(as_text=True)
    tomorrow = (date.today() + timedelta(days=2)).strftime("%d/%m/%Y")
    nothing = viewer.get(f"/nhat-ky/?tu={tomorrow}&den={tomorrow}").get_data(as_text=True)
    assert "Dòng của hôm qua" in everything and "Dòng của hôm qua" not in nothing
    assert "Dòng của hôm qua" in viewer.get("/nhat-ky/").get_data(as_text=True)
