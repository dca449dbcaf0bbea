"""JSON API the receivers in the thôn report to (bearer token of the receiver)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from werkzeug.exceptions import Unauthorized

from broadcast.errors import PermissionDenied

from broadcast.receivers import intake
from broadcast.timeutil import SystemClock
from web import api_edge
from web.db import db

bp = Blueprint("api_receivers", __name__, url_prefix="/api/receivers/v1")
# Same answers as the edge API: {"error": sentence} with 400/403/404/409, and nothing half-saved.
bp.register_error_handler(Exception, api_edge.json_error)


@bp.post("/report")
def report():  # type: ignore[no-untyped-def]
    """Store one receiver report; a wrong token, unknown zone, replayed counter or bad body is refused."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    try:
        receiver = intake.receiver_for_token(db(), token)
    except PermissionDenied as exc:
        raise Unauthorized(description=str(exc)) from None
    row = intake.accept_report(db(), receiver, request.get_json(silent=True), SystemClock().now())
    db().commit()
    return jsonify(ok=True, counter=row.counter)


def init_app(app) -> None:  # type: ignore[no-untyped-def]
    """Register the API without CSRF (it is authenticated by bearer token, not a cookie)."""
    from web import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)
