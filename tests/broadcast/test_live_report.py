"""A live talk tagged with a campaign: one chained row whose seconds the campaign report counts."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, Campaign, LogStatus
from broadcast.playout import live as rules
from broadcast.reports.build import build_report
from broadcast.stations.lookup import get_station
from broadcast.timeutil import UTC


def test_a_tagged_talk_counts_in_the_campaign_report(demo_settings, demo_factory):
    at = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Cẩm Tân, inside the demo campaign
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        talk = rules.start_live(session, demo_settings, station, [], speaker="Chủ tịch xã", campaign_id=campaign.id)
        talk.requested_at = at
        row = rules.finish(session, station, talk, at, at + timedelta(seconds=95.5), 95.5, "aircheck", rules.REASON_SPEAKER_ENDED)
        assert (row.item_type, row.campaign, row.status, row.seconds, row.zones) == ("live", "bdg-2024", LogStatus.PLAYED, 95.5, "all")
        assert asrun.verify(session, station.id).ok
        report = build_report(session, station, "bdg-2024", date(2024, 11, 20), date(2024, 11, 20))
    assert report.totals.aired_seconds == 95.5
    assert [d.aired_seconds for d in report.days] == [95.5]


def test_a_talk_that_never_aired_is_logged_failed_with_no_seconds(demo_settings, demo_factory):
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        talk = rules.start_live(session, demo_settings, station, [], speaker="Cán bộ")
        rules.finish(session, station, talk, None, talk.requested_at, 0.0, "", rules.REASON_PLAYER_FAILED)
        row = session.scalar(select(AsRunEntry).where(AsRunEntry.item_ref == f"live:{talk.id}"))
    assert (row.status, row.seconds, row.actual_start, row.reason) == (LogStatus.FAILED, 0.0, None, rules.REASON_PLAYER_FAILED)
