"""Lịch phát sóng: month calendar, day view with items, one-off broadcasts."""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from broadcast.campaigns.queries import approved_campaign_fields_between, approved_campaigns_between
from broadcast.content.queries import approved_scripts
from broadcast.models import Broadcast, Campaign, Slot, is_unstarted
from broadcast.planning.edits import add_script, reorder_items
from broadcast.planning.oneoff import schedule_message
from broadcast.planning.queries import active_slot_fields, active_slots, broadcast_fields_between, broadcasts_between
from broadcast.planning.windows import SHORT_NAMES
from broadcast.timeutil import SystemClock, local_day_bounds
from web.auth import ANY, EDIT, requires
from web.db import db, settings
from web.helpers import attempt, form_ids, parse_date, station, today, tz, user_row
from web.page_cache import cached_page, shows

bp = Blueprint("schedule", __name__, url_prefix="/lich")
WEEKDAYS = tuple(SHORT_NAMES.values())


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
    session, station_id, zone = db(), current_user.station_id, tz()
    first = _month_arg()
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(last, zone)
    # Read as plain fields: a kept page costs these three small reads only.
    shown = (first, today(), active_slot_fields(session, station_id, *SLOT_SHOWN),
             approved_campaign_fields_between(session, station_id, first, last, *CAMPAIGN_SHOWN),
             broadcast_fields_between(session, station_id, start, end, *BROADCAST_SHOWN))
    return cached_page("schedule.month", shown, lambda: _month_page(first, last, start, end))


# Every field month.html reads of each row (a field added there must be added here): the month page's key.
SLOT_SHOWN = (Slot.name, Slot.start_time, Slot.duration_s)
CAMPAIGN_SHOWN = (Campaign.slug, Campaign.start_date, Campaign.end_date)
BROADCAST_SHOWN = (Broadcast.planned_start, Broadcast.status, Broadcast.kind, Broadcast.title)


def _month_page(first: date, last: date, start: datetime, end: datetime) -> tuple[str, tuple]:
    """The month calendar (each day's broadcasts, the campaigns running, the active slots) and what it shows of them."""
    session, st, zone = db(), station(), tz()
    broadcasts = broadcasts_between(session, st, start, end)
    campaigns = approved_campaigns_between(session, st, first, last)
    slots = active_slots(session, st)
    per_day: dict[date, list[Broadcast]] = defaultdict(list)
    for b in broadcasts:
        per_day[b.planned_start.astimezone(zone).date()].append(b)
    html = render_template("schedule/month.html", first=first, weeks=calendar.Calendar().monthdatescalendar(first.year, first.month),
                           per_day=per_day, campaigns=campaigns, weekdays=WEEKDAYS, prev_month=(first - timedelta(days=1)).replace(day=1),
                           next_month=last + timedelta(days=1), today=today(), slots=slots)
    return html, (first, today(), shows(slots, *SLOT_SHOWN), shows(campaigns, *CAMPAIGN_SHOWN), shows(broadcasts, *BROADCAST_SHOWN))


def _day_page(the_day: date, values: dict | None = None, errors: dict | None = None, chosen: list[int] | None = None, status: int = 200):
    """The day view: broadcasts with items, the scripts that may be added, the one-off form."""
    session, st = db(), station()
    start, end = local_day_bounds(the_day, tz())
    broadcasts = broadcasts_between(session, st, start, end)
    now = SystemClock().now()
    editable = {b.id for b in broadcasts if is_unstarted(b.status, b.planned_start, now)}
    approved = approved_scripts(session, st) if editable else []
    return render_template("schedule/day.html", day=the_day, broadcasts=broadcasts, zones=st.zones, values=values or {}, errors=errors or {},
                           chosen=chosen or [], editable=editable, approved=approved,
                           prev_day=the_day - timedelta(days=1), next_day=the_day + timedelta(days=1)), status


@bp.route("/ngay/<day>", methods=["GET"])
@requires(*ANY)
def day(day: str):
    """One day's broadcasts with their items and durations."""
    return _day_page(parse_date(day, today()))


def _broadcast(broadcast_id: int) -> Broadcast:
    broadcast = db().get(Broadcast, broadcast_id)
    if broadcast is None or broadcast.station_id != station().id:
        abort(404)
    return broadcast


@bp.route("/buoi/<int:broadcast_id>/thu-tu", methods=["POST"])
@requires(*EDIT)
def reorder(broadcast_id: int):
    """Drag-and-drop: save a broadcast's new item order (JSON {"items": [ids]}), or say why not."""
    broadcast = _broadcast(broadcast_id)
    payload = request.get_json(silent=True) or {}
    raw = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(raw, list) or not all(str(i).isdigit() for i in raw):
        return jsonify(ok=False, error="Danh sách mục không đọc được: hãy tải lại trang rồi sắp xếp lại."), 400
    with attempt("items") as outcome:
        reorder_items(db(), broadcast, [int(i) for i in raw], SystemClock().now())
    if outcome.ok:
        return jsonify(ok=True, message="Đã lưu thứ tự mới.")
    return jsonify(ok=False, error=next(iter(outcome.errors.values()))), 409


@bp.route("/buoi/<int:broadcast_id>/them-bai", methods=["POST"])
@requires(*EDIT)
def add_to_broadcast(broadcast_id: int):
    """Add an approved script to an unstarted broadcast."""
    broadcast = _broadcast(broadcast_id)
    the_day = broadcast.planned_start.astimezone(tz()).date()
    script_id = request.form.get("script_id", "")
    errors: dict[str, str] = {}
    if not script_id.isdigit():
        errors[f"script-{broadcast_id}"] = "Chưa chọn bài: hãy chọn một bài đã duyệt trong danh sách."
    else:
        with attempt("script") as outcome:
            add_script(db(), broadcast, int(script_id), SystemClock().now())
        if outcome.ok:
            flash("Đã thêm bài vào buổi phát.", "success")
            return redirect(url_for("schedule.day", day=the_day.isoformat()) + f"#buoi-{broadcast_id}")
        errors[f"script-{broadcast_id}"] = next(iter(outcome.errors.values()))
    return _day_page(the_day, values={f"script-{broadcast_id}": script_id}, errors=errors, status=400)


@bp.route("/phat-mot-lan", methods=["POST"])
@requires(*EDIT)
def add_extra():
    """Add a one-off broadcast of a typed message."""
    session, st = db(), station()
    zone = tz()
    values = {k: request.form.get(k, "") for k in ("title", "text", "date", "time")}
    zone_ids = form_ids("zones")
    the_day = parse_date(values["date"])
    match = re.match(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$", values["time"])
    at = time(int(match.group(1)), int(match.group(2))) if match and int(match.group(1)) < 24 and int(match.group(2)) < 60 else None
    start = datetime.combine(the_day, at, tzinfo=zone) if the_day and at else None
    with attempt("title") as outcome:
        schedule_message(session, settings(), st, values["title"], values["text"], start, zone_ids, SystemClock().now(), user_row())
    if outcome.ok:
        flash("Đã thêm buổi phát một lần.", "success")
        return redirect(url_for("schedule.day", day=the_day.isoformat()))
    return _day_page(the_day or today(), values, outcome.errors, zone_ids, 400)
