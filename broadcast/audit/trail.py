"""Append audit rows chained by hash, verify the chain, query and export rows."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, text
from sqlalchemy.orm import Session

from broadcast.audit.labels import action_label
from broadcast.db import page_of
from broadcast.hashchain import GENESIS, VerifyResult, digest, export_csv, to_json, walk  # noqa: F401 - to_json is this module's export too
from broadcast.models import AuditEntry, utcnow
from broadcast.timeutil import iso_local

# The columns covered by the hash: every column but the row id and the two hashes.
HASHED_FIELDS = (
    "seq", "at", "actor_kind", "actor", "user_id", "station_id", "action",
    "object_type", "object_id", "object_title", "changes", "client",
)

# The exported fields, in order (the contract of `loaxa audit` and the panel's CSV).
EXPORT_FIELDS = (
    "seq", "at", "actor_kind", "actor", "station_id", "action", "action_label", "object_type", "object_id",
    "object_title", "changes", "client", "row_hash",
)

# Who acts: a panel user, the CLI (the OS user), an API token (its name), or nobody known (a failed login).
ACTOR_KINDS = ("user", "cli", "token", "anonymous")

# A key of Session.info: an audit row was written in the open transaction (the capture then adds none).
RECORDED = "audit_recorded"

# The object types shown in the page's filter, in Vietnamese.
OBJECT_LABELS = {
    "Script": "Bài phát thanh", "Recording": "Bản ghi âm", "Campaign": "Chiến dịch", "Bulletin": "Bản tin",
    "Slot": "Khung giờ", "Broadcast": "Buổi phát", "User": "Người dùng", "Membership": "Vai trò", "Station": "Đài",
    "Zone": "Cụm loa", "LexiconEntry": "Từ điển", "ReportNote": "Báo cáo", "ApiToken": "Mã API", "Backup": "Bản sao lưu",
}

# One PostgreSQL advisory lock serialises appends; SQLite serialises writers by its write lock.
_PG_LOCK = 7_424_101


@dataclass(frozen=True)
class Actor:
    """Who did it: kind (one of ACTOR_KINDS), the name shown, and the user's id when one is known."""

    kind: str
    name: str
    user_id: int | None = None


@dataclass(frozen=True)
class ObjectRef:
    """What it was done to, by value (kept after the object is deleted)."""

    type: str = ""
    id: str = ""
    title: str = ""


def object_ref(obj: Any) -> ObjectRef:
    """An ObjectRef for a model row (or None / an ObjectRef as is): class name, primary key, its human name."""
    if obj is None:
        return ObjectRef()
    if isinstance(obj, ObjectRef):
        return obj
    title = next((str(v) for v in (getattr(obj, n, None) for n in ("title", "name", "full_name", "username", "label", "slug")) if v), "")
    ident = getattr(obj, "id", None)
    return ObjectRef(type(obj).__name__, "" if ident is None else str(ident), title[:300])


def encode_changes(changes: Mapping[str, Any] | str | None) -> str:
    """The changes summary as stored: compact JSON with keys sorted (a string is kept as is)."""
    if not changes:
        return ""
    if isinstance(changes, str):
        return changes
    return json.dumps(changes, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def row_digest(entry: AuditEntry, prev_hash: str) -> str:
    """SHA-256 over the previous hash and this row's hashed fields."""
    return digest(prev_hash, {name: getattr(entry, name) for name in HASHED_FIELDS})


def _lock(session: Session) -> None:
    """Take the write lock before reading the head, so two writers cannot both append after the same row."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    else:
        session.execute(delete(AuditEntry).where(AuditEntry.id < 0))  # deletes nothing; begins the write transaction


def head(session: Session) -> tuple[int, str]:
    """The last row as (seq, row_hash); (0, GENESIS) for an empty trail."""
    last = session.execute(select(AuditEntry.seq, AuditEntry.row_hash).order_by(AuditEntry.seq.desc()).limit(1)).first()
    return (last.seq, last.row_hash) if last else (0, GENESIS)


def record(session: Session, actor: Actor, action: str, obj: Any = None, changes: Mapping[str, Any] | str | None = None,
           client: str = "", station_id: int | None = None, at: datetime | None = None) -> AuditEntry:
    """Append one audit row in the session's transaction (committed or rolled back with the change it records)."""
    ref = object_ref(obj)
    if station_id is None and obj is not None and not isinstance(obj, ObjectRef):
        station_id = getattr(obj, "station_id", None)
    _lock(session)
    last_seq, last_hash = head(session)
    entry = AuditEntry(
        seq=last_seq + 1, at=at or utcnow(), actor_kind=actor.kind, actor=actor.name[:200], user_id=actor.user_id,
        station_id=station_id, action=action[:100], object_type=ref.type[:50], object_id=ref.id[:64],
        object_title=ref.title[:300], changes=encode_changes(changes), client=(client or "")[:200], prev_hash=last_hash,
    )
    entry.row_hash = row_digest(entry, last_hash)
    session.add(entry)
    session.info[RECORDED] = True
    session.flush()
    return entry


def verify(session: Session) -> VerifyResult:
    """Walk the whole trail and report the first altered, inserted or removed row."""
    return walk(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars(), row_digest)


@dataclass(frozen=True)
class AuditFilter:
    """What the page and the CLI filter on; None or "" means any."""

    start: datetime | None = None
    end: datetime | None = None
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    station_id: int | None = None
    include_unscoped: bool = False  # with station_id: also the rows of no station (CLI, failed logins)


def _select(f: AuditFilter):  # type: ignore[no-untyped-def]
    stmt = select(AuditEntry)
    if f.start is not None:
        stmt = stmt.where(AuditEntry.at >= f.start)
    if f.end is not None:
        stmt = stmt.where(AuditEntry.at < f.end)
    if f.actor:
        stmt = stmt.where(AuditEntry.actor == f.actor)
    if f.action:
        stmt = stmt.where(AuditEntry.action.startswith(f.action, autoescape=True))
    if f.object_type:
        stmt = stmt.where(AuditEntry.object_type == f.object_type)
    if f.object_id:
        stmt = stmt.where(AuditEntry.object_id == f.object_id)
    if f.station_id is not None:
        here = AuditEntry.station_id == f.station_id
        stmt = stmt.where(or_(here, AuditEntry.station_id.is_(None)) if f.include_unscoped else here)
    return stmt


def query(session: Session, f: AuditFilter) -> Sequence[AuditEntry]:
    """Every row matching the filter, in chain order."""
    return session.execute(_select(f).order_by(AuditEntry.seq)).scalars().all()


def page(session: Session, f: AuditFilter, number: int, per_page: int) -> tuple[list[AuditEntry], int]:
    """One page of the matching rows, newest first, and how many match."""
    return page_of(session, _select(f).order_by(AuditEntry.seq.desc()), number, per_page)


def actors(session: Session) -> list[str]:
    """Every actor name in the trail, sorted (for the page's filter)."""
    return sorted(session.scalars(select(AuditEntry.actor).distinct()))


def export_row(entry: AuditEntry, tz: ZoneInfo) -> dict[str, Any]:
    """One row in the export contract's field names, its time in the station's zone."""
    return {
        "seq": entry.seq, "at": iso_local(entry.at, tz), "actor_kind": entry.actor_kind, "actor": entry.actor,
        "station_id": entry.station_id, "action": entry.action, "action_label": action_label(entry.action), "object_type": entry.object_type,
        "object_id": entry.object_id, "object_title": entry.object_title, "changes": entry.changes,
        "client": entry.client, "row_hash": entry.row_hash,
    }


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """CSV text with the export header."""
    return export_csv(rows, EXPORT_FIELDS)
