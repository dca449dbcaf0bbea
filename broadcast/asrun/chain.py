"""The as-run log: append rows chained by hash, verify the chain, export rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Iterable, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from broadcast.db import read_rows
from broadcast.hashchain import GENESIS, VerifyResult, digest, export_csv, to_json, walk  # noqa: F401 - to_json is this module's export too
from broadcast.models import AsRunEntry, Station
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import check_day_order, iso_local, local_day_bounds

# The exported fields, in order (the contract of `loaxa log`).
EXPORT_FIELDS = (
    "broadcast_id", "station", "zones", "slot_start", "slot_end", "planned_start", "actual_start",
    "actual_end", "item_type", "item_id", "title", "campaign", "voice", "status", "seconds", "sinks",
)

# The columns covered by the hash: everything a report is computed from.
HASHED_FIELDS = (
    "station_id", "seq", "broadcast_id", "broadcast_item_id", "zones", "slot_start", "slot_end",
    "planned_start", "actual_start", "actual_end", "item_type", "item_ref", "title", "campaign",
    "voice", "status", "seconds", "sinks", "reason",
)


# Hashed only when set, so rows written before the column existed keep their digest.
OPTIONAL_HASHED_FIELDS = ("start_offset_ms", "zones_reached")


def row_digest(entry: AsRunEntry, prev_hash: str) -> str:
    """SHA-256 over the previous hash and this row's hashed fields."""
    payload = {name: getattr(entry, name) for name in HASHED_FIELDS}
    for name in OPTIONAL_HASHED_FIELDS:
        if getattr(entry, name) is not None:
            payload[name] = getattr(entry, name)
    return digest(prev_hash, payload)


# Built once and read without the ORM: it runs for every appended row and every cached log page, where both cost more
# than running it.
_HEAD = (select(AsRunEntry.seq, AsRunEntry.row_hash).where(AsRunEntry.station_id == bindparam("station_id"))
         .order_by(AsRunEntry.seq.desc()).limit(1))


def head(session: Session, station_id: int) -> tuple[int, str]:
    """A station's last log row as (seq, row_hash); (0, GENESIS) for an empty log. The hash covers every row before it."""
    rows = read_rows(session, _HEAD, {"station_id": station_id})
    return (rows[0].seq, rows[0].row_hash) if rows else (0, GENESIS)


def append(session: Session, entry: AsRunEntry) -> AsRunEntry:
    """Give the row its sequence number and chained hash, and add it to the session."""
    last_seq, last_hash = head(session, entry.station_id)
    entry.seq = last_seq + 1
    entry.prev_hash = last_hash
    entry.seconds = round(float(entry.seconds or 0.0), 3)
    if entry.start_offset_ms is not None:
        entry.start_offset_ms = round(float(entry.start_offset_ms), 3)
    entry.row_hash = ""
    session.add(entry)
    session.flush()  # column defaults are filled in by the flush, and they are hashed too
    entry.row_hash = row_digest(entry, entry.prev_hash)
    session.flush()
    return entry


def verify(session: Session, station_id: int) -> VerifyResult:
    """Walk a station's chain and report the first altered, inserted or removed row."""
    rows = session.execute(
        select(AsRunEntry).where(AsRunEntry.station_id == station_id).order_by(AsRunEntry.seq)
    ).scalars()
    return walk(rows, row_digest)


def export_row(entry: AsRunEntry, station: Station, tz: ZoneInfo) -> dict[str, Any]:
    """One log row in the export contract's field names and formats."""
    return {
        "broadcast_id": entry.broadcast_id,
        "station": station.slug,
        "zones": entry.zones,
        "slot_start": iso_local(entry.slot_start, tz),
        "slot_end": iso_local(entry.slot_end, tz),
        "planned_start": iso_local(entry.planned_start, tz),
        "actual_start": iso_local(entry.actual_start, tz),
        "actual_end": iso_local(entry.actual_end, tz),
        "item_type": entry.item_type,
        "item_id": entry.item_ref,
        "title": entry.title,
        "campaign": entry.campaign,
        "voice": entry.voice,
        "status": entry.status.value,
        "seconds": round(entry.seconds, 3),
        "sinks": entry.sinks,
    }


def query_rows(session: Session, station_id: int, start: datetime | None = None, end: datetime | None = None) -> Sequence[AsRunEntry]:
    """Rows of a station whose planned start is in [start, end), in log order."""
    stmt = select(AsRunEntry).where(AsRunEntry.station_id == station_id)
    if start is not None:
        stmt = stmt.where(AsRunEntry.planned_start >= start)
    if end is not None:
        stmt = stmt.where(AsRunEntry.planned_start < end)
    return session.execute(stmt.order_by(AsRunEntry.seq)).scalars().all()


def rows_after(session: Session, station_id: int, after_seq: int, limit: int) -> Sequence[AsRunEntry]:
    """Up to `limit` rows of a station after sequence number `after_seq`, in log order (paging by sequence)."""
    stmt = select(AsRunEntry).where(AsRunEntry.station_id == station_id, AsRunEntry.seq > after_seq)
    return session.execute(stmt.order_by(AsRunEntry.seq).limit(limit)).scalars().all()


def rows_on_days(session: Session, station: Station, first: date | None = None, last: date | None = None) -> Sequence[AsRunEntry]:
    """Rows of a station planned on its local days first..last (an open end takes the whole log that way), in log order."""
    check_day_order(first, last)
    tz = station_tz(station)
    return query_rows(session, station.id, local_day_bounds(first, tz)[0] if first else None, local_day_bounds(last, tz)[1] if last else None)


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """CSV text with the export header."""
    return export_csv(rows, EXPORT_FIELDS)
