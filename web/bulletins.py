"""Bản tin tỉnh/huyện: write a bulletin once, send it to chosen communes and zones, follow what aired where."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from broadcast.errors import InvalidInput
from broadcast.models import Priority, Station
from broadcast.province.bulletins import MAY_SEND, PRIORITY_LABELS, TargetSpec, bulletin_status, list_bulletins, send_bulletin, sendable_stations
from web.db import db, settings
from web.helpers import attempt, saved_upload, tz, user_row

bp = Blueprint("bulletins", __name__, url_prefix="/ban-tin-tinh")


@bp.app_context_processor
def _nav() -> dict:
    def may_send_bulletins() -> bool:
        """Whether the logged-in user approves (or administers) at least one commune."""
        # From the roles loaded with the user: the menu is on every page and must not cost queries.
        return bool(current_user.is_authenticated and any(s.role in MAY_SEND for s in current_user.stations))

    return {"may_send_bulletins": may_send_bulletins}


def _stations() -> list[Station]:
    stations = sendable_stations(db(), user_row())
    if not stations:
        abort(403)
    return stations


def _when(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M").replace(tzinfo=tz())
    except ValueError:
        raise InvalidInput("Giờ phát không đúng: hãy chọn ngày và giờ, hoặc để trống.", field="when") from None


def _page(stations: list[Station], values: dict, errors: dict, chosen: dict[str, list[str]], status: int = 200):
    session = db()
    sent = [(b, bulletin_status(session, b)) for b in list_bulletins(session, [s.id for s in stations])]
    session.rollback()  # the page only reads: computed states are not stored from a GET
    return render_template("bulletins.html", stations=stations, values=values, errors=errors, chosen=chosen, sent=sent,
                           priorities=PRIORITY_LABELS), status


@bp.route("/", methods=["GET"])
@login_required
def index():
    """The bulletin form and the bulletins sent to the user's communes with their per-commune status."""
    return _page(_stations(), {"title": "", "text": "", "priority": "normal", "when": ""}, {}, {})


@bp.route("/", methods=["POST"])
@login_required
def send():
    """Send a bulletin to the chosen communes (and zones)."""
    stations = _stations()
    values = {k: request.form.get(k, "") for k in ("title", "text", "priority", "when")}
    chosen = {slug: request.form.getlist(f"zones-{slug}") for slug in request.form.getlist("stations")}
    upload = request.files.get("audio")
    with saved_upload(upload) as audio, attempt("targets") as outcome:
        targets = [TargetSpec(slug, tuple(zones)) for slug, zones in chosen.items()]
        priority = values["priority"] if values["priority"] in {p.value for p in Priority} else ""
        send_bulletin(db(), settings(), user_row(), values["title"], values["text"], priority or "?", targets, when=_when(values["when"]),
                      audio=audio, audio_name=upload.filename if audio is not None and upload is not None else None)
    if outcome.ok:
        flash("Đã gửi bản tin tới các xã đã chọn.", "success")
        return redirect(url_for("bulletins.index"))
    return _page(stations, values, outcome.errors, chosen, 400)
