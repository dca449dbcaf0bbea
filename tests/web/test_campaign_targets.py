"""A campaign behind its target is flagged on the home page and the province page, whatever way the office stated the target."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, Campaign, CampaignScript, ContentStatus, LogStatus, Render, Script, Slot, Station
from broadcast.stations.lookup import get_station
from broadcast.timeutil import UTC, VN_TZ, SystemClock, local_at
from tests.web.conftest import Client

# Wednesday 12/03/2025 at 10:00 in Vietnam; the campaign runs 08/03–21/03 (14 days), so 08–11/03 (4 days) are past.
NOW = local_at(date(2025, 3, 12), time(10, 0), VN_TZ)
FIRST, LAST = date(2025, 3, 8), date(2025, 3, 21)
PAST_DAYS, ALL_DAYS = 4, 14
AIRED_S = 60.0  # one minute aired, yesterday


@pytest.fixture
def behind(demo_settings, demo_factory, monkeypatch):
    """The demo station with one approved campaign of the given target, far behind; returns the app and its hand-made figures."""
    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)

    def make(kind: str, value: float) -> tuple:
        with transaction(demo_factory) as session:
            station = get_station(session, demo_settings.station)
            session.query(Campaign).delete()
            session.execute(Station.__table__.update().values(created_at=datetime(2025, 1, 1, tzinfo=UTC)))
            campaign = Campaign(station_id=station.id, slug="cd-cham", name="Chiến dịch chậm", start_date=FIRST, end_date=LAST,
                                target_kind=kind, target_value=value, extend_slot_s=0, status=ContentStatus.APPROVED)
            session.add(campaign)
            session.flush()
            scripts = session.scalars(select(Script).where(Script.station_id == station.id, Script.status == ContentStatus.APPROVED)
                                      .order_by(Script.id).limit(2)).all()
            for script in scripts:
                campaign.pool.append(CampaignScript(station_id=station.id, script_id=script.id, weight=1.0))
            yesterday = local_at(NOW.astimezone(VN_TZ).date() - timedelta(days=1), time(17, 5), VN_TZ)
            asrun.append(session, AsRunEntry(station_id=station.id, planned_start=yesterday, actual_start=yesterday, item_type="script",
                                             title="Bài", campaign="cd-cham", status=LogStatus.PLAYED, seconds=AIRED_S))
            # Independent inputs: the rendered length of each pool script, and the station's two daily 30-minute slots.
            lengths = [session.scalar(select(Render.duration_s).where(Render.script_id == s.id, Render.script_version == s.version)) for s in scripts]
            slots = session.scalars(select(Slot.duration_s).where(Slot.station_id == station.id, Slot.is_active.is_(True))).all()
        assert len(lengths) == 2 and all(lengths) and sorted(slots) == [1800, 1800]
        return lengths

    return make


def _province_cell(html: str) -> str:
    match = re.search(r"<strong>cd-cham</strong>:(.*?)</div>", html, re.S)
    assert match, html
    return " ".join(match.group(1).split())


def _share(lengths) -> float:
    return 0.20 * (1800 + 1800)  # 12 minutes a day: a fifth of the morning and evening slots


def _plays(lengths) -> float:
    return 7 * sum(lengths) / 7  # each of the two scripts once a day


TARGETS = [pytest.param("share_of_slot", 20, _share, id="share"), pytest.param("plays_per_script_week", 7, _plays, id="plays")]


@pytest.mark.parametrize("kind, value, per_day", TARGETS)
def test_a_campaign_behind_is_flagged_on_the_home_page(behind, app, kind, value, per_day):
    per_day_s = per_day(behind(kind, value))
    home = Client(app, "admin").get("/").get_data(as_text=True)
    assert f"Chiến dịch cd-cham đang chậm: đã phát 1 phút, chỉ tiêu đến hôm qua là {PAST_DAYS * per_day_s / 60:.0f} phút." in home, home


@pytest.mark.parametrize("kind, value, per_day", TARGETS)
def test_a_campaign_behind_is_flagged_on_the_province_page(behind, app, kind, value, per_day):
    total = ALL_DAYS * per_day(behind(kind, value))
    cell = _province_cell(Client(app, "admin").get("/toan-tinh").get_data(as_text=True))
    assert cell.startswith(f"1 / {total / 60:.0f} phút ({100 * AIRED_S / total:.0f}%)") and "chậm" in cell, cell


@pytest.mark.parametrize("kind, value, per_day", TARGETS)
def test_the_campaign_chart_draws_the_need_of_every_day(behind, app, kind, value, per_day):
    per_day_min = round(per_day(behind(kind, value)) / 60, 1)
    page = Client(app, "admin").get("/chien-dich/cd-cham").get_data(as_text=True)
    chart = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S).group(1))
    assert chart["labels"][0] == "08/03" and len(chart["labels"]) == ALL_DAYS
    assert chart["target"] == [per_day_min] * ALL_DAYS and chart["aired"][3] == 1.0


def test_a_campaign_on_target_is_not_flagged(behind, app, demo_factory):
    behind("share_of_slot", 1)  # 36 s a day: 144 s owed up to yesterday, more than 90 % of it aired below
    with transaction(demo_factory) as session:
        station = get_station(session, "cam-tan")
        at = local_at(date(2025, 3, 10), time(5, 35), VN_TZ)
        asrun.append(session, AsRunEntry(station_id=station.id, planned_start=at, actual_start=at, item_type="script",
                                         title="Bài", campaign="cd-cham", status=LogStatus.PLAYED, seconds=75.0))
    admin = Client(app, "admin")
    assert "cd-cham đang chậm" not in admin.get("/").get_data(as_text=True)
    assert "chậm" not in _province_cell(admin.get("/toan-tinh").get_data(as_text=True))
