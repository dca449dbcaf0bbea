"""The commune side of edge playout: copy the coming plans and audio from the province, upload the as-run log."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from broadcast.config import Settings
from broadcast.db import make_engine, make_session_factory, transaction, upgrade
from broadcast.errors import Conflict, InvalidInput, LoaxaError
from broadcast.models import (
    UNSTARTED, Asset, AsRunEntry, Broadcast, BroadcastItem, BroadcastKind, BroadcastStatus, Campaign, ContentStatus, ItemType,
    PlayerHeartbeat, Priority, Script, Station, Zone, is_unstarted,
)
from broadcast.province.central import entry_to_json, iso, parse_iso
from broadcast.receivers import board as receiver_board
from broadcast.timeutil import SystemClock


# (connect, read) seconds for every HTTP call: a dead link must not hold the player's sync loop.
TIMEOUT = (5.0, 30.0)
PUSH_BATCH = 500


class CentralUnreachable(LoaxaError):
    """The province server could not be reached or answered with an error."""


@dataclass
class PullReport:
    """What one pull changed locally."""

    created: int = 0
    updated: int = 0
    kept_started: int = 0
    cancelled: int = 0
    files_downloaded: int = 0
    files_present: int = 0
    broadcast_ids: list[int] = field(default_factory=list)


def audio_store(settings: Settings) -> Path:
    """Folder of audio copied from the province, named by content hash."""
    return settings.data_dir / "edge" / "audio"


def _client(token: str) -> requests.Session:
    client = requests.Session()
    client.headers.update({"Authorization": f"Bearer {token}", "User-Agent": "loaxa-edge/1"})
    return client


def _call(client: requests.Session, method: str, url: str, **kwargs: Any) -> requests.Response:
    """One HTTP call with timeouts; failures become one Vietnamese sentence."""
    try:
        response = client.request(method, url, timeout=TIMEOUT, **kwargs)
    except requests.RequestException as exc:
        raise CentralUnreachable(f"Không kết nối được máy chủ tỉnh {url.split('/api/')[0]} ({type(exc).__name__}): xã vẫn phát theo bản kế hoạch đã có; kiểm tra đường truyền.") from None
    if response.status_code >= 400:
        try:
            message = response.json().get("error") or response.reason
        except ValueError:
            message = response.reason
        kind = Conflict if response.status_code == 409 else CentralUnreachable
        raise kind(f"Máy chủ tỉnh từ chối ({response.status_code}): {message}")
    return response


def _api(central_url: str, path: str) -> str:
    return central_url.rstrip("/") + "/api/edge/v1" + path


def _dt(value: str | None) -> datetime | None:
    return parse_iso(value, "datetime")


def _download(client: requests.Session, central_url: str, sha256: str, target: Path) -> None:
    """Fetch one file by hash into the store atomically, refusing bytes whose hash differs."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as handle:
            try:
                with client.get(_api(central_url, f"/audio/{sha256}"), timeout=TIMEOUT, stream=True) as response:
                    if response.status_code >= 400:
                        raise CentralUnreachable(f"Máy chủ tỉnh không gửi được tệp âm thanh {sha256[:12]}… ({response.status_code}): hãy đồng bộ lại sau.")
                    for block in response.iter_content(1 << 16):
                        digest.update(block)
                        handle.write(block)
            except requests.RequestException as exc:
                raise CentralUnreachable(f"Mất kết nối khi tải tệp âm thanh {sha256[:12]}… ({type(exc).__name__}): xã vẫn phát theo bản đã có.") from None
            handle.flush()
            os.fsync(handle.fileno())
        if digest.hexdigest() != sha256:
            raise CentralUnreachable(f"Tệp âm thanh {sha256[:12]}… tải về bị sai mã băm: đã bỏ, sẽ tải lại lần sau.")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _stored_ok(path: Path, sha256: str, size: int) -> bool:
    """Whether a stored file is complete (size) — its hash was checked when it was written."""
    return path.is_file() and path.stat().st_size == size


def pull(settings: Settings, central_url: str, token: str, now: datetime, days: int | None = None) -> PullReport:
    """Copy the province's broadcasts of [now, now + days) and their audio; broadcasts started here are left alone."""
    days = days if days is not None else max(settings.plan_days_ahead, 1)
    client = _client(token)
    plan = _call(client, "GET", _api(central_url, "/plan"), params={"from": now.isoformat(), "to": (now + timedelta(days=days)).isoformat()}).json()
    if plan["station"]["slug"] != settings.station:
        raise InvalidInput(f"Mã đồng bộ này là của đài {plan['station']['slug']!r} nhưng máy này phát đài {settings.station!r}: hãy đặt LOAXA_STATION={plan['station']['slug']} hoặc dùng đúng mã.", field="token")
    report = PullReport()
    store = audio_store(settings)
    # Audio first: the plan is only written once every file it needs is here (all or nothing).
    for sha256, size in plan["audio"].items():
        target = store / sha256
        if _stored_ok(target, sha256, size):
            report.files_present += 1
            continue
        _download(client, central_url, sha256, target)
        report.files_downloaded += 1
    engine = make_engine(settings.db_url)
    try:
        upgrade(engine)
        with transaction(make_session_factory(engine)) as session:
            _write_plan(session, settings, plan, now, report)
    finally:
        engine.dispose()
    return report


def _upsert(session: Session, model: type, row_id: int, values: dict[str, Any]) -> Any:
    obj = session.get(model, row_id)
    if obj is None:
        obj = model(id=row_id, **values)
        session.add(obj)
    else:
        for key, value in values.items():
            setattr(obj, key, value)
    return obj


def _write_plan(session: Session, settings: Settings, plan: dict[str, Any], now: datetime, report: PullReport) -> None:
    """Write the copied plan in one transaction, keeping the province's ids so uploaded log rows match."""
    st = plan["station"]
    local = session.scalar(select(Station).where(Station.slug == st["slug"]))
    if local is not None and local.id != st["id"]:
        raise Conflict(f"Cơ sở dữ liệu của xã đã có đài {st['slug']!r} với mã khác máy chủ tỉnh ({local.id} ≠ {st['id']}): trình phát đồng bộ cần một cơ sở dữ liệu riêng, hãy tạo mới thư mục dữ liệu.")
    _upsert(session, Station, st["id"], {"slug": st["slug"], "name": st["name"], "timezone": st["timezone"], "emergency_resume": st["emergency_resume"]})
    session.flush()
    for z in plan["zones"]:
        _upsert(session, Zone, z["id"], {"station_id": st["id"], "code": z["code"], "name": z["name"], "position": z["position"], "stream_mount": z["stream_mount"]})
    for c in plan["campaigns"]:
        _upsert(session, Campaign, c["id"], {
            "station_id": st["id"], "slug": c["slug"], "name": c["name"], "start_date": date.fromisoformat(c["start_date"]),
            "end_date": date.fromisoformat(c["end_date"]), "priority": Priority(c["priority"]), "status": ContentStatus(c["status"]),
        })
    for s in plan["scripts"]:
        # The body stays at the province: the player needs the title and id for its log, not the text.
        _upsert(session, Script, s["id"], {
            "station_id": st["id"], "title": s["title"], "body": "", "category": s["category"], "priority": Priority(s["priority"]),
            "status": ContentStatus(s["status"]), "version": s["version"],
        })
    store = audio_store(settings)
    for a in plan["assets"]:
        _upsert(session, Asset, a["id"], {"station_id": st["id"], "kind": a["kind"], "name": a["name"], "path": "", "duration_s": a["duration_s"]})
    session.flush()

    refresh: list[tuple[Broadcast | None, dict[str, Any]]] = []
    for b in plan["broadcasts"]:
        existing = session.get(Broadcast, b["id"])
        if existing is not None and existing.station_id != st["id"]:
            raise Conflict(f"Buổi phát số {b['id']} ở xã thuộc đài khác: trình phát đồng bộ cần một cơ sở dữ liệu riêng.")
        if existing is not None and (not is_unstarted(existing.status, existing.planned_start, now) or existing.started_at is not None):
            report.kept_started += 1
            continue
        refresh.append((existing, b))
    for existing, _ in refresh:
        if existing is not None:
            existing.items.clear()  # not started, so never logged: safe to replace
    session.flush()
    for existing, b in refresh:
        values = {
            "station_id": st["id"], "slot_id": None, "kind": BroadcastKind(b["kind"]), "title": b["title"], "priority": Priority(b["priority"]),
            "slot_start": _dt(b["slot_start"]), "slot_end": _dt(b["slot_end"]), "planned_start": _dt(b["planned_start"]),
            "zone_ids": list(b["zone_ids"] or []), "status": BroadcastStatus.PLANNED, "plan_hash": b["plan_hash"],
            # Assembled locally from the copied items (relays included): the player does it when segments are empty.
            "audio_path": "", "audio_duration_s": 0.0, "segments": [], "note": b["note"],
        }
        broadcast = _upsert(session, Broadcast, b["id"], values)
        for i in b["items"]:
            broadcast.items.append(BroadcastItem(
                id=i["id"], station_id=st["id"], position=i["position"], item_type=ItemType(i["item_type"]), script_id=i["script_id"],
                asset_id=i["asset_id"], campaign_id=i["campaign_id"], title=i["title"], voice=i["voice"], relay_url=i["relay_url"],
                offset_s=i["offset_s"], duration_s=i["duration_s"], reason=i["reason"],
                audio_path=str(store / i["audio_sha256"]) if i["audio_sha256"] else "",
            ))
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
        report.broadcast_ids.append(b["id"])
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"Không ghi được kế hoạch tỉnh vào máy xã (trùng mã với dữ liệu tạo riêng ở xã: {exc.orig}): trình phát đồng bộ cần một cơ sở dữ liệu riêng.") from None
    # A plan the province withdrew from the window is cancelled here too (never deleted: it may be in reports).
    window_start, window_end = _dt(plan["from"]), _dt(plan["to"])
    central_ids = {b["id"] for b in plan["broadcasts"]}
    for broadcast in session.scalars(select(Broadcast).where(
        Broadcast.station_id == st["id"], Broadcast.status.in_(UNSTARTED),
        Broadcast.planned_start >= max(window_start, now), Broadcast.planned_start < window_end,
    )):
        if broadcast.id not in central_ids:
            broadcast.status = BroadcastStatus.CANCELLED
            broadcast.note = "tỉnh đã rút khỏi kế hoạch"
            report.cancelled += 1
    if session.bind.dialect.name == "postgresql":
        # Ids were given explicitly: move the sequences past them so local inserts do not collide.
        for table in ("stations", "zones", "campaigns", "scripts", "assets", "broadcasts", "broadcast_items"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"))
    session.flush()


def push(settings: Settings, central_url: str, token: str) -> int:
    """Upload the log rows the province does not have yet, in seq order; returns how many were stored."""
    client = _client(token)
    head = _call(client, "GET", _api(central_url, "/log/head")).json()
    engine = make_engine(settings.db_url)
    sent = 0
    try:
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            station = session.scalar(select(Station).where(Station.slug == settings.station))
            if station is None:
                return 0
            station_id = station.id
            if head["seq"]:
                mine = session.scalar(select(AsRunEntry.row_hash).where(AsRunEntry.station_id == station_id, AsRunEntry.seq == head["seq"]))
                if mine != head["row_hash"]:
                    raise Conflict(f"Nhật ký ở tỉnh (đến dòng {head['seq']}) không khớp nhật ký của xã: hai bản đã rẽ nhánh, không gửi; hãy báo quản trị tỉnh.")
        after = head["seq"]
        while True:
            with transaction(factory) as session:
                rows = session.scalars(
                    select(AsRunEntry).where(AsRunEntry.station_id == station_id, AsRunEntry.seq > after).order_by(AsRunEntry.seq).limit(PUSH_BATCH)
                ).all()
                batch = [entry_to_json(r) for r in rows]
            if not batch:
                break

            result = _call(client, "POST", _api(central_url, "/log"), json={"rows": batch}).json()
            sent += result["stored"]
            after = result["head"]["seq"]
        with transaction(factory) as session:
            body = status_body(session, session.get(Station, station_id), SystemClock().now())
        _call(client, "POST", _api(central_url, "/status"), json=body)
        return sent
    finally:
        engine.dispose()


def status_body(session: Session, station: Station, now: datetime) -> dict[str, Any]:
    """This player's heartbeat and its receivers' status, as the province stores them."""
    beat = session.get(PlayerHeartbeat, station.id)
    return {"beat_at": iso(beat.beat_at) if beat else None, "started_at": iso(beat.started_at) if beat else None,
            "receivers": receiver_board.snapshot(session, station, now)}

