"""Panel fixtures: the app on a demo copy and logged-in test clients per role."""

from __future__ import annotations

import re

import pytest

from web import create_app

PASSWORD = "camtan2024"


@pytest.fixture
def app(demo_settings):
    return create_app(demo_settings, testing=True)


def csrf_of(html: str) -> str:
    """The CSRF token in a rendered page."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', html) or re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in page"
    return match.group(1)


class Client:
    """A test client that logs in and posts with the page's CSRF token."""

    def __init__(self, app, username: str | None):
        self.http = app.test_client()
        self.token = ""
        if username:
            page = self.http.get("/dang-nhap").get_data(as_text=True)
            response = self.http.post("/dang-nhap", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)})
            assert response.status_code == 302, response.get_data(as_text=True)
            self.token = csrf_of(self.http.get("/").get_data(as_text=True))

    def get(self, url: str, **kw):
        return self.http.get(url, **kw)

    def post(self, url: str, data: dict | None = None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.token)
        return self.http.post(url, data=data, **kw)


@pytest.fixture
def login(app):
    return lambda username: Client(app, username)


def populate(settings) -> None:
    """Broadcasts in the campaign and today, and aired log rows, so the pages and screenshots show real data."""
    from datetime import date, datetime, timedelta

    from broadcast.db import make_engine, make_session_factory, transaction
    from broadcast.planning.programmes import plan_days
    from broadcast.playout.rules import Airing, finish, log_through
    from broadcast.stations.lookup import get_station
    from broadcast.timeutil import UTC, SystemClock

    engine = make_engine(settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        station = get_station(session, settings.station)
        past = plan_days(session, settings, station, date(2024, 11, 19), date(2024, 11, 21), datetime(2024, 11, 1, tzinfo=UTC))
        for broadcast in past.broadcasts:
            total = sum(i.duration_s for i in broadcast.items)
            airing = Airing(0.0, broadcast.planned_start + timedelta(seconds=0.4), "aircheck")
            log_through(session, station, broadcast, airing, total)
            finish(session, broadcast, airing.at(total))
        now = SystemClock().now()
        today = now.astimezone(settings.tz).date()
        plan_days(session, settings, station, today, today + timedelta(days=1), now)
    engine.dispose()


@pytest.fixture(scope="module")
def logged_app(tmp_path_factory, demo_template):
    """One panel per module on a demo copy with three logged campaign days (19–21/11/2024) and today and tomorrow planned."""
    from tests.conftest import clone_settings, discard

    settings = clone_settings(demo_template, tmp_path_factory.mktemp("logged"))
    populate(settings)
    yield create_app(settings, testing=True)
    discard(settings)
