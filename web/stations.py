"""Many stations in one panel: switching the station worked on, and the province status page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from broadcast.station_overview import station_overview
from broadcast.timeutil import SystemClock
from broadcast.users import ROLE_LABELS
from web.auth import STATION_KEY
from web.db import db, settings

bp = Blueprint("stations", __name__)


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
                            stale_after_s=max(3 * settings().sync_interval_s, 30), late_grace_s=settings().late_grace_s)
    roles = {c.id: c.role for c in current_user.stations}
    return render_template("stations.html", rows=rows, roles=roles, role_labels=ROLE_LABELS, now=now)
