"""Báo cáo: choose a campaign and a period, read the figures, download DOCX/XLSX/CSV/JSON, write section V."""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for

from broadcast.campaigns.manage import get_campaign, list_campaigns
from broadcast.errors import InvalidInput, NotFound, operator_errors
from broadcast.models import Campaign
from broadcast.numbers import vn_number
from broadcast.playout.status import campaign_days
from broadcast.reports import FORMATS, MEDIA_TYPES, build_report, render
from broadcast.reports.notes import MAX_NOTE_CHARS, get_note_text, save_note
from broadcast.reports.tables import CSV_TABLES
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import SystemClock
from web import actions
from web.auth import ANY, REVIEW, requires
from web.db import db
from web.forms import form_date
from web.helpers import attempt, station, today, user_row

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
FORMAT_LABELS = {"docx": "Word (.docx) – văn bản để ký", "xlsx": "Excel (.xlsx) – các bảng", "csv": "CSV – một bảng", "json": "JSON – cho phần mềm khác"}
TABLE_LABELS = {"days": "Theo ngày", "scripts": "Theo bài", "zones": "Theo thôn", "problems": "Sự cố"}


@bp.route("/")
@requires(*ANY)
def index():
    """Each campaign's airtime against its target, with a link to its report."""
    session, st = db(), station()
    tz = station_tz(st)
    summaries = []
    for campaign in list_campaigns(session, st):
        days = campaign_days(session, st, campaign, tz)
        summaries.append((campaign, days.aired_s, days.needed_s, sum(1 for s in days.aired.values() if s > 0), len(days.aired)))
    return render_template("reports.html", summaries=summaries)


def _period(values: dict) -> tuple:
    """The chosen period as dates (None = the campaign's own day)."""
    return form_date(values.get("tu"), "start", "Ngày bắt đầu"), form_date(values.get("den"), "end", "Ngày kết thúc")


def _report(campaign: Campaign, values: dict, errors: dict):
    """Build the report for the typed period, or None with the message beside the field it is about."""
    try:
        start, end = _period(values)
        return build_report(db(), station(), campaign, start, end, now=SystemClock().now())
    except NotFound as exc:  # no log for the period: the operator chooses other days
        errors["period"] = str(exc)
    except InvalidInput as exc:
        errors[exc.field if exc.field in ("start", "end", "format", "table") else "period"] = str(exc)
    return None


def _page(campaign: Campaign, values: dict, errors: dict, report=None, status: int = 200, note: str | None = None):
    return render_template("reports/campaign.html", campaign=campaign, values=values, errors=errors, report=report,
                           note=get_note_text(db(), campaign) if note is None else note, formats=FORMATS, format_labels=FORMAT_LABELS,
                           tables=CSV_TABLES, table_labels=TABLE_LABELS, max_note=vn_number(MAX_NOTE_CHARS)), status


def _values(campaign: Campaign, source=None) -> dict:
    """The period and format as typed (the campaign's dates and DOCX by default)."""
    source = request.args if source is None else source
    values = {k: source.get(k, "") for k in ("tu", "den", "dinh_dang", "bang")}
    values["tu"] = values["tu"] or campaign.start_date.strftime("%d/%m/%Y")
    values["den"] = values["den"] or campaign.end_date.strftime("%d/%m/%Y")
    values["dinh_dang"] = values["dinh_dang"] or "docx"
    values["bang"] = values["bang"] or "days"
    return values


@bp.route("/<slug>")
@requires(*ANY)
def campaign(slug: str):
    """One campaign's report: the period, its figures and the log check, the downloads and section V."""
    campaign = get_campaign(db(), station(), slug)
    values, errors = _values(campaign), {}
    report = _report(campaign, values, errors)
    return _page(campaign, values, errors, report, 400 if errors and request.args.get("tu") else 200)


def download_name(report, fmt: str) -> str:
    """A Vietnamese file name that says which campaign and days the file covers."""
    return f"Báo cáo chiến dịch {report.slug} {report.start:%d.%m.%Y}-{report.end:%d.%m.%Y}.{fmt}"


@bp.route("/<slug>/tai")
@requires(*ANY)
def download(slug: str):
    """Stream the report file in the chosen format."""
    campaign = get_campaign(db(), station(), slug)
    values, errors = _values(campaign), {}
    fmt, table = values["dinh_dang"], values["bang"]
    report = _report(campaign, values, errors)
    if report is not None:
        try:
            data = render(report, fmt, today=today(), table=table)
        except operator_errors() as exc:
            errors[getattr(exc, "field", None) or "format"] = str(exc)
        else:
            actions.note("reports.download", campaign, {"format": fmt, "from": f"{report.start:%d/%m/%Y}", "to": f"{report.end:%d/%m/%Y}"})
            name = download_name(report, fmt)
            if fmt == "csv":
                name = name[:-4] + f" {TABLE_LABELS.get(table, table).lower()}.csv"
            return send_file(BytesIO(data), mimetype=MEDIA_TYPES[fmt], as_attachment=True, download_name=name, max_age=0)
    return _page(campaign, values, errors, None, 400)


@bp.route("/<slug>/hoat-dong-khac", methods=["POST"])
@requires(*REVIEW)
def note(slug: str):
    """Save section V: the station's other activities during the campaign, typed by the operator."""
    campaign = get_campaign(db(), station(), slug)
    body = request.form.get("body", "")
    with attempt("body") as outcome:
        save_note(db(), campaign, body, user_row())
    if outcome.ok:
        flash("Đã lưu phần hoạt động khác của đài.", "success")
        return redirect(url_for("reports.campaign", slug=slug, tu=request.form.get("tu", ""), den=request.form.get("den", "")) + "#hoat-dong-khac")
    values, errors = _values(campaign, request.form), dict(outcome.errors)
    report = _report(campaign, values, {})
    return _page(campaign, values, errors, report, 400, note=body)
