"""JSON and file API that commune players sync from: plan window, audio by hash, as-run log upload."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, jsonify, request, send_file
from werkzeug.exceptions import HTTPException, Unauthorized

from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied, operator_errors
from broadcast.models import Station
from broadcast.province import central as edge_central
from broadcast.timeutil import SystemClock
from web.db import db

bp = Blueprint("api_edge", __name__, url_prefix="/api/edge/v1")
_STATUS = {PermissionDenied: 403, NotFound: 404, Conflict: 409, InvalidInput: 400}


def _station() -> Station:
    """The station of the request's bearer token."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    try:
        return edge_central.station_for_token(db(), token, SystemClock().now())
    except PermissionDenied as exc:
        raise Unauthorized(description=str(exc)) from None


@bp.errorhandler(Exception)
def json_error(exc: Exception):  # type: ignore[no-untyped-def]
    """Operator errors as JSON {"error": sentence} with a fitting status; nothing half-saved."""
    db().rollback()
    if isinstance(exc, HTTPException):
        return jsonify(error=exc.description), exc.code
    if not isinstance(exc, operator_errors()):
        raise exc
    status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
    return jsonify(error=str(exc)), status


@bp.get("/plan")
def plan():  # type: ignore[no-untyped-def]
    """Broadcasts planned in [from, to) with their items, zones and audio hashes."""
    station = _station()
    now = SystemClock().now()
    start = edge_central.parse_iso(request.args.get("from"), "from") or now
    end = edge_central.parse_iso(request.args.get("to"), "to") or start + timedelta(days=2)
    body = edge_central.plan_window(db(), station, start, end, now)
    db().commit()
    return jsonify(body)


@bp.get("/audio/<sha256>")
def audio(sha256: str):  # type: ignore[no-untyped-def]
    """One audio file found by its content hash among the token's station's files."""
    station = _station()
    path = edge_central.audio_path_for(db(), station, sha256)
    db().commit()
    response = send_file(path, mimetype="application/octet-stream", conditional=False, etag=sha256)
    response.headers["X-Content-SHA256"] = sha256
    return response


@bp.get("/log/head")
def log_head():  # type: ignore[no-untyped-def]
    """The last log row stored centrally for the token's station."""
    station = _station()
    head = edge_central.log_head(db(), station)
    db().commit()
    return jsonify(head)


@bp.post("/log")
def log_rows():  # type: ignore[no-untyped-def]
    """Append a player's log rows verbatim (idempotent by seq; a broken chain is refused with 409)."""
    station = _station()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("rows"), list):
        raise InvalidInput('Thân yêu cầu phải là JSON {"rows": [...]}.', field="rows")
    result = edge_central.ingest_log(db(), station, body["rows"])
    db().commit()
    return jsonify(result)


@bp.post("/status")
def status():  # type: ignore[no-untyped-def]
    """Store a commune player's heartbeat and its receivers' status (sent with each log upload)."""
    station = _station()
    result = edge_central.ingest_status(db(), station, request.get_json(silent=True), SystemClock().now())
    db().commit()
    return jsonify(result)


def init_app(app) -> None:  # type: ignore[no-untyped-def]
    """Register the API without CSRF (it is authenticated by bearer token, not a cookie)."""
    from web import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
