"""What a campaign report is computed from, read from the database in one place: the period's log, the pool, the zones, the signer."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import get_campaign
from broadcast.content.rendering import current_audio
from broadcast.models import Campaign, Membership, Role, Station, User, Zone
from broadcast.reports.compute import ReportInputs, period_bounds, require_campaign_rows


def gather(session: Session, station: Station, campaign: Campaign | str, start: date | None = None, end: date | None = None) -> ReportInputs:
    """The station's log rows of the report's days and what the figures need besides; NotFound when the campaign never aired then."""
    if isinstance(campaign, str) or campaign.station_id != station.id:
        campaign = get_campaign(session, station, campaign if isinstance(campaign, str) else campaign.slug)
    first, last = period_bounds(campaign, start, end)
    rows = asrun.rows_on_days(session, station, first, last)
    require_campaign_rows(rows, campaign, first, last)
    pool = [(entry.script_id, entry.script.title) for entry in campaign.pool]
    audio = current_audio(session, [entry.script for entry in campaign.pool])
    zones = [(z.code, z.name) for z in session.scalars(select(Zone).where(Zone.station_id == station.id).order_by(Zone.position))]
    return ReportInputs(station, campaign, first, last, rows, pool, {sid: found.duration_s for sid, found in audio.items()}, zones)


def find_signer(session: Session, station: Station, campaign: Campaign) -> User | None:
    """The official who approved the campaign, else the station's first approver."""
    if campaign.approved_by_id:
        user = session.get(User, campaign.approved_by_id)
        if user is not None and any(m.station_id == station.id and m.role == Role.APPROVER for m in user.memberships):
            return user
    return session.scalar(
        select(User).join(Membership).where(Membership.station_id == station.id, Membership.role == Role.APPROVER, User.is_active.is_(True)).order_by(User.id).limit(1)
    )
