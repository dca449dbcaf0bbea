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
