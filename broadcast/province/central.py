"""The central side of edge playout: tokens, the plan window a player copies, audio by hash, log intake."""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from broadcast.asrun import chain as asrun
from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import (
    AIRED_IN_FULL, UNSTARTED, Asset, AsRunEntry, Broadcast, BroadcastItem, BroadcastStatus, Campaign, EdgeStatus, LogStatus, PlayerHeartbeat, Script,
    Station, Zone,
)
from broadcast.models.edge import EdgeAudio, EdgeToken
from broadcast.stations.tokens import hash_token
from broadcast.timeutil import to_utc

API_VERSION = 1
# Log rows accepted in one POST: bounds request size and transaction length.
MAX_ROWS_PER_POST = 1000
# Columns of a log row sent and stored verbatim (everything hashed, plus the chain and created_at).
LOG_FIELDS = asrun.HASHED_FIELDS + asrun.OPTIONAL_HASHED_FIELDS + ("prev_hash", "row_hash", "created_at")
_DATETIME_FIELDS = {"slot_start", "slot_end", "planned_start", "actual_start", "actual_end", "created_at"}


def create_token(session: Session, station: Station, label: str, now: datetime) -> str:
    """A new token for a station's player; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    session.add(EdgeToken(station_id=station.id, label=label.strip()[:200], token_hash=hash_token(token), created_at=now))
    session.flush()
    return token


def revoke_tokens(session: Session, station: Station, label: str | None = None) -> int:
    """Deactivate a station's tokens (all, or those with a label); returns how many."""
    stmt = select(EdgeToken).where(EdgeToken.station_id == station.id, EdgeToken.is_active.is_(True))
    if label is not None:
        stmt = stmt.where(EdgeToken.label == label)
    tokens = session.scalars(stmt).all()
    for token in tokens:
        token.is_active = False
    session.flush()
    return len(tokens)


def station_is_edge(session: Session, station_id: int) -> bool:
    """Whether a station airs from its own player (it holds an active sync token), so the centre must not air it."""
    return session.scalar(select(EdgeToken.id).where(EdgeToken.station_id == station_id, EdgeToken.is_active.is_(True)).limit(1)) is not None


def check_central_playout(session: Session, station: Station) -> None:
    """Refuse to air a station from the province server once it airs from its own player: each broadcast would be logged twice."""
    if station_is_edge(session, station.id):
        raise Conflict(f"Đài {station.slug} phát bằng trình phát riêng tại xã (đã cấp mã đồng bộ): máy chủ tỉnh không phát thay, "
                       "nếu không một buổi sẽ được ghi hai lần.")


def station_for_token(session: Session, token: str, now: datetime) -> Station:
    """The station an active token belongs to, or PermissionDenied."""
    row = session.scalar(select(EdgeToken).where(EdgeToken.token_hash == hash_token(token or ""), EdgeToken.is_active.is_(True)))
    if row is None:
        raise PermissionDenied("Mã đồng bộ không đúng hoặc đã bị thu hồi: hãy xin mã mới bằng `loaxa edge token create` ở máy chủ tỉnh.")
    row.last_used_at = now
    return session.get(Station, row.station_id)


def iso(value: datetime | None) -> str | None:
    """UTC ISO text of an aware datetime (None stays None)."""
    return to_utc(value).isoformat() if value is not None else None


def parse_iso(value: str | None, field: str) -> datetime | None:
    """An aware datetime from ISO text, or InvalidInput naming the field."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"Thời điểm {field}={value!r} không đúng dạng ISO 8601: hãy gửi ví dụ 2024-11-15T05:30:00+07:00.", field=field) from None
    if parsed.tzinfo is None:
        raise InvalidInput(f"Thời điểm {field}={value!r} thiếu múi giờ: hãy gửi kèm +07:00 hoặc Z.", field=field)
    return to_utc(parsed)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def audio_hash(session: Session, station_id: int, path: str, now: datetime) -> EdgeAudio | None:
    """The cached hash of a station's audio file (rehashed when size or mtime changed); None if missing."""
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    row = session.scalar(select(EdgeAudio).where(EdgeAudio.station_id == station_id, EdgeAudio.path == path))
    if row is not None and row.size == stat.st_size and row.mtime_ns == stat.st_mtime_ns:
        return row
    if row is None:
        row = EdgeAudio(station_id=station_id, path=path)
        session.add(row)
    row.sha256, row.size, row.mtime_ns, row.checked_at = file_sha256(Path(path)), stat.st_size, stat.st_mtime_ns, now
    session.flush()
    return row


def _columns(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    out = {}
    for name in names:
        value = getattr(obj, name)
        if isinstance(value, datetime):
            value = iso(value)
        elif isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date):
            value = value.isoformat()
        out[name] = value
    return out


BROADCAST_FIELDS = ("id", "kind", "title", "priority", "slot_start", "slot_end", "planned_start", "zone_ids", "status", "plan_hash", "note")
ITEM_FIELDS = ("id", "position", "item_type", "script_id", "asset_id", "campaign_id", "title", "voice", "relay_url", "offset_s", "duration_s", "reason")


def plan_window(session: Session, station: Station, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Everything a player needs to air [start, end) on its own: broadcasts, items, zones, referenced rows and audio hashes."""
    if end <= start:
        raise InvalidInput("Khoảng thời gian rỗng: 'to' phải sau 'from'.", field="to")
    if (end - start).days > 31:
        raise InvalidInput("Chỉ đồng bộ tối đa 31 ngày mỗi lần: hãy thu hẹp khoảng 'from'–'to'.", field="to")
    broadcasts = session.scalars(
        select(Broadcast).where(
            Broadcast.station_id == station.id, Broadcast.planned_start >= start, Broadcast.planned_start < end,
            Broadcast.status != BroadcastStatus.CANCELLED,
        ).order_by(Broadcast.planned_start, Broadcast.id)
    ).all()
    audio: dict[str, int] = {}
    script_ids, asset_ids, campaign_ids = set(), set(), set()
    out_broadcasts = []
    for broadcast in broadcasts:
        items = []
        for item in broadcast.items:
            row = _columns(item, ITEM_FIELDS)
            row["audio_sha256"] = None
            if item.audio_path:
                cached = audio_hash(session, station.id, item.audio_path, now)
                if cached is None:
                    raise NotFound(f"Thiếu tệp âm thanh của mục '{item.title}' (buổi {broadcast.id}) trên máy chủ tỉnh: hãy tạo lại âm thanh rồi đồng bộ.")
                row["audio_sha256"] = cached.sha256
                audio[cached.sha256] = cached.size
            script_ids.add(item.script_id)
            asset_ids.add(item.asset_id)
            campaign_ids.add(item.campaign_id)
            items.append(row)
        out = _columns(broadcast, BROADCAST_FIELDS)
        out["items"] = items
        out["relay_segments"] = [s for s in (broadcast.segments or []) if s.get("kind") == "relay"]
        out_broadcasts.append(out)
    zones = session.scalars(select(Zone).where(Zone.station_id == station.id).order_by(Zone.position)).all()
    return {
        "api": API_VERSION,
        "generated_at": iso(now),
        "from": iso(start),
        "to": iso(end),
        "station": _columns(station, ("id", "slug", "name", "timezone", "emergency_resume")),
        "zones": [_columns(z, ("id", "code", "name", "position", "stream_mount")) for z in zones],
        "campaigns": [_columns(c, ("id", "slug", "name", "start_date", "end_date", "priority", "status")) for c in _rows(session, Campaign, campaign_ids)],
        "scripts": [_columns(s, ("id", "title", "category", "priority", "status", "version")) for s in _rows(session, Script, script_ids)],
        "assets": [_columns(a, ("id", "kind", "name", "duration_s")) for a in _rows(session, Asset, asset_ids)],
        "broadcasts": out_broadcasts,
        "audio": audio,
    }


def _rows(session: Session, model: type, ids: set[int | None]) -> list[Any]:
    wanted = [i for i in ids if i]
    return session.scalars(select(model).where(model.id.in_(wanted)).order_by(model.id)).all() if wanted else []


def audio_path_for(session: Session, station: Station, sha256: str) -> Path:
    """The file with this content hash among the station's audio, checked again against its bytes."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise InvalidInput("Mã băm âm thanh phải là 64 chữ số hex thường.", field="sha256")
    for row in session.scalars(select(EdgeAudio).where(EdgeAudio.station_id == station.id, EdgeAudio.sha256 == sha256)):
        path = Path(row.path)
        if path.is_file() and file_sha256(path) == sha256:
            return path
    raise NotFound(f"Không có tệp âm thanh {sha256[:12]}… của đài {station.slug} (hoặc tệp đã đổi): hãy đồng bộ lại kế hoạch.")


def log_head(session: Session, station: Station) -> dict[str, Any]:
    """The last stored log row's seq and hash (seq 0 and the genesis hash when empty)."""
    seq, row_hash = asrun.head(session, station.id)
    return {"seq": seq, "row_hash": row_hash}


def entry_from_json(row: dict[str, Any]) -> AsRunEntry:
    """An AsRunEntry from its wire form (InvalidInput when a field is missing or malformed)."""
    missing = [name for name in LOG_FIELDS if name not in row and name not in asrun.OPTIONAL_HASHED_FIELDS]
    if missing:
        raise InvalidInput(f"Dòng nhật ký thiếu trường {missing[0]}: hãy cập nhật trình phát của xã.", field=missing[0])
    values = {name: row.get(name) for name in LOG_FIELDS}
    for name in _DATETIME_FIELDS:
        values[name] = parse_iso(values[name], name)
    try:
        values["status"] = LogStatus(values["status"])
        values["seconds"] = float(values["seconds"])
        values["seq"] = int(values["seq"])
    except (TypeError, ValueError):
        raise InvalidInput(f"Dòng nhật ký số {row.get('seq')!r} có trạng thái hoặc số giây không hợp lệ.", field="status") from None
    return AsRunEntry(**values)


def entry_to_json(entry: AsRunEntry) -> dict[str, Any]:
    """A log row's wire form: every stored column that the chain or the report depends on."""
    row = _columns(entry, LOG_FIELDS)
    # Left out when unset, so the upload of rows written before receivers existed stays byte for byte what it was.
    if row.get("zones_reached") is None:
        row.pop("zones_reached", None)
    return row


COLOURS = ("green", "amber", "red")
MAX_RECEIVERS = 500


def ingest_status(session: Session, station: Station, body: Any, now: datetime) -> dict[str, int]:
    """Store a commune player's heartbeat and its receivers' status (InvalidInput for a malformed body, nothing stored)."""
    if not isinstance(body, dict) or not isinstance(body.get("receivers"), list) or len(body["receivers"]) > MAX_RECEIVERS:
        raise InvalidInput(f'Thân yêu cầu phải là JSON {{"beat_at": ..., "started_at": ..., "receivers": [...]}} với tối đa {MAX_RECEIVERS} máy thu.', field="receivers")
    receivers = []
    for item in body["receivers"]:
        if not isinstance(item, dict) or item.get("colour") not in COLOURS or not isinstance(item.get("zone"), str):
            raise InvalidInput("Mỗi máy thu phải có zone (chuỗi) và colour (green, amber hoặc red): hãy cập nhật trình phát của xã.", field="receivers")
        last = parse_iso(item.get("last_heard"), "last_heard")
        receivers.append({"zone": item["zone"][:32], "name": str(item.get("name", ""))[:200], "colour": item["colour"],
                          "why": str(item.get("why", ""))[:300], "last_heard": iso(last)})
    beat_at, started_at = parse_iso(body.get("beat_at"), "beat_at"), parse_iso(body.get("started_at"), "started_at")
    if beat_at is not None:
        beat = session.get(PlayerHeartbeat, station.id) or PlayerHeartbeat(station_id=station.id, pid=0)
        beat.host, beat.beat_at, beat.started_at = "edge", beat_at, started_at or beat_at
        session.add(beat)
    status = session.get(EdgeStatus, station.id) or EdgeStatus(station_id=station.id)
    status.received_at, status.receivers = now, receivers
    status.receivers_total, status.receivers_offline = len(receivers), sum(r["colour"] == "red" for r in receivers)
    session.add(status)
    session.flush()
    return {"receivers": status.receivers_total, "offline": status.receivers_offline}


def ingest_log(session: Session, station: Station, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Store a player's log rows verbatim, in seq order: known rows are skipped, a broken chain is refused."""
    if len(rows) > MAX_ROWS_PER_POST:
        raise InvalidInput(f"Gửi tối đa {MAX_ROWS_PER_POST} dòng nhật ký mỗi lần.", field="rows")
    if not all(isinstance(r, dict) and isinstance(r.get("seq"), int) and not isinstance(r.get("seq"), bool) for r in rows):
        raise InvalidInput("Mỗi dòng nhật ký phải là một đối tượng JSON có số thứ tự seq nguyên: hãy cập nhật trình phát của xã.", field="rows")
    head = log_head(session, station)
    stored = skipped = 0
    touched: set[int | None] = set()
    for raw in sorted(rows, key=lambda r: r["seq"]):
        entry = entry_from_json(raw)
        if entry.station_id != station.id:
            raise PermissionDenied(f"Dòng nhật ký số {entry.seq} thuộc đài khác: mã đồng bộ này chỉ gửi được nhật ký của đài {station.slug}.")
        if asrun.row_digest(entry, entry.prev_hash) != entry.row_hash:
            raise Conflict(f"Dòng nhật ký số {entry.seq} không khớp mã băm của chính nó (đã bị sửa ở máy xã): không nhận, hãy kiểm tra bằng `loaxa log verify` ở xã.")
        if entry.seq <= head["seq"]:
            existing = session.scalar(select(AsRunEntry.row_hash).where(AsRunEntry.station_id == station.id, AsRunEntry.seq == entry.seq))
            if existing != entry.row_hash:
                raise Conflict(f"Dòng nhật ký số {entry.seq} khác với bản đã lưu ở tỉnh: hai nhật ký đã rẽ nhánh, không nhận; hãy báo quản trị tỉnh.")
            skipped += 1
            continue
        if entry.seq != head["seq"] + 1 or entry.prev_hash != head["row_hash"]:
            raise Conflict(
                f"Dòng nhật ký số {entry.seq} không nối tiếp dòng cuối ở tỉnh (số {head['seq']}): "
                "hãy gửi lại từ dòng ngay sau dòng cuối ở tỉnh (`loaxa edge sync` tự làm việc này)."
            )
        for name, ref in (("broadcast_id", Broadcast), ("broadcast_item_id", BroadcastItem)):
            value = getattr(entry, name)
            if value is not None and session.get(ref, value) is None:
                raise Conflict(f"Dòng nhật ký số {entry.seq} nói tới {name}={value} không có ở máy chủ tỉnh: buổi phát chỉ có ở xã thì không gửi lên được.")
        session.add(entry)
        try:
            session.flush()
        except IntegrityError:
            # Another upload of the same station stored this seq first: the caller retries from the new head.
            raise Conflict(f"Dòng nhật ký số {entry.seq} vừa được một lần gửi khác lưu trước: hãy gửi lại (`loaxa edge sync` tự làm việc này).") from None
        head = {"seq": entry.seq, "row_hash": entry.row_hash}
        stored += 1
        touched.add(entry.broadcast_id)
    _mark_aired(session, station, touched - {None})
    return {"stored": stored, "skipped": skipped, "head": head}


def _mark_aired(session: Session, station: Station, broadcast_ids: set[int]) -> None:
    """Give the central copy of broadcasts a commune aired the status its log rows show (for status pages)."""
    for broadcast in session.scalars(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.id.in_(broadcast_ids))):
        if broadcast.status not in UNSTARTED:
            continue
        rows = session.scalars(select(AsRunEntry).where(AsRunEntry.station_id == station.id, AsRunEntry.broadcast_id == broadcast.id)).all()
        if len(rows) < len(broadcast.items):
            continue  # the rest of its rows come in a later request
        statuses = {r.status for r in rows}
        if statuses <= AIRED_IN_FULL:
            broadcast.status = BroadcastStatus.DONE
        elif statuses == {LogStatus.MISSED}:
            broadcast.status = BroadcastStatus.MISSED
        elif any(r.seconds > 0 for r in rows):
            broadcast.status = BroadcastStatus.INTERRUPTED
        else:
            broadcast.status = BroadcastStatus.FAILED
        starts = [r.actual_start for r in rows if r.actual_start]
        ends = [r.actual_end for r in rows if r.actual_end]
        broadcast.started_at = min(starts) if starts else None
        broadcast.ended_at = max(ends) if ends else None
        broadcast.seconds_aired = round(sum(r.seconds for r in rows), 3)
    session.flush()
