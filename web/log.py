"""Nhật ký phát sóng: filters, pages, CSV/XLSX export and the hash-chain check."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from openpyxl import Workbook

from broadcast.asrun import chain as asrun
from broadcast.campaigns.queries import campaign_slugs
from broadcast.models import LogStatus
from broadcast.playout.status import LogFilter, log_page, log_rows
from broadcast.stations.lookup import station_tz, zone_labels
from web.auth import ANY, requires
from web.db import db
from web.helpers import parse_date, station, today
from web.page_cache import cached_page

bp = Blueprint("log", __name__, url_prefix="/nhat-ky")
PAGE = 50


def _filter() -> tuple[LogFilter, dict[str, str]]:
    last = parse_date(request.args.get("den"), today())
    first = parse_date(request.args.get("tu"), last - timedelta(days=6))
    errors = {}
    if first > last:
        errors["tu"] = "Ngày bắt đầu đứng sau ngày kết thúc: hãy đổi lại thứ tự ngày."
        first = last
    status = request.args.get("trang_thai", "")
    status = status if status in {s.value for s in LogStatus} else ""
    return LogFilter(first, last, request.args.get("cum", "").strip(), request.args.get("chien_dich", "").strip(), status), errors


@bp.route("/")
@requires(*ANY)
def index():
    """Filtered, paginated log rows."""
    session, station_id = db(), current_user.station_id
    flt, errors = _filter()
    page = max(request.args.get("trang", 1, type=int) or 1, 1)
    args = {k: v for k, v in request.args.items() if k != "trang"}
    campaigns = tuple(campaign_slugs(session, station_id))
    # The rows shown are the station's log up to its last row, whose hash covers every row before it, through the
    # query: a new row is a new head, so a kept page is never stale. A kept page costs these three small reads only.
    head = asrun.head(session, station_id)
    shown = (station_id, head, flt, page, zone_labels(session, station_id), campaigns)
    html = cached_page("log.index", shown, lambda: _render(head, flt, errors, page, args, campaigns))
    return html, (400 if errors else 200)


def _render(head: tuple[int, str], flt: LogFilter, errors: dict[str, str], page: int, args: dict[str, str],
            campaigns: tuple[str, ...]) -> tuple[str, tuple]:
    """The log page (the filter's rows counted and paginated) and what it shows."""
    st = station()
    rows, total = log_page(db(), st, flt, station_tz(st), page, PAGE)
    html = render_template("log.html", rows=rows, total=total, page=page, pages=max((total + PAGE - 1) // PAGE, 1), flt=flt, errors=errors,
                           zones=st.zones, campaigns=campaigns, statuses=[s.value for s in LogStatus], args=args)
    # A row logged since the head was read may be on the page: it is newer than the head's key, never older, and the
    # head only grows, so that key is only asked again by requests already under way. The zones are the ones shown.
    return html, (st.id, head, flt, page, tuple((z.code, z.name) for z in st.zones), campaigns)


def _export_rows():
    session, st = db(), station()
    flt, _ = _filter()
    tz = station_tz(st)
    return [asrun.export_row(r, st, tz) for r in log_rows(session, st, flt, tz)], flt


@bp.route("/xuat.csv")
@requires(*ANY)
def export_csv():
    """The filtered rows as CSV (the fields of `loaxa log`)."""
    rows, flt = _export_rows()
    name = f"nhat-ky-{flt.first:%Y%m%d}-{flt.last:%Y%m%d}.csv"
    return Response("\ufeff" + asrun.to_csv(rows), mimetype="text/csv; charset=utf-8", headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/xuat.xlsx")
@requires(*ANY)
def export_xlsx():
    """The filtered rows as an Excel workbook."""
    rows, flt = _export_rows()
    book = Workbook()
    sheet = book.active
    sheet.title = "Nhat ky"
    sheet.append(list(asrun.EXPORT_FIELDS))
    for row in rows:
        sheet.append([row[f] for f in asrun.EXPORT_FIELDS])
    buffer = io.BytesIO()
    book.save(buffer)
    name = f"nhat-ky-{flt.first:%Y%m%d}-{flt.last:%Y%m%d}.xlsx"
    return Response(buffer.getvalue(), mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/kiem-tra", methods=["POST"])
@requires(*ANY)
def verify():
    """Check the hash chain of the whole log."""
    result = asrun.verify(db(), station().id)
    if result.ok:
        flash(f"Nhật ký nguyên vẹn: đã kiểm tra {result.rows} dòng, không dòng nào bị sửa hay xóa.", "success")
    else:
        flash(f"Nhật ký đã bị thay đổi: {result.reason}.", "error")
    return redirect(request.form.get("next") if (request.form.get("next") or "").startswith("/nhat-ky") else url_for("log.index"))
