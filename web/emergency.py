"""Phát khẩn cấp: type or pick a message, choose zones, confirm, and it goes on air."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcast.content.queries import approved_scripts
from broadcast.errors import InvalidInput
from broadcast.playout.emergency import start_emergency
from broadcast.playout.status import log_rows_by_broadcast, recent_emergencies
from web.auth import REVIEW, requires
from web.db import db, settings
from web.helpers import attempt, form_ids, station, user_row, whole_number

bp = Blueprint("emergency", __name__, url_prefix="/khan-cap")


def _page(values: dict, errors: dict, chosen: list[int], status: int = 200):
    session, st = db(), station()
    scripts = approved_scripts(session, st)
    recent = recent_emergencies(session, st)
    rows = log_rows_by_broadcast(session, [b.id for b in recent])
    return render_template("emergency.html", scripts=scripts, zones=st.zones, values=values, errors=errors, chosen=chosen, recent=recent, rows=rows), status


@bp.route("/", methods=["GET"])
@requires(*REVIEW)
def index():
    """The emergency form and the latest emergency broadcasts with their log rows."""
    return _page({"title": "", "text": "", "script_id": ""}, {}, [])


@bp.route("/", methods=["POST"])
@requires(*REVIEW)
def start():
    """Put an emergency message on air now."""
    values = {k: request.form.get(k, "") for k in ("title", "text", "script_id")}
    chosen = form_ids("zones")
    with attempt("title") as outcome:
        if request.form.get("confirm") != "yes":
            raise InvalidInput("Hãy đánh dấu xác nhận trước khi phát khẩn cấp.", field="confirm")
        script_id = whole_number(values["script_id"])
        start_emergency(db(), settings(), station(), values["title"], text=values["text"] or None, script_id=script_id,
                        zone_ids=chosen or None, user=user_row())
    if outcome.ok:
        flash("Đã đưa bản tin khẩn cấp lên sóng.", "success")
        return redirect(url_for("emergency.index"))
    return _page(values, outcome.errors, chosen, 400)
