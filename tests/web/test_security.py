"""Walk every route: login required except login/static; every POST needs CSRF and the right role."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from werkzeug.routing import Rule

from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import Base
from tests.web.conftest import Client, csrf_of
from web import create_app
from web.auth import BEARER_BLUEPRINTS, LIMITED_BLUEPRINTS, PUBLIC_ENDPOINTS, TOKEN_BLUEPRINTS, is_public, limiter

# Written by hand: making an endpoint public is a decision this file has to be told about.
PUBLIC = {"auth.login", "static", "api-docs.openapi_json", "api_v1_docs.readable"}  # the API's description holds no data
# The commune players' sync API: a bearer token per station instead of a login session, and no
# cookies, so no CSRF either; without a valid token every call is refused with 401.
TOKEN_API = ("api_edge.", "api_receivers.")
# The station's API for other systems: a user's personal bearer token, never the panel's cookie, so no CSRF either.
BEARER_API = "api_v1."
# A plausible value for every URL parameter in the map (ids and names of the demo station's rows): a route with a new
# parameter fails the walk with a KeyError until its value is added here.
SAMPLE = {"sha256": "0" * 64, "broadcast_id": 1, "slot_id": 1, "script_id": 1, "recording_id": 1, "render_id": 1, "slug": "bdg-2024", "day": "2024-11-20", "action": "duyet", "filename": "loaxa.css", "number": 1, "token_id": 1, "station": "cam-tan", "live_id": 1, "seq": 0}
# Who may POST to each endpoint (admins may do everything); the viewer may only verify the log, switch language and switch between their own stations.
VIEWER_MAY_POST = {"log.verify", "i18n.switch_language", "auth.logout", "stations.switch", "tokens.create", "tokens.revoke"}


def _url(rule: Rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(SAMPLE[m.group(1)]), rule.rule)


def _row_counts(settings) -> dict[str, int]:
    engine = make_engine(settings.db_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            return {t.name: session.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables}
    finally:
        engine.dispose()


def _walk_anonymously(app) -> list[str]:
    """Every method of every route as a visitor who is not logged in but holds a valid CSRF token; returns what was tried."""
    client = app.test_client()
    token = csrf_of(client.get("/dang-nhap").get_data(as_text=True))
    # The token is valid: the login form takes it (a wrong password is answered on the page, not refused with 400).
    assert client.post("/dang-nhap", data={"csrf_token": token, "username": "admin", "password": "sai"}).status_code == 200
    tried = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            url = _url(rule)
            response = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            if rule.endpoint.startswith(TOKEN_API):
                assert response.status_code == 401 and response.is_json, (rule.rule, method, response.status_code)
            elif rule.endpoint.startswith(BEARER_API):
                assert response.status_code == 401 and response.mimetype == "application/problem+json", (rule.rule, method, response.status_code)
            else:
                assert response.status_code == 302, (rule.rule, method, response.status_code)
                assert response.headers["Location"].startswith("/dang-nhap?next="), (rule.rule, method, response.headers["Location"])
            tried.append(f"{method} {rule.endpoint}")
    return tried


def test_every_route_but_login_and_static_requires_login(app, demo_settings):
    before = _row_counts(demo_settings)
    tried = _walk_anonymously(app)
    assert len([t for t in tried if t.startswith("GET ")]) >= 30 and len([t for t in tried if t.startswith("POST ")]) >= 35
    # The refused posts changed nothing; the one failed login is in the audit trail.
    assert _row_counts(demo_settings) == {**before, "audit_log": before["audit_log"] + 1}
    assert app.test_client().get("/khong-co-trang-nay").status_code == 404  # no route, no view: nothing to guard


def test_a_route_added_without_any_decorator_is_still_behind_the_login(demo_settings):
    app = create_app(demo_settings, testing=True)
    app.add_url_rule("/trang-moi", "moi.trang", lambda: "chưa ai kiểm tra quyền", methods=["GET", "POST"])
    assert {"GET moi.trang", "POST moi.trang"} <= set(_walk_anonymously(app))


def test_the_public_endpoints_are_only_the_login_page_and_static_files():
    assert PUBLIC_ENDPOINTS == PUBLIC and TOKEN_BLUEPRINTS == {prefix.rstrip(".") for prefix in TOKEN_API} and BEARER_BLUEPRINTS == {BEARER_API.rstrip(".")}


@pytest.mark.parametrize(("endpoint", "blueprint", "public"), [
    ("auth.login", "auth", True),
    ("static", None, True),
    ("api_edge.plan", "api_edge", True),
    ("api_edge.log_rows", "api_edge", True),
    ("auth.logout", "auth", False),
    ("log.index", "log", False),
    ("dashboard.home", "dashboard", False),
    ("api_edge_v2.plan", "api_edge_v2", False),
    ("moi.trang", None, False),
    (None, None, True),  # a URL that matches no route runs no view: 404 or 405, as before
])
def test_is_public(endpoint, blueprint, public):
    assert is_public(endpoint, blueprint) is public


def test_every_post_refuses_missing_csrf_and_unauthorised_roles(app):
    admin, viewer = Client(app, "admin"), Client(app, "xem")
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint not in PUBLIC and not rule.endpoint.startswith((*TOKEN_API, BEARER_API))]
    assert len(posts) > 15
    for rule in posts:
        no_token = admin.http.post(_url(rule), data={})
        assert no_token.status_code == 400, (rule.rule, no_token.status_code)
        assert "mã bảo vệ" in no_token.get_data(as_text=True)
        if rule.endpoint not in VIEWER_MAY_POST:
            refused = viewer.post(_url(rule), {})
            assert refused.status_code == 403, (rule.rule, refused.status_code)


def test_login_is_rate_limited_and_wrong_password_is_refused(app):
    client = app.test_client()
    page = client.get("/dang-nhap").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    codes = [client.post("/dang-nhap", data={"username": "admin", "password": "sai-mat-khau", "csrf_token": token}).status_code for _ in range(11)]
    assert codes[0] == 200 and codes[-1] == 429


def test_no_limit_counts_a_get_outside_the_limited_blueprints(app):
    """The limiter skips such GETs (`_nothing_to_count`): a GET limit on a single view would never fire, so none exists."""
    manager = limiter.limit_manager
    with app.test_request_context():
        assert manager.default_limits == [] and manager.application_limits == []
        decorated = {route: manager.decorated_limits(route) for route in manager._decorated_limits}
        assert set(decorated) == {"web.auth.login.login"}  # a new limit on a view is a decision this test has to be told about
        assert all(limit.methods and not {"get", "head"} & set(limit.methods) for limits in decorated.values() for limit in limits)
        assert {name for name in manager._blueprint_limits} == LIMITED_BLUEPRINTS == {"api_v1"}
