"""The audit trail from the panel: one row per request that changes something, none for a refused one."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from broadcast.audit import trail
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import AuditEntry, Base, Script
from tests.web.conftest import Client, csrf_of, populate
from tests.web.test_security import BEARER_API, PUBLIC, TOKEN_API, _url

# Endpoints that write a row without changing any table: exporting a report is an action the trail keeps.
NOTE_ONLY = {"reports.download"}


def _state(settings) -> tuple[str, list[AuditEntry]]:
    """A digest of every row of every table but the trail, and the trail's rows."""
    engine = make_engine(settings.db_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            digest = hashlib.sha256()
            for table in Base.metadata.sorted_tables:
                if table.name != "audit_log":
                    for row in session.execute(select(table).order_by(*table.primary_key.columns)):
                        digest.update(repr(tuple(row)).encode())
            rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
            session.expunge_all()
            return digest.hexdigest(), rows
    finally:
        engine.dispose()


class Watch:
    """The rows a block of requests added to the trail, and whether the station's tables changed."""

    def __init__(self, settings):
        self.settings = settings
        self.before, rows = _state(settings)
        self.seen = len(rows)

    def added(self) -> tuple[bool, list[AuditEntry]]:
        after, rows = _state(self.settings)
        changed, new = after != self.before, rows[self.seen:]
        self.before, self.seen = after, len(rows)
        return changed, new


def test_walk_every_route_a_row_exactly_when_something_changed(app, demo_settings):
    """Every route, every method, as the admin with an empty form: a change has its one row (by admin, naming the endpoint), no change none."""
    admin = Client(app, "admin")
    watch = Watch(demo_settings)
    changed_endpoints, tried = [], 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in PUBLIC or rule.endpoint.startswith((*TOKEN_API, BEARER_API)) or rule.endpoint == "auth.logout":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = admin.http.open(_url(rule), method=method, data={"csrf_token": admin.token} if method == "POST" else None)
            assert response.status_code < 500, (rule.rule, method)
            tried += 1
            changed, new = watch.added()
            if changed or rule.endpoint in NOTE_ONLY and response.status_code == 200:
                assert len(new) == 1, (rule.rule, method, [r.action for r in new])
                assert new[0].actor == "admin" and new[0].actor_kind == "user" and new[0].action.split(":")[0] == rule.endpoint
                changed_endpoints.append(rule.endpoint)
            else:
                assert new == [], (rule.rule, method, [r.action for r in new])
    assert tried > 60
    assert len(changed_endpoints) >= 3, changed_endpoints  # the walk did reach writes (e.g. the voice and station settings)


def _one(watch: Watch, action: str, actor: str, object_type: str, object_id: str | None = None) -> AuditEntry:
    changed, new = watch.added()
    assert [r.action for r in new] == [action] and new[0].actor == actor and new[0].object_type == object_type, [(r.action, r.actor, r.object_type) for r in new]
    if object_id is not None:
        assert new[0].object_id == object_id
    return new[0]


def _none(watch: Watch) -> None:
    changed, new = watch.added()
    assert not changed and new == []


def test_each_action_writes_one_row_with_its_user_and_object(app, demo_settings):
    populate(demo_settings)  # three aired days to report on
    watch = Watch(demo_settings)
    editor = Client(app, "bientap")
    _one(watch, "auth.login", "bientap", "User")
    approver, admin = Client(app, "pheduyet"), Client(app, "admin")
    watch.added()

    created = editor.post("/bai/moi", {"title": "Thông báo họp", "body": "Mời bà con họp lúc 8 giờ."})
    script_id = created.headers["Location"].rsplit("/", 1)[-1]
    row = _one(watch, "scripts.new", "bientap", "Script", script_id)
    assert row.object_title == "Thông báo họp" and row.client == "127.0.0.1" and row.station_id is not None

    assert editor.post(f"/bai/{script_id}", {"title": "Thông báo họp thôn", "body": "Mời bà con họp lúc 8 giờ."}).status_code == 302
    row = _one(watch, "scripts.edit", "bientap", "Script", script_id)
    assert '"title":["Thông báo họp","Thông báo họp thôn"]' in row.changes

    assert editor.post(f"/phe-duyet/{script_id}/duyet").status_code == 403  # refused: no row
    _none(watch)
    assert approver.post(f"/phe-duyet/{script_id}/tra-lai", {"comment": ""}).status_code == 400  # invalid: no row
    _none(watch)
    assert approver.post(f"/phe-duyet/{script_id}/duyet").status_code == 302
    assert '"status":["' in _one(watch, "approval.approve", "pheduyet", "Script", script_id).changes

    assert admin.post("/nguoi-dung", {"action": "add", "username": "moi", "password": "matkhau-dai-2024", "role": "viewer", "full_name": "Người mới"}).status_code == 302
    row = _one(watch, "admin.user_action:add", "admin", "User")
    assert "matkhau" not in row.changes
    assert admin.post("/nguoi-dung", {"action": "password", "username": "moi", "password": "matkhau-khac-2024"}).status_code == 302
    row = _one(watch, "admin.user_action:password", "admin", "User")
    assert row.object_title and "matkhau" not in row.changes and "***" in row.changes
    assert admin.post("/nguoi-dung", {"action": "lock", "username": "moi"}).status_code == 302
    assert '"is_active":[true,false]' in _one(watch, "admin.user_action:lock", "admin", "User").changes

    assert admin.get("/bao-cao/bdg-2024/tai?dinh_dang=json&tu=19/11/2024&den=21/11/2024").status_code == 200
    assert _one(watch, "reports.download", "admin", "Campaign").changes == '{"format":"json","from":"19/11/2024","to":"21/11/2024"}'
    assert admin.get("/bao-cao/bdg-2024/tai?dinh_dang=pdf").status_code == 400  # refused: no row
    _none(watch)

    assert editor.post("/dang-xuat").status_code == 302
    _one(watch, "auth.logout", "bientap", "User")
    client = app.test_client()
    token = csrf_of(client.get("/dang-nhap").get_data(as_text=True))
    assert client.post("/dang-nhap", data={"csrf_token": token, "username": "bientap", "password": "sai"}).status_code == 200
    row = _one(watch, "auth.login_failed", "bientap", "User")
    assert row.actor_kind == "anonymous"


def test_a_deleted_object_keeps_its_rows_and_the_chain_verifies(app, demo_settings):
    admin = Client(app, "admin")
    watch = Watch(demo_settings)
    created = admin.post("/bai/moi", {"title": "Bài sẽ xóa", "body": "Nội dung."})
    script_id = int(created.headers["Location"].rsplit("/", 1)[-1])
    watch.added()
    with app.app_context():
        from web.db import db
        session = db()
        session.delete(session.get(Script, script_id))
        session.commit()  # outside a request: not an audited action
        rows = trail.query(session, trail.AuditFilter(object_type="Script", object_id=str(script_id)))
        assert [r.object_title for r in rows] == ["Bài sẽ xóa"]
        assert trail.verify(session).ok


def test_the_page_filters_and_exports_csv_for_approvers_only(app, demo_settings):
    admin, viewer, approver = Client(app, "admin"), Client(app, "xem"), Client(app, "pheduyet")
    admin.post("/bai/moi", {"title": "Tin trên trang nhật ký", "body": "Nội dung."})
    assert viewer.get("/nhat-ky-thao-tac/").status_code == 403
    html = approver.get("/nhat-ky-thao-tac/?nguoi=admin").get_data(as_text=True)
    assert "Tin trên trang nhật ký" in html and "scripts.new" in html and "Viết bài mới" in html  # the code and its name
    assert "Tin trên trang nhật ký" not in approver.get("/nhat-ky-thao-tac/?nguoi=pheduyet").get_data(as_text=True)
    csv = approver.get("/nhat-ky-thao-tac/xuat.csv?thao_tac=scripts.").get_data(as_text=True).lstrip("\ufeff")
    lines = csv.splitlines()
    assert lines[0] == ",".join(trail.EXPORT_FIELDS) and len(lines) == 2 and "Tin trên trang nhật ký" in lines[1]
    assert "Viết bài mới" in lines[1]
    script_id = lines[1].split(",")[trail.EXPORT_FIELDS.index("object_id")]
    page = approver.get(f"/bai/{script_id}").get_data(as_text=True)
    history = re.search(r'href="(/nhat-ky-thao-tac/\?[^"]+)"', page).group(1).replace("&amp;", "&")
    assert "Tin trên trang nhật ký" in approver.get(history).get_data(as_text=True)
    campaign = approver.get("/chien-dich/bdg-2024").get_data(as_text=True)
    assert "loai=Campaign" in campaign and "loai=Campaign" not in viewer.get("/chien-dich/bdg-2024").get_data(as_text=True)
    wrong = approver.get("/nhat-ky-thao-tac/?tu=10/12/2024&den=01/12/2024")
    assert wrong.status_code == 400 and "thứ tự ngày" in wrong.get_data(as_text=True)
