"""Many stations in one panel: switching the station worked on, and the province status page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from broadcast.playout.status import player_stale_after_s
from broadcast.province.overview import station_overview
from broadcast.stations.users import ROLE_LABELS
from broadcast.timeutil import SystemClock
from web.auth import STATION_KEY
from web.db import db, settings

bp = Blueprint("stations", __name__)
# Posts that mean the same at any station.
ANY_STATION = {"stations.switch", "auth.logout", "auth.login", "i18n.switch_language", "static"}
STALE_PAGE = "Trang này là của đài khác (bạn đã đổi đài ở cửa sổ khác): hãy tải lại trang rồi làm lại."


@bp.before_app_request
def refuse_posts_from_another_stations_page():  # type: ignore[no-untyped-def]
    """A form from a page of station A must not change station B after a switch in another tab."""
    if request.method != "POST" or request.endpoint in ANY_STATION or not current_user.is_authenticated:
        return None
    sent = request.headers.get("X-Loaxa-Station") or request.form.get("_station", "")
    if not sent or sent == str(current_user.station_id):
        return None  # pages without the panel's script send nothing: nothing to compare
    if request.accept_mimetypes.best == "application/json" or request.is_json:
        return jsonify(ok=False, error=STALE_PAGE), 409
    return render_template("error.html", title="Đã đổi đài", message=STALE_PAGE), 409


@bp.route("/doi-dai", methods=["POST"])
@login_required
def switch():
    """Work on another of the user's stations (the role becomes the one held there)."""
    wanted = request.form.get("station_id", "")
    choice = next((c for c in current_user.stations if str(c.id) == wanted), None)
    if choice is None:
        abort(404)  # not one of the user's stations: say nothing about whether it exists
    session[STATION_KEY] = choice.id
    flash(f"Đang làm việc với {choice.name}.", "success")
    return redirect(url_for("dashboard.home"))


@bp.route("/toan-tinh")
@login_required
def overview():
    """Every station the user can see on one page: on air, last broadcast, missed today, campaign progress."""
    now = SystemClock().now()
    rows = station_overview(db(), [c.id for c in current_user.stations], now,
                            stale_after_s=player_stale_after_s(settings().sync_interval_s), late_grace_s=settings().late_grace_s)
    roles = {c.id: c.role for c in current_user.stations}
    return render_template("stations.html", rows=rows, roles=roles, role_labels=ROLE_LABELS, now=now)
