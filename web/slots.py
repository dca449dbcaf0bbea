"""Buổi phát (admin): create, edit and delete the station's recurring slots through broadcast.planning.slots."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcast.errors import InvalidInput
from broadcast.models import Slot
from broadcast.planning.queries import programme_templates
from broadcast.planning.slots import create_slot, delete_slot, get_slot, list_slots, update_slot
from broadcast.timeutil import SystemClock
from web.auth import ADMIN, requires
from web.db import db
from web.forms import form_date, form_dates, form_number, form_time
from web.helpers import attempt, station, whole_number

bp = Blueprint("slots", __name__, url_prefix="/lich/buoi-phat")
WEEKDAY_LABELS = (("1", "Thứ Hai"), ("2", "Thứ Ba"), ("3", "Thứ Tư"), ("4", "Thứ Năm"), ("5", "Thứ Sáu"), ("6", "Thứ Bảy"), ("7", "Chủ nhật"))
TEXT_FIELDS = ("name", "start_time", "duration_min", "end_time", "valid_from", "valid_to", "exceptions", "template_id")


def _form_values() -> dict:
    """What the admin typed, kept as text so a refused form shows it again."""
    values = {k: request.form.get(k, "").strip() for k in TEXT_FIELDS}
    values["weekdays"] = "".join(d for d in request.form.getlist("weekdays") if d in "1234567")
    values["zone_ids"] = [int(z) for z in request.form.getlist("zone_ids") if z.isdigit()]
    values["is_active"] = request.form.get("is_active") == "on"
    return values


def _slot_values(slot: Slot) -> dict:
    """A slot as the form shows it."""
    return {"name": slot.name, "start_time": f"{slot.start_time:%H:%M}", "duration_min": f"{slot.duration_s / 60:g}", "end_time": "",
            "valid_from": slot.valid_from.strftime("%d/%m/%Y") if slot.valid_from else "", "valid_to": slot.valid_to.strftime("%d/%m/%Y") if slot.valid_to else "",
            "exceptions": ", ".join(f"{d[8:10]}/{d[5:7]}/{d[0:4]}" for d in slot.exceptions or []), "template_id": str(slot.template_id or ""),
            "weekdays": slot.weekdays, "zone_ids": list(slot.zone_ids or []), "is_active": slot.is_active}


def _arguments(values: dict) -> dict:
    """Typed text to the use case's arguments; a field that cannot be read raises InvalidInput naming it."""
    if not values["weekdays"]:  # the use case reads "no weekdays" as every day; unticking them all is a mistake here
        raise InvalidInput("Chưa chọn ngày nào trong tuần: hãy đánh dấu ít nhất một ngày.", field="weekdays")
    end = values["end_time"]
    duration = None if end or not values["duration_min"] else int(round(form_number(values["duration_min"], "duration_s", "Thời lượng") * 60))
    return dict(
        name=values["name"], start_time=form_time(values["start_time"], "start_time", "Giờ bắt đầu"),
        end_time=form_time(end, "end_time", "Giờ kết thúc") if end else None, duration_s=duration,
        weekdays=values["weekdays"], valid_from=form_date(values["valid_from"], "valid_from", "Ngày bắt đầu hiệu lực"),
        valid_to=form_date(values["valid_to"], "valid_to", "Ngày hết hiệu lực"), exceptions=form_dates(values["exceptions"], "exceptions"),
        zone_ids=values["zone_ids"], template_id=whole_number(values["template_id"]),
        is_active=values["is_active"],
    )


def _page(values: dict | None = None, errors: dict | None = None, editing: Slot | None = None, status: int = 200):
    session, st = db(), station()
    templates = programme_templates(session, st)
    values = values if values is not None else (_slot_values(editing) if editing else {"weekdays": "1234567", "is_active": True, "zone_ids": []})
    return render_template("schedule/slots.html", slots=list_slots(session, st), zones=st.zones, templates=templates, weekday_labels=WEEKDAY_LABELS,
                           values=values, errors=errors or {}, editing=editing), status


@bp.route("/")
@requires(*ADMIN)
def index():
    """The station's slots and the form for a new one."""
    return _page()


@bp.route("/", methods=["POST"])
@requires(*ADMIN)
def create():
    """Create a slot; overlaps and wrong order are refused beside the field."""
    values = _form_values()
    with attempt("start_time") as outcome:
        create_slot(db(), station(), **_arguments(values))
    if outcome.ok:
        flash(f"Đã thêm buổi phát {values['name']}.", "success")
        return redirect(url_for("slots.index"))
    return _page(values, outcome.errors, status=400)


@bp.route("/<int:slot_id>")
@requires(*ADMIN)
def edit(slot_id: int):
    """One slot in the form."""
    return _page(editing=get_slot(db(), station(), slot_id))


@bp.route("/<int:slot_id>", methods=["POST"])
@requires(*ADMIN)
def update(slot_id: int):
    """Save a slot's changes; unstarted broadcasts follow at the next planning run."""
    slot = get_slot(db(), station(), slot_id)
    values = _form_values()
    with attempt("start_time") as outcome:
        args = _arguments(values)
        if args["end_time"] is None:
            args.pop("end_time")
        else:
            args.pop("duration_s")
        update_slot(db(), slot, **args)
    if outcome.ok:
        flash(f"Đã lưu buổi phát {values['name']}.", "success")
        return redirect(url_for("slots.index"))
    return _page(values, outcome.errors, editing=slot, status=400)


@bp.route("/<int:slot_id>/xoa", methods=["POST"])
@requires(*ADMIN)
def delete(slot_id: int):
    """Delete a slot and cancel its unstarted broadcasts."""
    slot = get_slot(db(), station(), slot_id)
    name = slot.name
    with attempt() as outcome:
        cancelled = delete_slot(db(), slot, SystemClock().now())
    if outcome.ok:
        flash(f"Đã xóa buổi phát {name}" + (f" và hủy {cancelled} buổi chưa phát." if cancelled else "."), "success")
    else:
        flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("slots.index"))
