"""A realistic as-run log of the demo's campaign month, written by the same rule playout uses."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

import pytest

from broadcast.config import Settings
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import Zone
from broadcast.models import LogStatus
from broadcast.planning.programmes import plan_days
from broadcast.playout.rules import Airing, finish, log_cut, log_rest, log_through
from broadcast.stations.lookup import get_station
from tests.conftest import _restore_env, clone_settings, discard, drop_database

FIRST, LAST = date(2024, 11, 15), date(2024, 12, 15)
MISSED = {5: "Mất điện lưới, máy phát dự phòng không khởi động"}
FAILED = {40: "Không mở được tệp âm thanh của buổi phát"}
LATE = {9, 33}
INTERRUPTED = {20: "Dừng để phát thông báo khẩn cấp về mưa lũ", 51: "Mất kết nối tới cụm loa"}
ZONED = {12, 13, 44}  # broadcasts aired only on thôn 3 and thôn 4


@dataclass
class MonthLog:
    """What the builder injected, for tests to check against."""

    broadcasts: int = 0
    problems: dict[int, str] = field(default_factory=dict)


def build_month(session: Session, settings: Settings) -> MonthLog:
    """Plan the campaign month of the demo and log every broadcast, a few missed, late and cut."""
    station = get_station(session, "cam-tan")
    planned = plan_days(session, settings, station, FIRST, LAST, datetime(2024, 11, 1, tzinfo=timezone.utc))
    zones = {z.code: z for z in session.scalars(select(Zone).where(Zone.station_id == station.id))}
    out = MonthLog()
    for i, broadcast in enumerate(sorted(planned.broadcasts, key=lambda b: b.planned_start)):
        full = sum(item.duration_s for item in broadcast.items)
        start = broadcast.planned_start
        sinks = "aircheck,icecast"
        if i in MISSED:
            log_rest(session, station, broadcast, LogStatus.MISSED, MISSED[i])
            finish(session, broadcast, None, MISSED[i])
            out.problems[broadcast.id] = "missed"
        elif i in FAILED:
            log_rest(session, station, broadcast, LogStatus.FAILED, FAILED[i], sinks=sinks)
            finish(session, broadcast, start, FAILED[i])
            out.problems[broadcast.id] = "missed"
        elif i in LATE:
            airing = Airing(0.0, start + timedelta(seconds=95), sinks, late=True)
            log_through(session, station, broadcast, airing, full)
            finish(session, broadcast, airing.at(full))
            out.problems[broadcast.id] = "late"
        elif i in INTERRUPTED:
            airing = Airing(0.0, start, sinks)
            cut = round(full * 0.45, 3)
            log_cut(session, station, broadcast, airing, cut, INTERRUPTED[i])
            log_rest(session, station, broadcast, LogStatus.SKIPPED, INTERRUPTED[i], sinks=sinks)
            finish(session, broadcast, airing.at(cut), INTERRUPTED[i])
            out.problems[broadcast.id] = "interrupted"
        else:
            if i in ZONED:
                broadcast.zone_ids = [zones["thon-3"].id, zones["thon-4"].id]
            airing = Airing(0.0, start + timedelta(seconds=0.2), sinks)
            log_through(session, station, broadcast, airing, full)
            finish(session, broadcast, airing.at(full))
        out.broadcasts += 1
    return out


@pytest.fixture(scope="session")
def month_dir(tmp_path_factory, demo_template):
    """The demo with a whole campaign month logged (built once per test session)."""
    settings = clone_settings(demo_template, tmp_path_factory.mktemp("month"))
    engine = make_engine(settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        injected = build_month(session, settings)
    engine.dispose()
    yield settings, injected
    drop_database(settings.database_url)


@pytest.fixture
def month(tmp_path, month_dir):
    """A private copy of the logged month for one test: (settings, factory, injected problems)."""
    source, injected = month_dir
    settings = clone_settings(source, tmp_path)
    previous = os.environ.get("LOAXA_DATABASE_URL")
    if settings.database_url:
        os.environ["LOAXA_DATABASE_URL"] = settings.database_url
    engine = make_engine(settings.db_url)
    yield settings, make_session_factory(engine), injected
    engine.dispose()
    _restore_env(previous)
    discard(settings)
