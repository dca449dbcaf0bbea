"""Phát khẩn cấp: type or pick a message, choose zones, confirm, and it goes on air."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from broadcast.errors import InvalidInput
from broadcast.models import AsRunEntry, Broadcast, BroadcastKind, ContentStatus, Script
from web.auth import REVIEW, requires
from web.db import db, settings
from web.helpers import attempt, station, user_row

bp = Blueprint("emergency", __name__, url_prefix="/khan-cap")


def _page(values: dict, errors: dict, chosen: list[int], status: int = 200):
    session, st = db(), station()
    scripts = session.scalars(select(Script).where(Script.station_id == st.id, Script.status == ContentStatus.APPROVED).order_by(Script.title)).all()
    recent = session.scalars(select(Broadcast).where(Broadcast.station_id == st.id, Broadcast.kind == BroadcastKind.EMERGENCY).order_by(Broadcast.planned_start.desc()).limit(10)).all()
    rows: dict[int, list[AsRunEntry]] = {}
    for entry in session.scalars(select(AsRunEntry).where(AsRunEntry.broadcast_id.in_([b.id for b in recent])).order_by(AsRunEntry.seq)):
        rows.setdefault(entry.broadcast_id, []).append(entry)
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
    chosen = [int(z) for z in request.form.getlist("zones") if z.isdigit()]
    with attempt("title") as outcome:
        if request.form.get("confirm") != "yes":
            raise InvalidInput("Hãy đánh dấu xác nhận trước khi phát khẩn cấp.", field="confirm")
        from broadcast.playout.emergency import start_emergency  # written by the playout branch

        script_id = int(values["script_id"]) if values["script_id"].isdigit() else None
        start_emergency(db(), settings(), station(), values["title"], text=values["text"] or None, script_id=script_id,
                        zone_ids=chosen or None, user=user_row())
    if outcome.ok:
        flash("Đã đưa bản tin khẩn cấp lên sóng.", "success")
        return redirect(url_for("emergency.index"))
    return _page(values, outcome.errors, chosen, 400)
