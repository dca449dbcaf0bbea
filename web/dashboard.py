"""Trang chủ: what is on air, the next broadcasts, today's log and warnings."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from broadcast.models import PlayerHeartbeat
from broadcast.playout.status import latest_log, on_air, on_air_progress, player_alive, player_stale_after_s, upcoming, warnings
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import SystemClock, local_day_bounds
from web import receivers as receiver_views
from web.db import db, settings
from web.helpers import station as current_station

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def home():
    """The on-air page."""
    session = db()
    station = current_station()
    tz = station_tz(station)
    now = SystemClock().now()
    start, end = local_day_bounds(now.astimezone(tz).date(), tz)
    playing = on_air(session, station, now)
    elapsed, total = on_air_progress(playing, now)
    beat = session.get(PlayerHeartbeat, station.id)
    soon = upcoming(session, station, now)
    zones = receiver_views.zone_board(station, now)
    return render_template(
        "home.html", station=station, playing=playing, elapsed=elapsed, remaining=max(total - elapsed, 0.0), total=total,
        upcoming=soon, log_rows=latest_log(session, station, start, end),
        warnings=receiver_views.warnings(station, zones, list(soon), now) + list(warnings(session, station, now, tz)),
        player_alive=player_alive(beat.beat_at if beat else None, now, player_stale_after_s(settings().sync_interval_s)), beat=beat, now=now, zones=zones,
    )
