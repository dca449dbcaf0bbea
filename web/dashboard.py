"""Trang chủ: today's programme, what is on air and today's log."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from broadcast import asrun
from broadcast.models import Broadcast, PlayerHeartbeat
from broadcast.stations import get_station, station_tz
from broadcast.timeutil import SystemClock, local_day_bounds
from web.db import db, settings

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def home():
    """Today's broadcasts with their items, and the log of today."""
    session = db()
    station = get_station(session, settings().station)
    tz = station_tz(station)
    now = SystemClock().now()
    start, end = local_day_bounds(now.astimezone(tz).date(), tz)
    broadcasts = session.scalars(
        select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.planned_start >= start, Broadcast.planned_start < end).order_by(Broadcast.planned_start)
    ).all()
    log_rows = asrun.query_rows(session, station.id, start, end)
    beat = session.get(PlayerHeartbeat, station.id)
    player_alive = beat is not None and (now - beat.beat_at).total_seconds() < max(3 * settings().sync_interval_s, 30)
    return render_template("home.html", station=station, broadcasts=broadcasts, log_rows=log_rows, now=now, player_alive=player_alive, beat=beat)
