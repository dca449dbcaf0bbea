"""Lịch phát sóng: month calendar, day view with items, one-off broadcasts."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcast.extra_broadcasts import add_one_off
from broadcast.models import Broadcast, Campaign, ContentStatus, Slot
from broadcast.stations import station_tz
from broadcast.timeutil import SystemClock, local_day_bounds
from web.auth import ANY, EDIT, requires
from web.db import db, settings
from web.helpers import attempt, parse_date, station, today, user_row

bp = Blueprint("schedule", __name__, url_prefix="/lich")
WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


def _month_arg() -> date:
    text = request.args.get("thang", "")
    try:
        year, month = (int(x) for x in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        return today().replace(day=1)


@bp.route("/")
@requires(*ANY)
def month():
    """A month of broadcasts, campaign days marked."""
    session, st = db(), station()
    tz = station_tz(st)
    first = _month_arg()
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start, _ = local_day_bounds(first, tz)
    _, end = local_day_bounds(last, tz)
    per_day: dict[date, list[Broadcast]] = defaultdict(list)
    for b in session.scalars(select(Broadcast).where(Broadcast.station_id == st.id, Broadcast.planned_start >= start, Broadcast.planned_start < end).order_by(Broadcast.planned_start)):
        per_day[b.planned_start.astimezone(tz).date()].append(b)
    campaigns = session.scalars(select(Campaign).where(Campaign.station_id == st.id, Campaign.status == ContentStatus.APPROVED,
                                                      Campaign.start_date <= last, Campaign.end_date >= first)).all()
    weeks = calendar.Calendar().monthdatescalendar(first.year, first.month)
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (last + timedelta(days=1))
    slots = session.scalars(select(Slot).where(Slot.station_id == st.id, Slot.is_active.is_(True)).order_by(Slot.start_time)).all()
    return render_template("schedule/month.html", first=first, weeks=weeks, per_day=per_day, campaigns=campaigns, weekdays=WEEKDAYS,
                           prev_month=prev_month, next_month=next_month, today=today(), slots=slots)


@bp.route("/ngay/<day>", methods=["GET"])
@requires(*ANY)
def day(day: str):
    """One day's broadcasts with their items and durations."""
    session, st = db(), station()
    tz = station_tz(st)
    the_day = parse_date(day, today())
    start, end = local_day_bounds(the_day, tz)
    broadcasts = session.scalars(select(Broadcast).where(Broadcast.station_id == st.id, Broadcast.planned_start >= start, Broadcast.planned_start < end).order_by(Broadcast.planned_start)).all()
    return render_template("schedule/day.html", day=the_day, broadcasts=broadcasts, zones=st.zones, values={}, errors={},
                           prev_day=the_day - timedelta(days=1), next_day=the_day + timedelta(days=1))


@bp.route("/phat-mot-lan", methods=["POST"])
@requires(*EDIT)
def add_extra():
    """Add a one-off broadcast of a typed message."""
    session, st = db(), station()
    tz = station_tz(st)
    values = {k: request.form.get(k, "") for k in ("title", "text", "date", "time")}
    zone_ids = [int(z) for z in request.form.getlist("zones") if z.isdigit()]
    the_day = parse_date(values["date"])
    match = re.match(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$", values["time"])
    at = time(int(match.group(1)), int(match.group(2))) if match and int(match.group(1)) < 24 and int(match.group(2)) < 60 else None
    start = datetime.combine(the_day, at, tzinfo=tz) if the_day and at else None
    with attempt("title") as outcome:
        add_one_off(session, settings(), st, values["title"], values["text"], start, zone_ids, SystemClock().now(), user_row())
    if outcome.ok:
        flash("Đã thêm buổi phát một lần.", "success")
        return redirect(url_for("schedule.day", day=the_day.isoformat()))
    shown = the_day or today()
    start_b, end_b = local_day_bounds(shown, tz)
    broadcasts = session.scalars(select(Broadcast).where(Broadcast.station_id == st.id, Broadcast.planned_start >= start_b, Broadcast.planned_start < end_b).order_by(Broadcast.planned_start)).all()
    return render_template("schedule/day.html", day=shown, broadcasts=broadcasts, zones=st.zones, values=values, chosen=zone_ids,
                           errors=outcome.errors, prev_day=shown - timedelta(days=1), next_day=shown + timedelta(days=1)), 400
