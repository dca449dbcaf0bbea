"""The as-run log's hash chain detects altered and removed rows; exports keep the contract."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select, text

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, LogStatus, Station
from broadcast.timeutil import VN_TZ
from tests.broadcast.golden_log import DIGEST_A, DIGEST_A_WITHOUT_OFFSET, DIGESTS, add_referenced_rows, golden_entries, golden_rows

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


def test_golden_rows_hash_to_their_literal_digests():
    prev = asrun.GENESIS
    for seq, (entry, digest) in enumerate(zip(golden_entries(), DIGESTS), start=1):
        entry.seq = seq
        assert asrun.row_digest(entry, prev) == digest, seq
        prev = digest


def test_append_writes_the_golden_chain_and_it_verifies_after_a_round_trip(factory):
    with transaction(factory) as session:
        add_referenced_rows(session)
        written = [asrun.append(session, entry) for entry in golden_entries()]
        assert [(r.seq, r.prev_hash, r.row_hash) for r in written] == [
            (1, "0" * 64, DIGESTS[0]), (2, DIGESTS[0], DIGESTS[1]), (3, DIGESTS[1], DIGESTS[2])]
    with transaction(factory) as session:  # read back from the database: the stored values still give the same digests
        stored = session.scalars(select(AsRunEntry).order_by(AsRunEntry.seq)).all()
        assert [r.row_hash for r in stored] == list(DIGESTS)
        assert (stored[0].seconds, stored[0].start_offset_ms, stored[1].start_offset_ms, stored[2].start_offset_ms) == (61.235, 12.346, None, 0.0)
        assert asrun.verify(session, 1) == asrun.VerifyResult(True, 3)


def test_a_row_without_start_offset_keeps_the_digest_it_had_before_the_column_existed():
    entry = golden_entries()[0]
    entry.seq = 1
    entry.start_offset_ms = None
    assert asrun.row_digest(entry, asrun.GENESIS) == DIGEST_A_WITHOUT_OFFSET
    entry.start_offset_ms = 12.346
    assert asrun.row_digest(entry, asrun.GENESIS) == DIGEST_A  # setting (or altering) the offset changes the digest


CHANGED = {"station_id": 2, "seq": 9, "broadcast_id": 8, "broadcast_item_id": 23, "zones": "thon-1", "slot_start": datetime(2024, 11, 14, 22, 31, tzinfo=timezone.utc),
           "slot_end": datetime(2024, 11, 14, 23, 6, tzinfo=timezone.utc), "planned_start": datetime(2024, 11, 14, 22, 30, 13, tzinfo=timezone.utc),
           "actual_start": None, "actual_end": None, "item_type": "jingle", "item_ref": "script:5", "title": "Bình đẳng giới", "campaign": "bdg-2025",
           "voice": "gtts:vi", "status": LogStatus.LATE, "seconds": 61.236, "sinks": "aircheck", "reason": "trễ", "start_offset_ms": 12.347,
           "zones_reached": "thon-1"}


@pytest.mark.parametrize("field", asrun.HASHED_FIELDS + asrun.OPTIONAL_HASHED_FIELDS)
def test_altering_any_hashed_field_changes_the_digest(field):
    entry = golden_entries()[0]
    entry.seq = 1
    assert golden_rows()[0].get(field, 1) != CHANGED[field]
    setattr(entry, field, CHANGED[field])
    assert asrun.row_digest(entry, asrun.GENESIS) != DIGEST_A


def test_every_hashed_field_is_covered_by_the_golden_rows():
    assert set(CHANGED) == set(asrun.HASHED_FIELDS + asrun.OPTIONAL_HASHED_FIELDS)
    assert asrun.HASHED_FIELDS == (
        "station_id", "seq", "broadcast_id", "broadcast_item_id", "zones", "slot_start", "slot_end", "planned_start", "actual_start",
        "actual_end", "item_type", "item_ref", "title", "campaign", "voice", "status", "seconds", "sinks", "reason")
    assert asrun.OPTIONAL_HASHED_FIELDS == ("start_offset_ms", "zones_reached")


def test_a_row_without_zones_reached_keeps_its_golden_digest_and_setting_it_changes_the_digest():
    entry = golden_entries()[0]
    entry.seq = 1
    entry.zones_reached = None
    assert asrun.row_digest(entry, asrun.GENESIS) == DIGEST_A
    entry.zones_reached = ""  # judged, and no zone reached: hashed, unlike None
    assert asrun.row_digest(entry, asrun.GENESIS) != DIGEST_A
    # Row A's canonical text (golden_log's docstring) with ,"zones_reached":"thon-3" before its closing brace, hashed by hand.
    entry.zones_reached = "thon-3"
    assert asrun.row_digest(entry, asrun.GENESIS) == "6de75598a8d02a4f9db7f4ca1b4b8d8e5428e5ab4982596e990815e362079b6c"
