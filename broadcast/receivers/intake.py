"""Receivers' tokens and their reports: issue a token, check and store a report (anything wrong is refused and stored nowhere)."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import Receiver, ReceiverReport, Station, Zone
from broadcast.stations.lookup import zone_mount

MAX_INTERVAL_S = 3600.0


def hash_token(token: str) -> str:
    """SHA-256 of a receiver token (256-bit random, so a plain hash is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_receiver(session: Session, station: Station, zone_code: str, name: str, now: datetime) -> tuple[Receiver, str]:
    """A new receiver for a zone and its token; the plain token is returned once and never stored."""
    zone = session.scalar(select(Zone).where(Zone.station_id == station.id, Zone.code == zone_code.strip()))
    if zone is None:
        codes = ", ".join(z.code for z in station.zones) or "chưa có"
        raise NotFound(f"Đài {station.slug} không có thôn mã '{zone_code}': hãy dùng một mã có sẵn ({codes}).")
    token = secrets.token_urlsafe(32)
    receiver = Receiver(station_id=station.id, zone_id=zone.id, name=(name.strip() or zone.name)[:200],
                        token_hash=hash_token(token), created_at=now)
    session.add(receiver)
    session.flush()
    return receiver, token


@dataclass(frozen=True)
class ReportIn:
    """A receiver's report as checked values."""

    zone: str
    counter: int
    interval_s: float
    connected: bool
    playing: bool
    playing_for_s: float
    level_db: float | None
    title: str
    network_errors: int
    last_error: str
    uptime_s: float
    version: str


def _number(body: dict[str, Any], name: str, low: float, high: float, *, integer: bool = False, optional: bool = False) -> Any:
    value = body.get(name)
    if value is None and optional:
        return None
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if not ok or isinstance(value, bool) or not math.isfinite(value) or not low <= value <= high:
        kind = "số nguyên" if integer else "số"
        raise InvalidInput(f"Trường {name} của báo cáo phải là {kind} từ {low:g} đến {high:g}: hãy cập nhật phần mềm máy thu.", field=name)
    return value


def _flag(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if not isinstance(value, bool):
        raise InvalidInput(f"Trường {name} của báo cáo phải là true hoặc false: hãy cập nhật phần mềm máy thu.", field=name)
    return value


def _text(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput(f"Trường {name} của báo cáo phải là chuỗi: hãy cập nhật phần mềm máy thu.", field=name)
    return value[:limit]


def parse_report(body: Any) -> ReportIn:
    """Checked values of a report body (a JSON object); InvalidInput names the first bad field."""
    if not isinstance(body, dict):
        raise InvalidInput("Báo cáo của máy thu phải là một đối tượng JSON: hãy cập nhật phần mềm máy thu.", field="body")
    zone = _text(body, "zone", 32)
    if not zone:
        raise InvalidInput("Báo cáo thiếu mã thôn (zone): hãy chạy máy thu với địa chỉ luồng của thôn.", field="zone")
    return ReportIn(
        zone=zone, counter=_number(body, "counter", 1, 2**62, integer=True),
        interval_s=float(_number(body, "interval_s", 0.1, MAX_INTERVAL_S)),
        connected=_flag(body, "connected"), playing=_flag(body, "playing"),
        playing_for_s=float(_number(body, "playing_for_s", 0, 10**9)),
        level_db=_number(body, "level_db", -200, 20, optional=True),
        title=_text(body, "title", 300), network_errors=_number(body, "network_errors", 0, 2**31, integer=True),
        last_error=_text(body, "last_error", 300), uptime_s=float(_number(body, "uptime_s", 0, 10**10)),
        version=_text(body, "version", 32),
    )


def receiver_for_token(session: Session, token: str) -> Receiver:
    """The active receiver of a token, or PermissionDenied."""
    receiver = session.scalar(select(Receiver).where(Receiver.token_hash == hash_token(token or ""), Receiver.is_active.is_(True)))
    if receiver is None:
        raise PermissionDenied("Mã của máy thu không đúng hoặc đã bị thu hồi: hãy cấp mã mới bằng `loaxa receivers add` ở đài.")
    return receiver


def accept_report(session: Session, receiver: Receiver, body: Any, now: datetime) -> ReceiverReport:
    """Store one report of a receiver (found by its token) after checking the body, the zone and that its counter is new (no replay)."""
    report = parse_report(body)
    station = session.get(Station, receiver.station_id)
    # A receiver names its zone by code, or by the mount it plays (what its --url ends with).
    zone = next((z for z in station.zones if report.zone in (z.code, zone_mount(station, z).strip("/"))), None)
    if zone is None:
        raise NotFound(f"Đài không có thôn mã '{report.zone}': hãy kiểm tra địa chỉ luồng của máy thu.")
    if zone.id != receiver.zone_id:
        raise PermissionDenied(f"Mã này cấp cho máy thu của thôn khác, không phải '{report.zone}': hãy dùng đúng mã của thôn.")
    # One conditional UPDATE: of two copies of a report arriving together, only one moves the counter.
    moved = session.execute(update(Receiver).where(Receiver.id == receiver.id, Receiver.last_counter < report.counter)
                            .values(last_counter=report.counter).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict(f"Báo cáo số {report.counter} đã cũ (đã nhận đến số {receiver.last_counter}): báo cáo gửi lại bị từ chối.")
    row = ReceiverReport(
        receiver_id=receiver.id, received_at=now, counter=report.counter, interval_s=report.interval_s,
        connected=report.connected, playing=report.playing, playing_for_s=report.playing_for_s, level_db=report.level_db,
        title=report.title, network_errors=report.network_errors, last_error=report.last_error,
        uptime_s=report.uptime_s, version=report.version,
    )
    session.add(row)
    session.flush()
    return row
