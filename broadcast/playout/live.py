"""Live talks (phát trực tiếp): who may go live, one source per zone, the audio spool, and the one log row.

The sender (a panel worker receiving the browser's chunks, or `loaxa live` reading the station's input) writes
numbered chunk files into the session's spool folder; the playout process, which owns the outputs, reads them in
order into one ffmpeg. Files rather than a socket because any panel worker may receive any chunk (gunicorn), a
retried chunk simply replaces itself, and a sender that stops writing (tab closed, web process killed) is seen the
same way whatever the reason: no new chunk for `live_silence_s`.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path
import threading
from typing import Iterable, Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from broadcast.asrun import chain as asrun
from broadcast.config import Settings
from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import Asset, AsRunEntry, Campaign, LiveSession, LogStatus, Role, Station, User, Zone
from broadcast.planning.oneoff import station_zones
from broadcast.planning.planner import zones_meet
from broadcast.stations.lookup import station_row, zone_names
from broadcast.stations.users import role_at
from broadcast.timeutil import Clock, SystemClock

ITEM_TYPE = "live"
# requested (waiting for the player) -> starting (air cleared, jingle) -> on_air (the sender may speak) -> ended
REQUESTED, STARTING, ON_AIR, ENDED = "requested", "starting", "on_air", "ended"
ACTIVE = (REQUESTED, STARTING, ON_AIR)
SOURCES = ("browser", "station")
MAX_CHUNK_BYTES = 1024 * 1024  # a 250 ms Opus chunk is ~1-2 KB; a raw PCM one from the station input ~24 KB
CHUNK_SUFFIX = ".chunk"

REASON_SPEAKER_ENDED = "người nói đã kết thúc"
REASON_SILENCE = "không nhận được âm thanh trong {:.0f} giây (trình duyệt đóng, mất mạng hoặc máy gửi dừng): đã tự kết thúc để phát tiếp lịch"
REASON_SENDER_GONE = "tiến trình nhận âm thanh (máy chủ giao diện hoặc lệnh loaxa live) đã dừng: đã kết thúc phát trực tiếp"
REASON_EMERGENCY = "ngắt để phát bản tin khẩn cấp"
REASON_ZONE_TAKEN = "cụm loa đã có người khác phát trực tiếp"
REASON_PLAYER_FAILED = "trình phát không phát được âm thanh trực tiếp: hãy kiểm tra các đầu ra và thử lại"
REASON_CUT = "ngắt để phát trực tiếp"


def may_go_live(role: Role | None, approvers_allowed: bool) -> bool:
    """Editors and admins may go live; approvers too where the station allows it; viewers never."""
    if role in (Role.ADMIN, Role.EDITOR):
        return True
    return role == Role.APPROVER and approvers_allowed


def end_reason(stop_requested: bool, idle_s: float, silence_s: float, sender_alive: bool, emergency: bool) -> str:
    """Why a live talk on air must end now ("" = carry on); an emergency first, then the speaker, then a lost sender."""
    if emergency:
        return REASON_EMERGENCY
    if stop_requested:
        return REASON_SPEAKER_ENDED
    if not sender_alive:
        return REASON_SENDER_GONE
    if idle_s >= silence_s:
        return REASON_SILENCE.format(silence_s)
    return ""


def zone_holder(active: Sequence[tuple[Sequence[int], str]], wanted: Sequence[int]) -> str | None:
    """The speaker already live on a zone that meets the wanted ones (empty zones = all), or None when free."""
    for zones, speaker in active:
        if zones_meet(list(zones), list(wanted)):
            return speaker
    return None


def chunk_name(seq: int) -> str:
    """File name of chunk number seq: zero-padded so that names sort in order."""
    return f"{seq:09d}{CHUNK_SUFFIX}"


def spool_root(settings: Settings, station: Station) -> Path:
    """Folder of the station's live spools and kept talks."""
    return settings.data_dir / "live" / station.slug


def active_sessions(session: Session, station: Station) -> list[LiveSession]:
    """Live talks requested or on air at the station."""
    return list(session.scalars(select(LiveSession).where(LiveSession.station_id == station.id, LiveSession.status.in_(ACTIVE))
                                .order_by(LiveSession.id)))


def _zone_label(session: Session, station: Station, zone_ids: Sequence[int]) -> str:
    if not zone_ids:
        return "tất cả cụm loa"
    return ", ".join(session.scalars(select(Zone.name).where(Zone.station_id == station.id, Zone.id.in_(list(zone_ids))).order_by(Zone.position)))


def start_live(session: Session, settings: Settings, station: Station, zone_ids: Sequence[int], user: User | None = None,
               speaker: str = "", campaign_id: int | None = None, jingle: bool = False, source: str = "browser",
               sender_pid: int | None = None, clock: Clock | None = None) -> LiveSession:
    """Ask the player to put a live source on the zones (empty = all); refused in one sentence when a zone is taken."""
    if user is not None and not may_go_live(role_at(user, station.id), bool(station.live_approvers)):
        raise PermissionDenied("Tài khoản này không được phát trực tiếp: hãy nhờ cán bộ biên tập hoặc quản trị của đài.")
    if source not in SOURCES:
        raise InvalidInput(f"Nguồn phát trực tiếp '{source}' không hợp lệ: hãy dùng browser hoặc station.", field="source")
    zones = station_zones(session, station, list(zone_ids), field="zones")
    speaker = (speaker or (user.full_name or user.username if user is not None else "") or "Máy của đài").strip()[:200]
    if campaign_id is not None:
        if station_row(session, Campaign, campaign_id, station) is None:
            raise InvalidInput("Không có chiến dịch này ở đài: hãy chọn lại chiến dịch hoặc để trống.", field="campaign_id")
    holder = zone_holder([(s.zone_ids or [], s.speaker) for s in active_sessions(session, station)], zones)
    if holder is not None:
        raise Conflict(f"{_zone_label(session, station, zones).capitalize()} đang được {holder} phát trực tiếp: "
                       "hãy chờ người đó kết thúc hoặc chọn cụm loa khác.")
    now = (clock or SystemClock()).now()
    live = LiveSession(station_id=station.id, user_id=user.id if user is not None else None, speaker=speaker, source=source,
                       zone_ids=zones, campaign_id=campaign_id, jingle=bool(jingle), status=REQUESTED, stop_requested=False,
                       sender_pid=sender_pid or os.getpid(), requested_at=now, seconds=0.0, interrupted="", end_reason="", kept_path="")
    session.add(live)
    session.flush()
    spool = spool_root(settings, station) / f"{live.id}.spool"
    spool.mkdir(parents=True, exist_ok=True)
    live.spool_dir = str(spool)
    return live


def own_session(session: Session, station: Station, live_id: int, user: User | None) -> LiveSession:
    """A live talk of the station that this user started (an admin may act on any); NotFound or PermissionDenied else."""
    live = station_row(session, LiveSession, live_id, station)
    if live is None:
        raise NotFound("Không tìm thấy buổi phát trực tiếp này: hãy tải lại trang.")
    if user is not None and live.user_id != user.id and role_at(user, station.id) != Role.ADMIN:
        raise PermissionDenied("Buổi phát trực tiếp này do người khác đang nói: chỉ người đó hoặc quản trị mới điều khiển được.")
    return live


def add_chunk(live: LiveSession, seq: int, data: bytes, pid: int | None = None) -> None:
    """Store one chunk of the talk's audio in its spool (atomically: the player never reads half a chunk)."""
    if live.status not in ACTIVE or live.stop_requested:
        raise Conflict("Buổi phát trực tiếp đã kết thúc: hãy bấm phát lại nếu cần nói tiếp.")
    if not 0 <= seq < 10**9:
        raise InvalidInput("Số thứ tự đoạn âm thanh không hợp lệ: hãy tải lại trang.", field="seq")
    if not data or len(data) > MAX_CHUNK_BYTES:
        raise InvalidInput("Đoạn âm thanh rỗng hoặc quá lớn: hãy tải lại trang rồi phát lại.", field="data")
    spool = Path(live.spool_dir)
    tmp = spool / f".{seq}.{os.getpid()}.tmp"
    tmp.write_bytes(data)
    os.replace(tmp, spool / chunk_name(seq))
    if pid is not None and live.sender_pid != pid:
        live.sender_pid = pid  # the worker that last received audio: its death ends the talk at once


def request_stop(live: LiveSession) -> None:
    """Ask the player to end the talk (it plays what it already received, then logs the row)."""
    if live.status in ACTIVE:
        live.stop_requested = True


def claim(session: Session, live_id: int) -> bool:
    """Atomically take a requested talk for the air; False if it was taken or ended meanwhile."""
    result = session.execute(update(LiveSession).where(LiveSession.id == live_id, LiveSession.status == REQUESTED)
                             .values(status=STARTING))
    return result.rowcount == 1


def requested(session: Session, station: Station) -> list[LiveSession]:
    """Talks waiting for the player, oldest first."""
    return list(session.scalars(select(LiveSession).where(LiveSession.station_id == station.id, LiveSession.status == REQUESTED)
                                .order_by(LiveSession.id)))


def log_live(session: Session, station: Station, live: LiveSession, actual_start: datetime | None, seconds: float,
             sinks: str, reason: str) -> AsRunEntry:
    """The talk as one chained log row: item_type live, the speaker as the voice, its zones, seconds and campaign."""
    campaign = session.get(Campaign, live.campaign_id) if live.campaign_id else None
    at = actual_start or live.requested_at

    end = at + timedelta(seconds=seconds)
    aired = seconds > 0 and actual_start is not None
    return asrun.append(session, AsRunEntry(
        station_id=station.id, broadcast_id=None, broadcast_item_id=None,
        zones=zone_names(session, station.id, live.zone_ids or []), slot_start=at, slot_end=end,
        planned_start=at, actual_start=at if aired else None, actual_end=end if aired else None,
        item_type=ITEM_TYPE, item_ref=f"live:{live.id}", title=f"Phát trực tiếp: {live.speaker}"[:300],
        campaign=campaign.slug if campaign else "", voice=live.speaker, status=LogStatus.PLAYED if aired else LogStatus.FAILED,
        seconds=seconds if aired else 0.0, sinks=sinks if aired else "", reason=reason,
    ))


def log_jingle(session: Session, station: Station, live: LiveSession, asset: Asset, actual_start: datetime, seconds: float,
               sinks: str) -> AsRunEntry:
    """The jingle played before a talk, as its own row (the talk stays one item; the log still adds up to what aired)."""
    end = actual_start + timedelta(seconds=seconds)
    return asrun.append(session, AsRunEntry(
        station_id=station.id, broadcast_id=None, broadcast_item_id=None, zones=zone_names(session, station.id, live.zone_ids or []),
        slot_start=actual_start, slot_end=end, planned_start=actual_start, actual_start=actual_start, actual_end=end,
        item_type="jingle", item_ref=f"asset:{asset.id}", title=asset.name, campaign="", voice="", status=LogStatus.PLAYED,
        seconds=seconds, sinks=sinks, reason=f"nhạc hiệu trước buổi phát trực tiếp live:{live.id}",
    ))


def finish(session: Session, station: Station, live: LiveSession, actual_start: datetime | None, ended_at: datetime,
           seconds: float, sinks: str, reason: str) -> AsRunEntry:
    """Close the talk: its log row, its status and why it ended, in one transaction."""
    row = log_live(session, station, live, actual_start, seconds, sinks, reason)
    live.status, live.started_at, live.ended_at = ENDED, actual_start or live.started_at, ended_at
    live.seconds, live.end_reason = round(seconds, 3), reason
    session.flush()
    return row


def discard_spool(live: LiveSession) -> None:
    """Delete the received chunks once the talk is kept (the kept file is the record)."""
    if live.spool_dir and live.spool_dir.endswith(".spool"):
        shutil.rmtree(live.spool_dir, ignore_errors=True)


def parse_duration(text: str) -> float:
    """Seconds of a duration written 90, 90s, 5m or 1h30m; InvalidInput otherwise."""
    match = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*", text or "")
    if not text or not text.strip() or match is None or not any(match.groups()):
        raise InvalidInput(f"Thời lượng '{text}' không hợp lệ: hãy viết như 90s, 5m hoặc 1h30m.", field="for")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    if total <= 0:
        raise InvalidInput(f"Thời lượng '{text}' phải lớn hơn 0: hãy viết như 90s, 5m hoặc 1h30m.", field="for")
    return total


def wait_on_air(factory: sessionmaker[Session], live_id: int, timeout_s: float = 30.0, until: Sequence[str] = (ON_AIR, ENDED)) -> str:
    """Wait until the talk reaches one of the statuses (by default: the player cleared the air, or refused); returns it."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        with transaction(factory) as session:
            status = session.get(LiveSession, live_id).status
        if status in until or time.monotonic() >= deadline:
            return status
        time.sleep(0.05)


def send_capture(factory: sessionmaker[Session], live_id: int, pieces: Iterable[bytes], limit_s: float | None = None,
                 stop: threading.Event | None = None) -> None:
    """Spool a captured stream as the talk's chunks until it ends, the limit passes or stop is set; then press end."""
    import time

    started = time.monotonic()
    for seq, data in enumerate(pieces):
        try:
            with transaction(factory) as session:
                add_chunk(session.get(LiveSession, live_id), seq, data, pid=os.getpid())
        except Conflict:
            return  # the player ended the talk (an emergency, a lost sender): nothing more to send
        if (limit_s is not None and time.monotonic() - started >= limit_s) or (stop is not None and stop.is_set()):
            break
    with transaction(factory) as session:
        request_stop(session.get(LiveSession, live_id))
