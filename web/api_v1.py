"""/api/v1: the station for other systems, on personal API tokens, documented by OpenAPI 3.1 from these declarations.

flask-smorest (marshmallow schemas + apispec) was chosen because the schemas that parse and dump each call are the
ones the document is made from, and it mounts on the existing Flask app beside the panel. Every route calls the
panel's use cases; errors are application/problem+json with the Vietnamese sentence (web.problem).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import marshmallow as ma
from flask import current_app, render_template, request
from flask_smorest import Api, Blueprint
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.exceptions import HTTPException

from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import approve_campaign, get_campaign, list_campaigns
from broadcast.content.scripts import approve_script, create_script, get_script
from broadcast.errors import LoaxaError, NotFound
from broadcast.planning.queries import broadcasts_between
from broadcast.planning.slots import create_slot, list_slots
from broadcast.planning.windows import parse_weekdays
from broadcast.reports import build_report, render
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import SystemClock, check_day_order, local_day_bounds
from web import api_beside
from web.auth import ADMIN, ANY, APPROVE, EDIT, limit_blueprint, requires
from web.db import db, settings
from web.helpers import station, user_row
from web.problem import MEDIA_TYPE, problem

class _FormAndFilesParser(FlaskParser):
    """A multipart form's fields and files read as one (the API's `form` location), so one schema types them all."""

    def load_form(self, req, schema):  # type: ignore[no-untyped-def]
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


blp = Blueprint("api_v1", __name__, url_prefix="/api/v1", description="Đọc và ghi dữ liệu của đài bằng mã API cá nhân.")
blp.ARGUMENTS_PARSER = _FormAndFilesParser()
docs_page = Blueprint("api_v1_docs", __name__, url_prefix="/api/v1")
MAX_LOG_PAGE = 500
MAX_PLAN_DAYS = 62
# A LoaxaError's status by its type's name (NotFound 404, PermissionDenied 403, Conflict 409, anything else 400).
STATUS = {"NotFound": 404, "PermissionDenied": 403, "Conflict": 409}


class ProblemSchema(ma.Schema):
    """An error (RFC 9457): `detail` is the one Vietnamese sentence saying what is wrong and how to fix it."""

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    field = ma.fields.String(metadata={"description": "Trường gây lỗi, khi có"})
    errors = ma.fields.Dict()


class LoaxaApi(Api):
    """flask-smorest, with its errors kept to the API (the panel keeps its HTML error pages)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        """The error responses of the document, declared as problem+json (what web.problem sends)."""
        self.DEFAULT_RESPONSE_CONTENT_TYPE = MEDIA_TYPE
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE  # success responses stay application/json

    def _register_error_handlers(self) -> None:
        """None on the app: the API blueprint has its own (below)."""


def _http_problem(error: HTTPException):  # type: ignore[no-untyped-def]
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if messages:
        return problem(422, "Dữ liệu gửi lên không đúng: hãy sửa các trường nêu trong «errors» rồi gửi lại.", errors=messages)
    sentences = {403: "Tài khoản của mã API này không có quyền làm việc này.", 404: "Không có mục này.", 405: "Đường dẫn này không nhận phương thức này.",
                 429: "Mã API này đã gửi quá nhiều yêu cầu: hãy chờ theo số giây trong tiêu đề Retry-After rồi gửi tiếp (giới hạn do quản trị viên đặt)."}
    return problem(error.code or 500, sentences.get(error.code or 0, error.description or "Có lỗi."))


def _loaxa_problem(error: LoaxaError):  # type: ignore[no-untyped-def]
    db().rollback()
    field = getattr(error, "field", None)
    return problem(STATUS.get(type(error).__name__, 400), str(error), **({"field": field} if field else {}))


# Flask looks a handler up by status code first, app-wide, before by class: the panel's 403/404/500 pages would win
# over a class handler here, so the API names each code it may answer with.
for _code in (400, 401, 403, 404, 405, 409, 413, 422, 429, 500):
    blp.register_error_handler(_code, _http_problem)
blp.register_error_handler(HTTPException, _http_problem)
blp.register_error_handler(LoaxaError, _loaxa_problem)


def _caller_key() -> str:
    """Whom the rate limit counts: the bearer token a call carries (hashed), else the client's address."""
    header = request.headers.get("Authorization", "")
    secret = header[7:].strip() if header[:7].lower() == "bearer " else ""
    return "token:" + hashlib.sha256(secret.encode()).hexdigest() if secret else "address:" + (request.remote_addr or "")


# Per token, before the token is even looked up: a runaway script cannot load the station (Settings.api_rate_limit).
limit_blueprint(blp, lambda: settings().api_rate_limit, _caller_key)


class StationSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    role = ma.fields.String(required=True, metadata={"description": "Vai trò của chủ mã ở đài này"})


class ZoneSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)


class SlotSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    name = ma.fields.String(required=True)
    start_time = ma.fields.Time(required=True, format="%H:%M")
    duration_s = ma.fields.Integer(required=True)
    weekdays = ma.fields.String(required=True, metadata={"description": "Các thứ ISO, 1 = thứ Hai"})
    valid_from = ma.fields.Date(allow_none=True)
    valid_to = ma.fields.Date(allow_none=True)
    zone_ids = ma.fields.List(ma.fields.Integer(), required=True)
    campaign_id = ma.fields.Integer(allow_none=True)
    is_active = ma.fields.Boolean(required=True)


class DaysQuery(ma.Schema):
    start = ma.fields.Date(data_key="from", required=True, metadata={"description": "Ngày đầu (giờ của đài)"})
    end = ma.fields.Date(data_key="to", required=True, metadata={"description": "Ngày cuối, tính cả ngày đó"})


class BroadcastSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.Function(lambda b: b.kind.value, required=True)
    title = ma.fields.String(required=True)
    slot_id = ma.fields.Integer(allow_none=True)
    planned_start = ma.fields.AwareDateTime(required=True)
    slot_end = ma.fields.AwareDateTime(required=True)
    status = ma.fields.Function(lambda b: b.status.value, required=True)
    zone_ids = ma.fields.List(ma.fields.Integer(), required=True)


class LogQuery(ma.Schema):
    after_seq = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0), metadata={"description": "Trả các dòng có số thứ tự lớn hơn số này"})
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=MAX_LOG_PAGE))


class LogRowSchema(ma.Schema):
    seq = ma.fields.Integer(required=True)
    row_hash = ma.fields.String(required=True)
    row = ma.fields.Dict(required=True, metadata={"description": "Các trường xuất của nhật ký (như `loaxa log`)"})


class LogPageSchema(ma.Schema):
    rows = ma.fields.List(ma.fields.Nested(LogRowSchema), required=True)
    next_after_seq = ma.fields.Integer(allow_none=True, required=True, metadata={"description": "after_seq của trang sau; null khi hết"})


class CampaignSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    status = ma.fields.Function(lambda c: c.status.value, required=True)
    start_date = ma.fields.Date(required=True)
    end_date = ma.fields.Date(required=True)
    target_kind = ma.fields.String(required=True)
    target_value = ma.fields.Float(required=True)


class ScriptIn(ma.Schema):
    title = ma.fields.String(required=True)
    body = ma.fields.String(required=True)


class ScriptOut(ma.Schema):
    id = ma.fields.Integer(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Function(lambda s: s.status.value, required=True)
    version = ma.fields.Integer(required=True)


@blp.route("/stations")
@blp.response(200, StationSchema(many=True))
@requires(*ANY)
def stations():
    """Các đài mà mã API làm việc được, với vai trò của chủ mã ở từng đài."""
    from flask_login import current_user

    return [{"slug": c.slug, "name": c.name, "role": c.role.value} for c in current_user.stations]


@blp.route("/stations/<station>/zones")
@blp.response(200, ZoneSchema(many=True))
@requires(*ANY)
def zones(station: str):  # noqa: ARG001 - the guard chose the station from the URL
    """Các cụm loa (thôn) của đài."""
    return list(api_station().zones)


@blp.route("/stations/<station>/slots")
@blp.response(200, SlotSchema(many=True))
@requires(*ANY)
def slots(station: str):  # noqa: ARG001
    """Các buổi phát hằng ngày của đài."""
    return list_slots(db(), api_station())


@blp.route("/stations/<station>/plan")
@blp.arguments(DaysQuery, location="query", as_kwargs=True)
@blp.response(200, BroadcastSchema(many=True))
@requires(*ANY)
def plan(station: str, start, end):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Các buổi phát đã lập lịch trong các ngày from..to (giờ của đài)."""
    check_day_order(start, end, "to")
    if (end - start) > timedelta(days=MAX_PLAN_DAYS):
        raise_invalid(f"Khoảng ngày dài quá {MAX_PLAN_DAYS} ngày: hãy hỏi từng đoạn ngắn hơn.", "to")
    st = api_station()
    tz = station_tz(st)
    return broadcasts_between(db(), st, local_day_bounds(start, tz)[0], local_day_bounds(end, tz)[1])


@blp.route("/stations/<station>/log")
@blp.arguments(LogQuery, location="query", as_kwargs=True)
@blp.response(200, LogPageSchema)
@requires(*ANY)
def log(station: str, after_seq: int, limit: int):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Nhật ký phát sóng theo số thứ tự dòng, từng trang (dùng next_after_seq để lấy trang sau)."""
    st = api_station()
    tz = station_tz(st)
    entries = asrun.rows_after(db(), st.id, after_seq, limit + 1)
    more = len(entries) > limit
    entries = entries[:limit]
    return {"rows": [{"seq": e.seq, "row_hash": e.row_hash, "row": asrun.export_row(e, st, tz)} for e in entries],
            "next_after_seq": entries[-1].seq if more else None}


@blp.route("/stations/<station>/campaigns")
@blp.response(200, CampaignSchema(many=True))
@requires(*ANY)
def campaigns(station: str):  # noqa: ARG001
    """Các chiến dịch của đài."""
    return list_campaigns(db(), api_station())


@blp.route("/stations/<station>/campaigns/<slug>/approve", methods=["POST"])
@blp.response(200, CampaignSchema)
@requires(*APPROVE)
def campaign_approve(station: str, slug: str):  # noqa: ARG001
    """Duyệt một chiến dịch (người phê duyệt)."""
    campaign = approve_campaign(db(), get_campaign(db(), api_station(), slug), user_row())
    db().commit()
    return campaign


@blp.route("/stations/<station>/scripts", methods=["POST"])
@blp.arguments(ScriptIn)
@blp.response(201, ScriptOut)
@requires(*EDIT)
def script_create(data, station: str):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Thêm một bài (bản nháp) như biên tập viên viết trong bảng quản trị."""
    script = create_script(db(), api_station(), data["title"], data["body"], user_row())
    db().commit()
    return script


@blp.route("/stations/<station>/scripts/<int:script_id>/approve", methods=["POST"])
@blp.response(200, ScriptOut)
@requires(*APPROVE)
def script_approve(station: str, script_id: int):  # noqa: ARG001
    """Duyệt một bài để phát (người phê duyệt)."""
    script = approve_script(db(), get_script(db(), api_station(), script_id), user_row())
    db().commit()
    return script


class SlotIn(ma.Schema):
    name = ma.fields.String(required=True)
    start_time = ma.fields.String(required=True, metadata={"description": "Giờ bắt đầu HH:MM (giờ của đài)"})
    duration_s = ma.fields.Integer(required=True, validate=ma.validate.Range(min=60, max=4 * 3600))
    weekdays = ma.fields.String(load_default="1234567")


@blp.route("/stations/<station>/slots", methods=["POST"])
@blp.arguments(SlotIn)
@blp.response(201, SlotSchema)
@requires(*ADMIN)
def slot_create(data, station: str):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Thêm một buổi phát hằng ngày (quản trị); bị từ chối nếu trùng giờ buổi khác."""
    slot = create_slot(db(), api_station(), data["name"], data["start_time"], duration_s=data["duration_s"], weekdays=parse_weekdays(data["weekdays"]))
    db().commit()
    return slot


class ReportQuery(ma.Schema):
    start = ma.fields.Date(data_key="from", load_default=None)
    end = ma.fields.Date(data_key="to", load_default=None)


@blp.route("/stations/<station>/campaigns/<slug>/report")
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.doc(responses={"200": {"description": "Báo cáo chiến dịch (như `loaxa report --format json`)",
                            "content": {"application/json": {"schema": {"type": "object"}}}}})
@requires(*ANY)
def campaign_report(station: str, slug: str, start, end):  # type: ignore[no-untyped-def]  # noqa: ARG001
    """Báo cáo kết quả chiến dịch tính từ nhật ký phát sóng, dạng JSON."""
    now = SystemClock().now()
    report = build_report(db(), api_station(), get_campaign(db(), api_station(), slug), start, end, now=now)
    body = render(report, "json", now.astimezone(station_tz(api_station())).date()).decode("utf-8-sig")
    return current_app.response_class(body, mimetype="application/json")


def raise_invalid(message: str, field: str) -> None:
    from broadcast.errors import InvalidInput

    raise InvalidInput(message, field=field)


def api_station():  # type: ignore[no-untyped-def]
    """The station the guard admitted the call for."""
    found = station()
    if found is None:
        raise NotFound("Không có đài này.")
    return found


@docs_page.route("/")
def readable():
    """The API described for people: the OpenAPI document rendered as a page (no script, nothing from a CDN)."""
    return render_template("api.html", spec=current_app.extensions["loaxa_api"].spec.to_dict())


def init_app(app, *route_modules) -> None:  # type: ignore[no-untyped-def]
    """Mount /api/v1 (with the routes the imported route_modules added to its blueprint) and its document on the app."""
    app.config.update(API_TITLE="loaxa", API_VERSION="1", OPENAPI_VERSION="3.1.0", OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json")
    api = LoaxaApi(app, spec_kwargs={"security": [{"bearer": []}]})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.register_blueprint(blp)
    api_beside.document(api.spec, app)  # the commune players' and receivers' APIs, registered before this one
    app.register_blueprint(docs_page)
    app.extensions["loaxa_api"] = api
