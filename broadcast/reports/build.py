"""A campaign report in three steps: gather the rows, compute the figures, check the log's hash chain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from sqlalchemy.orm import Session

from broadcast.asrun import chain as asrun
from broadcast.models import AsRunEntry, Campaign, Station
from broadcast.reports.compute import CampaignReport, Letterhead, LogCheck, compute, default_letterhead
from broadcast.reports.gather import find_signer, gather
from broadcast.reports.notes import get_note_text


def check_log(session: Session, station: Station, rows: Sequence[AsRunEntry]) -> LogCheck:
    """Verify the station's whole hash chain and say which part of it the report was computed from."""
    check = asrun.verify(session, station.id)
    return LogCheck(
        verified=check.ok, rows_checked=check.rows, reason=check.reason, first_bad_seq=check.first_bad_seq,
        rows_in_period=len(rows), first_seq=rows[0].seq if rows else None, last_seq=rows[-1].seq if rows else None,
        last_hash=rows[-1].row_hash if rows else "",
    )


def build_report(session: Session, station: Station, campaign: Campaign | str, start: date | None = None, end: date | None = None,
                 now: datetime | None = None, letterhead: Letterhead | None = None) -> CampaignReport:
    """Compute a campaign's report for [start, end] (local days) from the station's as-run log."""
    inputs = gather(session, station, campaign, start, end)
    figures = compute(inputs)
    log = check_log(session, station, inputs.rows)
    campaign = inputs.campaign
    return CampaignReport(
        station_slug=station.slug, station_name=station.name, slug=campaign.slug, name=campaign.name, theme=campaign.theme or "",
        campaign_start=campaign.start_date, campaign_end=campaign.end_date, start=inputs.first, end=inputs.last,
        target_kind=campaign.target_kind, target_value=campaign.target_value, target_note=figures.target_note,
        days=figures.days, scripts=figures.scripts, zones=figures.zones, zone_targeted=figures.zone_targeted,
        problems=figures.problems, totals=figures.totals, log=log,
        note=get_note_text(session, campaign), letterhead=letterhead or default_letterhead(station, find_signer(session, station, campaign)),
        generated_at=now, entries=figures.entries, tz_name=station.timezone,
    )
