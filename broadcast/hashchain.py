"""Hash chains of rows (the as-run log, the audit trail): one canonical encoding, one digest, one walk."""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

from broadcast.timeutil import to_utc

GENESIS = "0" * 64


def canonical(value: Any) -> Any:
    """A stable JSON-able form of a column value (datetimes as UTC ISO, enums as their value, floats rounded)."""
    if isinstance(value, datetime):
        return to_utc(value).isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        return round(value, 3)
    return value


def digest(prev_hash: str, payload: Mapping[str, Any]) -> str:
    """SHA-256 hex of the previous hash followed by the payload's compact JSON (keys sorted, non-ASCII kept)."""
    text = prev_hash + json.dumps({k: canonical(v) for k, v in payload.items()}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ChainedRow(Protocol):
    """What the walk reads of a row."""

    seq: int
    prev_hash: str
    row_hash: str


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of a chain check: ok, rows checked, and the first bad row if any."""

    ok: bool
    rows: int
    first_bad_seq: int | None = None
    reason: str = ""


def walk(rows: Iterable[ChainedRow], row_digest: Callable[[Any, str], str]) -> VerifyResult:
    """Check rows in sequence order from 1 and report the first altered, inserted or removed one."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in rows:
        count += 1
        if entry.seq != expected_seq:
            return VerifyResult(False, count, expected_seq, f"thiếu dòng số {expected_seq} (đã bị xóa)")
        if entry.prev_hash != prev:
            return VerifyResult(False, count, entry.seq, f"dòng số {entry.seq} không nối với dòng trước (dòng trước đã bị sửa hoặc xóa)")
        if row_digest(entry, prev) != entry.row_hash:
            return VerifyResult(False, count, entry.seq, f"dòng số {entry.seq} đã bị sửa sau khi ghi")
        prev = entry.row_hash
        expected_seq += 1
    return VerifyResult(True, count)


def export_csv(rows: Iterable[dict[str, Any]], fields: Sequence[str]) -> str:
    """A chained log's rows as CSV text under its export header (the as-run log's and the audit trail's one writer)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(fields), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()


def to_json(rows: Iterable[dict[str, Any]]) -> str:
    """A chained log's rows as one JSON array of row objects."""
    return json.dumps(list(rows), ensure_ascii=False, indent=1)
