"""Báo cáo: campaign summaries from the as-run log; the report file comes from broadcast.reports when merged."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from broadcast.models import Campaign
from broadcast.panel_queries import campaign_airtime, daily_target_s
from broadcast.stations import station_tz
from web.auth import ANY, requires
from web.db import db
from web.helpers import station

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")


@bp.route("/")
@requires(*ANY)
def index():
    """Each campaign's airtime against its target."""
    session, st = db(), station()
    tz = station_tz(st)
    summaries = []
    for campaign in session.scalars(select(Campaign).where(Campaign.station_id == st.id).order_by(Campaign.start_date.desc())):
        aired = campaign_airtime(session, st, campaign, tz)
        target = daily_target_s(campaign)
        summaries.append((campaign, sum(aired.values()) / 60, (target or 0) * len(aired) / 60, sum(1 for s in aired.values() if s > 0), len(aired)))
    return render_template("reports.html", summaries=summaries)
