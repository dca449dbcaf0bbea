"""Chiến dịch: dates, pool, airtime target and progress per day as a chart."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from sqlalchemy import select

from broadcast.campaigns import approve_campaign, get_campaign
from broadcast.models import Campaign
from broadcast.panel_queries import campaign_airtime, daily_target_s
from broadcast.stations import station_tz
from web.auth import ANY, APPROVE, requires
from web.db import db
from web.helpers import attempt, station, today, user_row

bp = Blueprint("campaigns", __name__, url_prefix="/chien-dich")
TARGET_LABELS = {"minutes_per_day": "phút mỗi ngày", "plays_per_script_week": "lượt mỗi bài mỗi tuần", "share_of_slot": "% thời lượng buổi phát"}


@bp.route("/")
@requires(*ANY)
def index():
    """All campaigns of the station."""
    campaigns = db().scalars(select(Campaign).where(Campaign.station_id == station().id).order_by(Campaign.start_date.desc())).all()
    return render_template("campaigns/index.html", campaigns=campaigns, today=today(), target_labels=TARGET_LABELS)


@bp.route("/<slug>")
@requires(*ANY)
def detail(slug: str):
    """One campaign with its pool and its airtime per day against the target."""
    session, st = db(), station()
    campaign = get_campaign(session, st, slug)
    aired = campaign_airtime(session, st, campaign, station_tz(st))
    target = daily_target_s(campaign)
    chart = {
        "labels": [d.strftime("%d/%m") for d in aired],
        "aired": [round(s / 60, 1) for s in aired.values()],
        "target": [round(target / 60, 1)] * len(aired) if target else [],
    }
    return render_template("campaigns/detail.html", campaign=campaign, chart=chart, total_min=sum(aired.values()) / 60,
                           target_total_min=(target or 0) * len(aired) / 60, target_labels=TARGET_LABELS, today=today())


@bp.route("/<slug>/duyet", methods=["POST"])
@requires(*APPROVE)
def approve(slug: str):
    """Approve a campaign for planning."""
    campaign = get_campaign(db(), station(), slug)
    with attempt() as outcome:
        approve_campaign(db(), campaign, user_row())
    flash("Đã duyệt chiến dịch.", "success") if outcome.ok else flash(next(iter(outcome.errors.values())), "error")
    return redirect(url_for("campaigns.detail", slug=slug))
