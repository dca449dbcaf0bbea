"""Nhật ký thao tác: the audit trail's page for admins and approvers, with CSV export."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from broadcast.audit import trail
from broadcast.audit.labels import action_label
from broadcast.models import Role
from broadcast.timeutil import local_day_bounds
from web.auth import APPROVE, current_station_id, requires
from web.db import db
from web.helpers import parse_date, today, tz

bp = Blueprint("audit", __name__, url_prefix="/nhat-ky-thao-tac")
PAGE = 50

def _filter() -> tuple[trail.AuditFilter, dict[str, str], Any, Any]:
    """The filter typed in the query string; an object's history (from its page) spans all time unless a start is typed."""
    zone = tz()
    object_id = request.args.get("ma", "").strip()
    last = parse_date(request.args.get("den"), today())
    first = parse_date(request.args.get("tu"), None if object_id else last - timedelta(days=29))
    errors = {}
    if first is not None and first > last:
        errors["tu"] = "Ngày bắt đầu đứng sau ngày kết thúc: hãy đổi lại thứ tự ngày."
        first = last
    flt = trail.AuditFilter(
        start=local_day_bounds(first, zone)[0] if first else None, end=local_day_bounds(last, zone)[1],
        actor=request.args.get("nguoi", "").strip(), action=request.args.get("thao_tac", "").strip(),
        object_type=request.args.get("loai", "").strip(), object_id=object_id,
        station_id=current_station_id(), include_unscoped=current_user.role == Role.ADMIN,
    )
    return flt, errors, first, last


@bp.route("/")
@requires(*APPROVE)
def index():
    """The trail of the current station, filtered and paginated, newest first."""
    flt, errors, first, last = _filter()
    page = max(request.args.get("trang", 1, type=int) or 1, 1)
    rows, total = trail.page(db(), flt, page, PAGE)
    args = {k: v for k, v in request.args.items() if k != "trang"}
    return render_template("audit.html", rows=rows, total=total, page=page, pages=max((total + PAGE - 1) // PAGE, 1), flt=flt,
                           first=first, last=last, errors=errors, args=args, actors=trail.actors(db()),
                           object_types=sorted(trail.OBJECT_LABELS), object_labels=trail.OBJECT_LABELS,
                           action_label=action_label), (400 if errors else 200)


@bp.route("/xuat.csv")
@requires(*APPROVE)
def export_csv():
    """The filtered rows as CSV (the fields of `loaxa audit`)."""
    flt, _errors, first, last = _filter()
    zone = tz()
    body = trail.to_csv(trail.export_row(r, zone) for r in trail.query(db(), flt))
    name = f"nhat-ky-thao-tac-{first or last:%Y%m%d}-{last:%Y%m%d}.csv"
    return Response("\ufeff" + body, mimetype="text/csv; charset=utf-8", headers={"Content-Disposition": f"attachment; filename={name}"})
