"""The station's music bed (filler): one length whoever makes it first, and a programme preview writes no audio."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from broadcast.content.assets import ensure_jingles
from broadcast.db import transaction
from broadcast.models import Asset, Broadcast, Slot
from broadcast.planning.programmes import plan_days, preview_days
from broadcast.planning.slots import create_template
from broadcast.province.setup import create_station, numbered_zones
from broadcast.stations.lookup import get_station

SLUG = "xa-nen"
DAY = date(2024, 11, 20)
BEFORE = datetime(2024, 11, 1, tzinfo=timezone.utc)
# A relay of 28 min 20 s in a 30 min slot leaves 100 s that the filler closes.
RELAY_S, GAP_S = 1700, 100.0


def ffprobe_seconds(path: Path) -> float:
    """Duration of an audio file as ffprobe reads it (the real file, not the row)."""
    out = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return float(json.loads(out)["format"]["duration"])


@pytest.fixture
def station_settings(settings, factory):
    """A new commune whose daily slots end with a music bed, and settings naming it."""
    with transaction(factory) as session:
        station = create_station(session, SLUG, "Xã Nền", numbered_zones(2))
        template = create_template(session, station, "Tiếp sóng và nhạc nền", [
            {"kind": "relay", "url": "http://127.0.0.1:9/tinh", "seconds": RELAY_S, "title": "Đài tỉnh"}, {"kind": "filler", "max_s": 180}])
        for slot in session.scalars(select(Slot).where(Slot.station_id == station.id)):
            slot.template_id = template.id
    return dataclasses.replace(settings, station=SLUG)


def by_setup(settings, factory) -> None:
    with transaction(factory) as session:
        ensure_jingles(session, settings, get_station(session, SLUG))


def by_planning(settings, factory) -> None:
    with transaction(factory) as session:
        plan_days(session, settings, get_station(session, SLUG), DAY, DAY, BEFORE)


def by_playout(settings, factory) -> None:
    from scheduler import context
    from scheduler.sync import sync
    from tests.scheduler.conftest import sim_context

    ctx = sim_context(settings, factory, datetime(2024, 11, 20, 1, 0, tzinfo=timezone.utc))
    ctx.plan_until = date(2024, 1, 1)  # no planning pass: the player's own dead-air cover makes the bed
    try:
        sync(ctx)
    finally:
        context.install(None)


@pytest.mark.parametrize("make_first", [by_setup, by_planning, by_playout], ids=["setup", "planning", "playout"])
def test_the_filler_has_one_length_whoever_makes_it_first(station_settings, factory, make_first):
    make_first(station_settings, factory)
    with transaction(factory) as session:
        fillers = session.scalars(select(Asset).where(Asset.kind == "filler")).all()
        assert len(fillers) == 1
        path, name = Path(fillers[0].path), fillers[0].name
    assert ffprobe_seconds(path) == pytest.approx(180.0, abs=0.001)
    assert name == "Nhạc nền"
    by_setup(station_settings, factory)  # the others then keep it
    by_planning(station_settings, factory)
    with transaction(factory) as session:
        assert [Path(a.path) for a in session.scalars(select(Asset).where(Asset.kind == "filler"))] == [path]


def test_a_preview_writes_no_audio_and_shows_the_plan_that_saving_makes(station_settings, factory):
    audio_dir = station_settings.audio_dir
    with transaction(factory) as session:
        preview = preview_days(session, station_settings, get_station(session, SLUG), DAY, DAY, BEFORE)
    assert not audio_dir.exists() or not [p for p in audio_dir.rglob("*") if p.is_file()]
    with transaction(factory) as session:
        assert session.scalar(select(func.count()).select_from(Asset)) == 0
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 0
    shown = [[(i.item_type, i.title, i.duration_s) for i in p.items] for p in preview.programmes]
    assert shown == [[("relay", "Đài tỉnh", RELAY_S), ("filler", "Nhạc nền", GAP_S)]] * 2
    with transaction(factory) as session:
        saved = plan_days(session, station_settings, get_station(session, SLUG), DAY, DAY, BEFORE)
        assert [[(i.item_type, i.title, i.duration_s) for i in p.items] for p in saved.programmes] == shown
