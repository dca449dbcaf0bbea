"""Personal API tokens and /api/v1: the bearer guard, the OpenAPI document, problem+json errors, audit rows by token name."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from broadcast.models import ApiToken, AuditEntry, User
from broadcast.stations.tokens import create_api_token
from broadcast.timeutil import SystemClock
from tests.web.conftest import Client, populate

PROBLEM = "application/problem+json"


def _token(client: Client, name: str, days: str = "30", scope: str = "all") -> str:
    page = client.post("/ma-api/", {"name": name, "days": days, "scope": scope})
    assert page.status_code == 200, page.get_data(as_text=True)
    return re.search(r'<code class="secret">([^<]+)</code>', page.get_data(as_text=True)).group(1)


def _audit(app) -> list[AuditEntry]:
    with app.app_context():
        from web.db import db
        return list(db().scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def test_tokens_are_made_in_the_panel_stored_hashed_and_audited(app):
    editor = Client(app, "bientap")
    secret = _token(editor, "hệ thống tỉnh")
    assert secret.startswith("lx_") and len(secret) > 40
    with app.app_context():
        from web.db import db
        token = db().scalar(select(ApiToken))
        assert token.name == "hệ thống tỉnh" and secret not in token.token_hash and len(token.token_hash) == 64
    row = _audit(app)[-1]
    assert (row.action, row.actor, row.object_type, row.object_title) == ("tokens.create", "bientap", "ApiToken", "hệ thống tỉnh")
    assert secret not in row.changes and token.token_hash not in row.changes
    assert secret not in editor.get("/ma-api/").get_data(as_text=True)  # shown once
    bad = editor.post("/ma-api/", {"name": "", "days": "30"})
    assert bad.status_code == 400 and "Tên mã API đang để trống" in bad.get_data(as_text=True)
    too_long = editor.post("/ma-api/", {"name": "x", "days": "999"})
    assert too_long.status_code == 400 and "từ 1 đến 366 ngày" in too_long.get_data(as_text=True)


def test_the_guard_admits_a_valid_bearer_only(app):
    editor = Client(app, "bientap")
    secret = _token(editor, "tỉnh")
    assert app.test_client().get("/api/v1/stations").status_code == 401
    cookie_only = editor.get("/api/v1/stations")  # the panel's session is no API credential
    assert cookie_only.status_code == 401 and cookie_only.mimetype == PROBLEM and "Thiếu mã API" in cookie_only.get_json()["detail"]
    wrong = app.test_client().get("/api/v1/stations", headers={"Authorization": "Bearer lx_sai"})
    assert wrong.status_code == 401 and "không đúng hoặc đã bị thu hồi" in wrong.get_json()["detail"]
    ok = app.test_client().get("/api/v1/stations", headers={"Authorization": f"Bearer {secret}"})
    assert ok.status_code == 200 and ok.get_json() == [{"slug": "cam-tan", "name": ok.get_json()[0]["name"], "role": "editor"}]
    assert "Set-Cookie" not in ok.headers

    token_id = re.search(r'/ma-api/(\d+)/thu-hoi', editor.get("/ma-api/").get_data(as_text=True)).group(1)
    assert editor.post(f"/ma-api/{token_id}/thu-hoi").status_code == 302
    revoked = app.test_client().get("/api/v1/stations", headers={"Authorization": f"Bearer {secret}"})
    assert revoked.status_code == 401 and "thu hồi" in revoked.get_json()["detail"]

    with app.app_context():
        from web.db import db
        session = db()
        past = SystemClock().now() - timedelta(days=10)
        _expired, old = create_api_token(session, session.scalar(select(User).where(User.username == "bientap")), "cũ", 1, past)
        session.commit()
    expired = app.test_client().get("/api/v1/stations", headers={"Authorization": f"Bearer {old}"})
    assert expired.status_code == 401 and "hết hạn" in expired.get_json()["detail"]
    other = app.test_client().get("/api/v1/stations/khong-co/slots", headers={"Authorization": f"Bearer {_token(editor, 'khác')}"})
    assert other.status_code == 403 and other.mimetype == PROBLEM


def test_an_id_past_the_databases_range_is_not_found_and_the_document_says_so(app):
    """5144982566 reached PostgreSQL as a query parameter and answered 500 (found by the API fuzzer)."""
    editor = Client(app, "bientap")
    headers = {"Authorization": f"Bearer {_token(Client(app, 'admin'), 'tỉnh')}"}  # an admin may do both calls
    for path in ("/api/v1/stations/cam-tan/scripts/5144982566/recordings", "/api/v1/stations/cam-tan/scripts/2147483648/approve",
                 "/api/v1/stations/cam-tan/scripts/2147483647/approve"):  # the last fits: a row that does not exist
        assert app.test_client().post(path, headers=headers).status_code == 404, path
    assert editor.get("/bai/2147483648").status_code == 404 and editor.post("/lich/buoi/5144982566/thu-tu", {}).status_code == 404
    # In a form's body: no such row, as for any other missing id (the use cases' NotFound: the panel's 404 page).
    assert editor.post("/chien-dich/bdg-2024/danh-sach-bai", {"script": "5144982566"}).status_code == 404
    assert Client(app, "pheduyet").post("/khan-cap/", {"title": "Thử", "script_id": "5144982566", "confirm": "yes"}).status_code == 404
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    bounds = {(path, p["name"]): (p["schema"].get("minimum"), p["schema"].get("maximum"))
              for path, item in spec["paths"].items() for op in item.values() if isinstance(op, dict)
              for p in op.get("parameters", []) + item.get("parameters", []) if p["in"] == "path" and p["schema"]["type"] == "integer"}
    assert bounds and set(bounds.values()) == {(0, 2147483647)}, bounds


def test_openapi_document_and_readable_page(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0" and spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert {"/api/v1/stations", "/api/v1/stations/{station}/plan", "/api/v1/stations/{station}/log", "/api/v1/stations/{station}/scripts"} <= set(spec["paths"])
    page = app.test_client().get("/api/v1/").get_data(as_text=True)
    assert "POST /api/v1/stations/{station}/scripts" in page and "cdn" not in page.lower() and "<script" not in page
    assert "POST /api/v1/bulletins" in page and "DELETE /api/v1/stations/{station}/slots/{slot_id}" in page
    assert re.search(r"Gửi <code>multipart/form-data</code>: <code>audio</code> \(bắt buộc\)", page)  # a recording's upload field
    assert re.search(r"Gửi <code>application/json</code>: <code>title</code> \(bắt buộc\)", page)


def test_reads_writes_and_their_audit_rows(app, demo_settings):
    populate(demo_settings)
    editor, approver = Client(app, "bientap"), Client(app, "pheduyet")
    as_editor = {"Authorization": f"Bearer {_token(editor, 'tỉnh')}"}
    as_approver = {"Authorization": f"Bearer {_token(approver, 'tỉnh')}"}
    http = app.test_client()
    base = "/api/v1/stations/cam-tan"

    assert [z["code"] for z in http.get(f"{base}/zones", headers=as_editor).get_json()][:1] == ["thon-1"]
    slots = http.get(f"{base}/slots", headers=as_editor).get_json()
    assert slots and re.fullmatch(r"\d\d:\d\d", slots[0]["start_time"])
    plan = http.get(f"{base}/plan?from=2024-11-19&to=2024-11-21", headers=as_editor).get_json()
    assert plan and all(b["planned_start"].startswith("2024-11-") for b in plan)
    backwards = http.get(f"{base}/plan?from=2024-11-21&to=2024-11-19", headers=as_editor)
    assert backwards.status_code == 400 and backwards.mimetype == PROBLEM and "thứ tự" in backwards.get_json()["detail"]
    missing = http.get(f"{base}/plan", headers=as_editor)
    assert missing.status_code == 422 and missing.mimetype == PROBLEM and "from" in missing.get_json()["errors"]["query"]

    first = http.get(f"{base}/log?limit=5", headers=as_editor).get_json()
    assert [r["seq"] for r in first["rows"]] == [1, 2, 3, 4, 5] and first["next_after_seq"] == 5
    second = http.get(f"{base}/log?limit=5&after_seq={first['next_after_seq']}", headers=as_editor).get_json()
    assert second["rows"][0]["seq"] == 6 and second["rows"][0]["row"]["station"] == "cam-tan"
    assert "bdg-2024" in [c["slug"] for c in http.get(f"{base}/campaigns", headers=as_editor).get_json()]

    seen = len(_audit(app))
    created = http.post(f"{base}/scripts", json={"title": "Tin từ tỉnh", "body": "Mời bà con họp."}, headers=as_editor)
    assert created.status_code == 201 and created.get_json()["status"] == "draft"
    rows = _audit(app)[seen:]
    assert [(r.action, r.actor_kind, r.actor, r.object_type, r.object_id) for r in rows] == [
        ("api_v1.script_create", "token", "bientap/tỉnh", "Script", str(created.get_json()["id"]))]
    empty = http.post(f"{base}/scripts", json={"title": "", "body": "x"}, headers=as_editor)
    assert empty.status_code == 400 and empty.mimetype == PROBLEM and empty.get_json()["field"] == "title"
    assert http.post(f"{base}/scripts", json={"title": "x"}, headers=as_editor).status_code == 422
    refused = http.post(f"{base}/campaigns/bdg-2024/approve", headers=as_editor)
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert http.post(f"{base}/campaigns/khong-co/approve", headers=as_approver).status_code == 404
    assert len(_audit(app)) == seen + 1  # refused and invalid calls wrote nothing


def test_a_province_script_through_the_api(app, demo_settings):
    """Create a slot, add a script, approve it, read the plan, the log and the campaign report: all with tokens."""
    populate(demo_settings)
    admin, editor, approver = Client(app, "admin"), Client(app, "bientap"), Client(app, "pheduyet")
    headers = {name: {"Authorization": f"Bearer {_token(client, 'tỉnh')}"} for name, client in (("admin", admin), ("editor", editor), ("approver", approver))}
    http, base = app.test_client(), "/api/v1/stations/cam-tan"
    seen = len(_audit(app))

    slot = http.post(f"{base}/slots", json={"name": "Buổi trưa", "start_time": "11:00", "duration_s": 900, "weekdays": "1-5"}, headers=headers["admin"])
    assert slot.status_code == 201 and (slot.get_json()["start_time"], slot.get_json()["weekdays"]) == ("11:00", "12345")
    assert http.post(f"{base}/slots", json={"name": "x", "start_time": "11:00", "duration_s": 900}, headers=headers["editor"]).status_code == 403
    overlap = http.post(f"{base}/slots", json={"name": "Trùng", "start_time": "11:05", "duration_s": 600}, headers=headers["admin"])
    assert overlap.status_code in (400, 409) and overlap.mimetype == PROBLEM
    script = http.post(f"{base}/scripts", json={"title": "Lịch tiêm phòng", "body": "Mời bà con đưa trẻ đi tiêm."}, headers=headers["editor"]).get_json()
    assert http.post(f"{base}/scripts/{script['id']}/approve", headers=headers["editor"]).status_code == 403
    approved = http.post(f"{base}/scripts/{script['id']}/approve", headers=headers["approver"])
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    assert [(r.action, r.actor) for r in _audit(app)[seen:]] == [
        ("api_v1.slot_create", "admin/tỉnh"), ("api_v1.script_create", "bientap/tỉnh"), ("api_v1.script_approve", "pheduyet/tỉnh")]

    plan = http.get(f"{base}/plan?from=2024-11-19&to=2024-11-21", headers=headers["approver"]).get_json()
    log = http.get(f"{base}/log?limit=500", headers=headers["approver"]).get_json()
    assert plan and log["rows"] and {r["row"]["broadcast_id"] for r in log["rows"]} <= {b["id"] for b in plan}
    report = http.get(f"{base}/campaigns/bdg-2024/report?from=2024-11-19&to=2024-11-21", headers=headers["approver"])
    assert report.status_code == 200 and report.is_json and "2024-11-19" in report.get_data(as_text=True)
    nothing = http.get(f"{base}/campaigns/bdg-2024/report?from=2025-01-01&to=2025-01-02", headers=headers["approver"])
    assert nothing.status_code == 400 and nothing.mimetype == PROBLEM and nothing.get_json()["detail"]  # days outside the campaign
