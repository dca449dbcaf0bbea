"""Chiến dịch: list, progress chart, create/edit (dates, target, extension, separation), pool, windows, extra slots, copy, approve."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from broadcast.campaigns.extra_slots import add_extra_slot, airing_span, list_extra_slots, remove_extra_slot
from broadcast.campaigns.manage import (
    EDITABLE, MAX_WEIGHT, add_window, approve_campaign, campaign_windows, check_feasibility, copy_to_year, create_campaign, get_campaign,
    list_campaigns, remove_window, set_pool, update_campaign,
)
from broadcast.content.queries import unarchived_scripts
from broadcast.errors import InvalidInput
from broadcast.models import Campaign, ContentStatus
from broadcast.planning.targets import TARGET_KINDS, TARGET_LABELS
from broadcast.planning.windows import SHORT_NAMES, TimeWindow
from broadcast.playout.status import campaign_days
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import SystemClock
from web.auth import ANY, APPROVE, EDIT, requires
from web.db import db
from web.forms import form_date, form_number, form_time
from web.helpers import attempt, station, today, user_row

bp = Blueprint("campaigns", __name__, url_prefix="/chien-dich")
TEXT_FIELDS = ("slug", "name", "theme", "start_date", "end_date", "target_kind", "target_value", "extend_min", "min_separation_h")
WEEKDAY_LABELS = tuple(SHORT_NAMES.items())
EXTRA_FIELDS = ("name", "start_time", "end_time", "valid_from", "valid_to")


@bp.route("/")
@requires(*ANY)
def index():
    """All campaigns of the station."""
    campaigns = list_campaigns(db(), station())
    return render_template("campaigns/index.html", campaigns=campaigns, today=today(), target_labels=TARGET_LABELS)


def _detail_page(campaign: Campaign, copy_errors: dict | None = None, copy_values: dict | None = None, status: int = 200,
                 window_errors: dict | None = None, window_values: dict | None = None,
                 extra_errors: dict | None = None, extra_values: dict | None = None):
    session, st = db(), station()
    windows = campaign_windows(campaign)
    progress = campaign_days(session, st, campaign, station_tz(st))
    chart = {
        "labels": [d.strftime("%d/%m") for d in progress.aired],
        "aired": [round(s / 60, 1) for s in progress.aired.values()],
        "target": [round(s / 60, 1) for s in progress.needed.values()] if progress.needed_s else [],
    }
    warnings = check_feasibility(session, campaign) if campaign.status != ContentStatus.ARCHIVED else []
    extras = list_extra_slots(session, campaign)
    return render_template("campaigns/detail.html", campaign=campaign, chart=chart, total_min=progress.aired_s / 60,
                           target_total_min=progress.needed_s / 60, target_labels=TARGET_LABELS, today=today(), warnings=warnings,
                           copy_errors=copy_errors or {}, copy_values=copy_values or {"year": str(campaign.start_date.year + 1)},
                           windows=windows, extras=extras, spans={s.id: airing_span(campaign, s) for s in extras}, weekday_labels=WEEKDAY_LABELS,
                           window_errors=window_errors or {}, window_values=window_values or {"w_weekdays": "1234567"},
                           extra_errors=extra_errors or {}, extra_values=extra_values or {"weekdays": "1234567"}), status


@bp.route("/<slug>")
@requires(*ANY)
def detail(slug: str):
    """One campaign with its pool, its airtime per day against the target, and what keeps it from being carried."""
    return _detail_page(get_campaign(db(), station(), slug))


@bp.route("/<slug>/duyet", methods=["POST"])
@requires(*APPROVE)
def approve(slug: str):
    """Approve a campaign for planning."""
    campaign = get_campaign(db(), station(), slug)
    with attempt() as outcome:
        approve_campaign(db(), campaign, user_row())
    flash("Đã duyệt chiến dịch.", "success") if outcome.ok else flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("campaigns.detail", slug=slug))


def _form_values() -> dict:
    return {k: request.form.get(k, "").strip() for k in TEXT_FIELDS}


def _campaign_values(campaign: Campaign) -> dict:
    return {"slug": campaign.slug, "name": campaign.name, "theme": campaign.theme, "start_date": campaign.start_date.strftime("%d/%m/%Y"),
            "end_date": campaign.end_date.strftime("%d/%m/%Y"), "target_kind": campaign.target_kind, "target_value": f"{campaign.target_value:g}",
            "extend_min": f"{campaign.extend_slot_s / 60:g}", "min_separation_h": f"{campaign.min_separation_h:g}"}


def _arguments(values: dict) -> dict:
    """Typed text to update_campaign/create_campaign arguments; unreadable fields raise InvalidInput naming them."""
    return dict(
        name=values["name"], theme=values["theme"],
        start_date=form_date(values["start_date"], "start_date", "Ngày bắt đầu", required=True),
        end_date=form_date(values["end_date"], "end_date", "Ngày kết thúc", required=True),
        target_kind=values["target_kind"], target_value=form_number(values["target_value"], "target_value", "Chỉ tiêu", 0.0),
        extend_slot_s=int(round(form_number(values["extend_min"], "extend_slot_s", "Số phút kéo dài", 0.0) * 60)),
        min_separation_h=form_number(values["min_separation_h"], "min_separation_h", "Khoảng cách giữa hai lần phát", 0.0),
    )


def _form_page(campaign: Campaign | None, values: dict, errors: dict, status: int = 200, pool_errors: dict | None = None, chosen: dict | None = None):
    session, st = db(), station()
    scripts = unarchived_scripts(session, st) if campaign else []
    if chosen is None and campaign is not None:
        chosen = {e.script_id: f"{e.weight:g}" for e in campaign.pool}
    return render_template("campaigns/form.html", campaign=campaign, values=values, errors=errors, target_kinds=TARGET_KINDS,
                           target_labels=TARGET_LABELS, scripts=scripts, chosen=chosen or {}, pool_errors=pool_errors or {},
                           max_weight=MAX_WEIGHT, warnings=check_feasibility(session, campaign) if campaign else []), status


@bp.route("/moi", methods=["GET", "POST"])
@requires(*EDIT)
def create():
    """A new draft campaign."""
    if request.method == "GET":
        return _form_page(None, {"target_kind": "minutes_per_day", "target_value": "0", "extend_min": "0", "min_separation_h": "0"}, {})
    values = _form_values()
    with attempt("name") as outcome:
        campaign = create_campaign(db(), station(), values["slug"], **_arguments(values))
    if outcome.ok:
        flash("Đã tạo chiến dịch (bản nháp): hãy chọn bài cho chiến dịch rồi gửi phê duyệt.", "success")
        return redirect(url_for("campaigns.edit", slug=campaign.slug) + "#danh-sach-bai")
    return _form_page(None, values, outcome.errors, 400)


@bp.route("/<slug>/sua", methods=["GET", "POST"])
@requires(*EDIT)
def edit(slug: str):
    """Change a campaign's dates, target, extension and separation; an approved campaign goes back to draft."""
    campaign = get_campaign(db(), station(), slug)
    if request.method == "GET":
        return _form_page(campaign, _campaign_values(campaign), {})
    values = _form_values()
    was_approved = campaign.status == ContentStatus.APPROVED
    with attempt("name") as outcome:
        args = _arguments(values)
        update_campaign(db(), campaign, **{k: v for k, v in args.items() if k in EDITABLE})
    if outcome.ok:
        back = was_approved and campaign.status == ContentStatus.DRAFT
        flash("Đã lưu chiến dịch." + (" Chiến dịch trở về bản nháp: cần phê duyệt lại." if back else ""), "success")
        return redirect(url_for("campaigns.detail", slug=slug))
    values["slug"] = slug
    return _form_page(get_campaign(db(), station(), slug), values, outcome.errors, 400)


@bp.route("/<slug>/danh-sach-bai", methods=["POST"])
@requires(*EDIT)
def pool(slug: str):
    """Replace the campaign's pool with the ticked scripts and their weights."""
    campaign = get_campaign(db(), station(), slug)
    chosen = {int(i): request.form.get(f"weight-{i}", "1").strip() for i in request.form.getlist("script") if i.isdigit()}
    with attempt("pool") as outcome:
        weights = {i: form_number(w, "pool", "Trọng số", 1.0) for i, w in chosen.items()}
        set_pool(db(), campaign, weights)
    if outcome.ok:
        flash("Đã lưu danh sách bài của chiến dịch.", "success")
        return redirect(url_for("campaigns.detail", slug=slug))
    campaign = get_campaign(db(), station(), slug)
    return _form_page(campaign, _campaign_values(campaign), {}, 400, pool_errors=outcome.errors, chosen=chosen)


@bp.route("/<slug>/sao-chep", methods=["POST"])
@requires(*EDIT)
def copy(slug: str):
    """Copy the campaign with its pool and targets to the same dates in another year."""
    campaign = get_campaign(db(), station(), slug)
    year_text = request.form.get("year", "").strip()
    with attempt("year") as outcome:
        year = int(form_number(year_text, "year", "Năm"))
        if not 2000 <= year <= 2100:
            raise InvalidInput(f"Năm {year} không hợp lệ: hãy nhập năm có bốn chữ số, ví dụ 2025.", field="year")
        new = copy_to_year(db(), campaign, year)
    if outcome.ok:
        flash(f"Đã sao chép thành chiến dịch {new.slug} (bản nháp).", "success")
        return redirect(url_for("campaigns.edit", slug=new.slug))
    return _detail_page(get_campaign(db(), station(), slug), outcome.errors, {"year": year_text}, 400)


def _weekdays_ticked(name: str) -> str:
    return "".join(d for d in request.form.getlist(name) if d in "1234567")


def _require_days(days: str, field: str) -> str:
    # Unticking every day is a mistake here; the use cases read "no weekdays" as every day.
    if not days:
        raise InvalidInput("Chưa chọn ngày nào trong tuần: hãy đánh dấu ít nhất một ngày.", field=field)
    return days


def _draft_note(campaign: Campaign, was_approved: bool) -> str:
    return " Chiến dịch trở về bản nháp: cần phê duyệt lại." if was_approved and campaign.status == ContentStatus.DRAFT else ""


@bp.route("/<slug>/khung-gio", methods=["POST"])
@requires(*EDIT)
def window_add(slug: str):
    """Add a time window: the campaign's content then airs only in broadcasts that meet one of its windows."""
    campaign = get_campaign(db(), station(), slug)
    values = {"w_start": request.form.get("w_start", "").strip(), "w_end": request.form.get("w_end", "").strip(),
              "w_weekdays": _weekdays_ticked("w_weekdays")}
    was_approved = campaign.status == ContentStatus.APPROVED
    with attempt("windows") as outcome:
        days = _require_days(values["w_weekdays"], "windows")
        window = TimeWindow(form_time(values["w_start"], "w_start", "Giờ bắt đầu"), form_time(values["w_end"], "w_end", "Giờ kết thúc"),
                            "" if days == "1234567" else days)
        add_window(db(), campaign, window)
    if outcome.ok:
        flash(f"Đã thêm khung giờ {window.label()}." + _draft_note(campaign, was_approved), "success")
        return redirect(url_for("campaigns.detail", slug=slug) + "#khung-gio")
    return _detail_page(get_campaign(db(), station(), slug), status=400, window_errors=outcome.errors, window_values=values)


@bp.route("/<slug>/khung-gio/<int:number>/xoa", methods=["POST"])
@requires(*EDIT)
def window_remove(slug: str, number: int):
    """Remove one time window (numbered from 1 as the page shows them)."""
    campaign = get_campaign(db(), station(), slug)
    was_approved = campaign.status == ContentStatus.APPROVED
    with attempt("windows") as outcome:
        remove_window(db(), campaign, number - 1)
    if not outcome.ok:
        return _detail_page(get_campaign(db(), station(), slug), status=400, window_errors=outcome.errors)
    flash("Đã bỏ khung giờ." + _draft_note(campaign, was_approved), "success")
    return redirect(url_for("campaigns.detail", slug=slug) + "#khung-gio")


@bp.route("/<slug>/buoi-phat-them", methods=["POST"])
@requires(*EDIT)
def extra_add(slug: str):
    """Add an extra slot that airs only on the campaign's dates ("tăng thời lượng")."""
    campaign = get_campaign(db(), station(), slug)
    values = {k: request.form.get(k, "").strip() for k in EXTRA_FIELDS} | {"weekdays": _weekdays_ticked("weekdays")}
    was_approved = campaign.status == ContentStatus.APPROVED
    with attempt("start_time") as outcome:
        slot = add_extra_slot(
            db(), campaign, values["name"], form_time(values["start_time"], "start_time", "Giờ bắt đầu"),
            end_time=form_time(values["end_time"], "end_time", "Giờ kết thúc"), weekdays=_require_days(values["weekdays"], "weekdays"),
            valid_from=form_date(values["valid_from"], "valid_from", "Ngày bắt đầu"), valid_to=form_date(values["valid_to"], "valid_to", "Ngày kết thúc"),
        )
    if outcome.ok:
        flash(f"Đã thêm {slot.name}." + _draft_note(campaign, was_approved), "success")
        return redirect(url_for("campaigns.detail", slug=slug) + "#buoi-phat-them")
    return _detail_page(get_campaign(db(), station(), slug), status=400, extra_errors=outcome.errors, extra_values=values)


@bp.route("/<slug>/buoi-phat-them/<int:slot_id>/xoa", methods=["POST"])
@requires(*EDIT)
def extra_remove(slug: str, slot_id: int):
    """Delete an extra slot of the campaign and cancel its broadcasts that have not started."""
    campaign = get_campaign(db(), station(), slug)
    with attempt() as outcome:
        cancelled = remove_extra_slot(db(), campaign, slot_id, SystemClock().now())
    if outcome.ok:
        flash("Đã xóa buổi phát thêm" + (f" và hủy {cancelled} buổi chưa phát." if cancelled else "."), "success")
    else:
        flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("campaigns.detail", slug=slug) + "#buoi-phat-them")
