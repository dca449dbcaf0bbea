"""The as-run log's hash chain detects altered and removed rows; exports keep the contract."""

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, text

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, LogStatus, Station
from broadcast.timeutil import VN_TZ

T0 = datetime(2024, 11, 15, 10, 0, tzinfo=timezone.utc)


def _fill(factory, n=5):
    with transaction(factory) as session:
        station = Station(slug="s1", name="Đài thử")
        session.add(station)
        session.flush()
        for i in range(n):
            asrun.append(session, AsRunEntry(
                station_id=station.id, planned_start=T0 + timedelta(minutes=i), actual_start=T0 + timedelta(minutes=i, seconds=0.004),
                actual_end=T0 + timedelta(minutes=i, seconds=30), item_type="script", item_ref=f"script:{i}", title=f"Bài {i}",
                campaign="bdg-2024", voice="espeak:vi", status=LogStatus.PLAYED, seconds=30.0, sinks="aircheck",
            ))
        return station.id


def test_chain_verifies_then_detects_edit(factory):
    sid = _fill(factory)
    with transaction(factory) as session:
        assert asrun.verify(session, sid) == asrun.VerifyResult(True, 5)
        session.execute(text("UPDATE asrun_log SET seconds = 300 WHERE seq = 3"))
    with transaction(factory) as session:
        result = asrun.verify(session, sid)
    assert not result.ok and result.first_bad_seq == 3


def test_chain_detects_removed_row(factory):
    sid = _fill(factory)
    with transaction(factory) as session:
        session.execute(delete(AsRunEntry).where(AsRunEntry.seq == 2))
    with transaction(factory) as session:
        result = asrun.verify(session, sid)
    assert not result.ok and result.first_bad_seq == 2


def test_times_stay_aware_utc_and_export_has_offset(factory):
    sid = _fill(factory, 1)
    with transaction(factory) as session:
        row = asrun.query_rows(session, sid)[0]
        assert row.planned_start == T0 and row.planned_start.tzinfo is not None
        station = session.get(Station, sid)
        exported = asrun.export_row(row, station, VN_TZ)
    assert list(exported) == list(asrun.EXPORT_FIELDS)
    assert exported["planned_start"] == "2024-11-15T17:00:00+07:00"
    assert isinstance(exported["seconds"], float)
    assert json.loads(asrun.to_json([exported]))[0]["campaign"] == "bdg-2024"
    assert asrun.to_csv([exported]).splitlines()[0] == ",".join(asrun.EXPORT_FIELDS)
