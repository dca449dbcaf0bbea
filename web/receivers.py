"""Máy thu: each thôn's receivers, their status and outage history; the tiles of the home page come from the same board."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import login_required

from broadcast.models import Broadcast, Station
from broadcast.playout.status import PanelWarning
from broadcast.receivers import board
from broadcast.receivers.listeners import admin_access, receivers_listening
from broadcast.stations.lookup import station_tz, zone_mount
from broadcast.timeutil import SystemClock
from web.db import db, settings
from web.helpers import station as current_station

bp = Blueprint("receivers", __name__)
# A broadcast starting within this window gets a warning when a zone it targets has no receiver online.
WARN_AHEAD = timedelta(hours=2)


def zone_board(station: Station, now: datetime) -> list[board.ZoneState]:
    """The station's zones with their receivers' status, Icecast's listener list included when it can be asked."""
    session = db()
    if not board.has_receivers(session, station.id):
        return []
    s = settings()
    counts = receivers_listening(admin_access(s.icecast_url, s.icecast_admin_user, s.icecast_admin_password),
                                 [zone_mount(station, z) for z in station.zones])
    return board.zone_board(session, station, now, counts)


def warnings(station: Station, zones: list[board.ZoneState], upcoming: list[Broadcast], now: datetime) -> list[PanelWarning]:
    """Open receiver alerts, and broadcasts soon that a targeted thôn would not hear (no receiver online there)."""
    tz = station_tz(station)
    out = [PanelWarning("bad", _("Máy thu %(name)s (%(zone)s): %(why)s", name=receiver.name, zone=zone.name, why=outage.reason), "receivers.index")
           for outage, receiver, zone in board.open_alerts(db(), station)]
    for broadcast in upcoming:
        if broadcast.planned_start - now > WARN_AHEAD:
            continue
        deaf = board.unready_zones(zones, broadcast.zone_ids or [])
        if deaf:
            out.append(PanelWarning("warn", _("Buổi “%(title)s” lúc %(time)s: %(zones)s không có máy thu nào đang nghe.", title=broadcast.title,
                                              time=broadcast.planned_start.astimezone(tz).strftime("%H:%M"),
                                              zones=", ".join(z.zone.name for z in deaf)), "receivers.index"))
    return out


@bp.route("/may-thu")
@login_required
def index():
    """Receivers per thôn with their last report, and the outage history."""
    station = current_station()
    now = SystemClock().now()
    return render_template("receivers.html", station=station, zones=zone_board(station, now), now=now,
                           history=board.outage_history(db(), station), tz=station_tz(station))
