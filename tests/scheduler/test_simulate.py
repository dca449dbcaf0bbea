"""`loaxa simulate` over the 2024 campaign month: same jobs, simulated clock, a verifiable as-run log."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, Broadcast, BroadcastStatus, LogStatus
from broadcast.stations.lookup import get_station
from broadcast.timeutil import UTC
from loaxa.cli import main


def test_campaign_month_simulates_to_a_complete_verified_log(simulated_month):
    """The month aired by `loaxa simulate` (the session's simulated_month fixture: the command exited 0) and its log."""
    settings, factory = simulated_month
    data_dir = str(settings.data_dir)
    runner = CliRunner()

    with transaction(factory) as session:
        station = get_station(session, "cam-tan")
        broadcasts = session.scalars(select(Broadcast).where(Broadcast.station_id == station.id).order_by(Broadcast.planned_start)).all()
        in_range = [b for b in broadcasts if date(2024, 11, 14) <= b.planned_start.date() <= date(2024, 12, 15)]
        # 31 days x 2 slots, each aired once, in full, on the simulated time.
        assert len(in_range) == 62
        assert all(b.status == BroadcastStatus.DONE for b in in_range), Counter(b.status for b in in_range)
        rows = session.scalars(select(AsRunEntry).where(AsRunEntry.station_id == station.id).order_by(AsRunEntry.seq)).all()
        per_item = Counter(r.broadcast_item_id for r in rows)
        assert max(per_item.values()) == 1  # nothing doubled
        for b in in_range:
            logged = [r for r in rows if r.broadcast_id == b.id]
            assert len(logged) == len(b.items) and len(logged) >= 3
            assert {r.status for r in logged} == {LogStatus.PLAYED}
            assert logged[0].actual_start == b.planned_start  # the clock starts exactly on time in simulation
            assert abs(sum(r.seconds for r in logged) - sum(i.duration_s for i in b.items)) < 0.5
        assert {r.campaign for r in rows} >= {"bdg-2024", ""}
        # Nothing planned past the simulated range.
        assert max(b.planned_start for b in broadcasts if b.planned_start.year == 2024).date() <= date(2024, 12, 15)
        assert asrun.verify(session, station.id).ok

    verify = runner.invoke(main, ["--data-dir", data_dir, "log", "verify"])
    assert verify.exit_code == 0 and "toàn vẹn" in verify.output
    fields = ["broadcast_id", "station", "zones", "slot_start", "slot_end", "planned_start", "actual_start", "actual_end",
              "item_type", "item_id", "title", "campaign", "voice", "status", "seconds", "sinks"]
    out = runner.invoke(main, ["--data-dir", data_dir, "log", "--from", "2024-11-15", "--to", "2024-11-15", "--format", "json"])
    data = json.loads(out.output)
    assert data and all(list(row) == fields for row in data)
    assert data[0]["slot_start"] == "2024-11-15T05:30:00+07:00" and data[0]["sinks"] == "null"
    assert isinstance(data[0]["seconds"], float) and data[0]["campaign"] == ""
    two_days = json.loads(runner.invoke(main, ["--data-dir", data_dir, "log", "--from", "2024-11-15", "--to", "2024-11-16", "--format", "json"]).output)
    out = runner.invoke(main, ["--data-dir", data_dir, "log", "--from", "2024-11-15", "--to", "2024-11-16", "--format", "csv"])
    table = list(csv.reader(io.StringIO(out.output)))
    assert table[0] == fields and len(table) - 1 == len(two_days) > len(data)
    assert [row[0] for row in table[1:]] == [str(row["broadcast_id"]) for row in two_days]


def test_simulating_a_range_that_has_not_passed_needs_a_copy(demo_settings, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--data-dir", str(demo_settings.data_dir), "simulate", "--from", "2099-01-01", "--to", "2099-01-02"])
    assert result.exit_code != 0 and "--into" in result.output and "Traceback" not in result.output


FAR = datetime(2098, 12, 31, tzinfo=UTC)


@pytest.mark.sqlite_only  # --into makes a SQLite copy; on PostgreSQL the command refuses it with a sentence saying so
def test_simulating_ahead_into_a_copy_leaves_the_real_database_alone(demo_settings, demo_factory, tmp_path):
    from broadcast.config import load_settings
    from broadcast.db import make_engine, make_session_factory

    copy_dir = tmp_path / "thu"
    result = CliRunner().invoke(main, ["--data-dir", str(demo_settings.data_dir), "simulate", "--from", "2099-01-01",
                                       "--to", "2099-01-01", "--into", str(copy_dir)])
    assert result.exit_code == 0, result.output
    with transaction(demo_factory) as session:
        assert not session.scalars(select(Broadcast).where(Broadcast.planned_start >= FAR)).all()
    engine = make_engine(load_settings(env={}, data_dir=str(copy_dir)).db_url)
    with transaction(make_session_factory(engine)) as session:
        aired = session.scalars(select(Broadcast).where(Broadcast.planned_start >= FAR)).all()
        assert [b.status for b in aired] == [BroadcastStatus.DONE, BroadcastStatus.DONE]
        assert asrun.verify(session, get_station(session, "cam-tan").id).ok
    engine.dispose()
