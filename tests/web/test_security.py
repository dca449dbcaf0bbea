"""Walk every route: login required except login/static; every POST needs CSRF and the right role."""

from __future__ import annotations

import re

from werkzeug.routing import Rule

from tests.web.conftest import Client

PUBLIC = {"auth.login", "static"}
# The commune players' sync API: a bearer token per station instead of a login session, and no
# cookies, so no CSRF either; without a valid token every call is refused with 401.
TOKEN_API = "api_edge."
SAMPLE = {"sha256": "0" * 64, "broadcast_id": 1, "slot_id": 1, "script_id": 1, "recording_id": 1, "render_id": 1, "slug": "bdg-2024", "day": "2024-11-20", "action": "duyet", "filename": "loaxa.css", "number": 1}
# Who may POST to each endpoint (admins may do everything); the viewer may only verify the log, switch language and switch between their own stations.
VIEWER_MAY_POST = {"log.verify", "i18n.switch_language", "auth.logout", "stations.switch"}


def _url(rule: Rule) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(SAMPLE[m.group(1)]), rule.rule)


def test_every_route_but_login_and_static_requires_login(app):
    client = app.test_client()
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule), method=method)
            if rule.endpoint.startswith(TOKEN_API):
                assert response.status_code == 401 and response.is_json, (rule.rule, method, response.status_code)
                checked += 1
                continue
            # GETs redirect to the login page; POSTs without a session fail CSRF first (400) or redirect.
            assert response.status_code in (302, 400, 401), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert "/dang-nhap" in response.headers["Location"], rule.rule
            checked += 1
    assert checked > 30


def test_every_post_refuses_missing_csrf_and_unauthorised_roles(app):
    admin, viewer = Client(app, "admin"), Client(app, "xem")
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and rule.endpoint not in PUBLIC and not rule.endpoint.startswith(TOKEN_API)]
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
