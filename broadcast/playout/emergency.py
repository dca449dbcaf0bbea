"""Emergency bulletins (khẩn cấp): written as a broadcast to air now; the player interrupts what is on air."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.config import Settings
from broadcast.content.rendering import script_audio
from broadcast.errors import InvalidInput, NotFound, PermissionDenied
from broadcast.models import (
    Broadcast, BroadcastItem, BroadcastKind, ContentStatus, ItemType, Priority, Role, Script, Station, User, Zone,
)
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.planning.programmes import assemble_broadcast, plan_hash
from broadcast.stations.users import role_at
from broadcast.timeutil import Clock, SystemClock

# Viewers watch; everyone who prepares content may sound the alarm (a disaster does not wait for approval).
MAY_START = (Role.ADMIN, Role.APPROVER, Role.EDITOR)


def _check_zones(session: Session, station: Station, zone_ids: list[int]) -> list[int]:
    known = set(session.scalars(select(Zone.id).where(Zone.station_id == station.id)))
    unknown = [z for z in zone_ids if z not in known]
    if unknown:
        raise InvalidInput(f"Không có cụm loa số {unknown[0]} ở đài này: hãy chọn lại các thôn cần phát.", field="zone_ids")
    return sorted(set(zone_ids))


def start_emergency(
    session: Session, settings: Settings, station: Station, title: str, text: str | None = None,
    script_id: int | None = None, zone_ids: list[int] | None = None, user: User | None = None,
    clock: Clock | None = None,
) -> Broadcast:
    """Write an emergency broadcast with its audio ready, planned for now; the player airs it within a second."""
    if user is not None and role_at(user, station.id) not in MAY_START:
        raise PermissionDenied("Tài khoản chỉ có quyền xem không được phát bản tin khẩn cấp: hãy nhờ cán bộ biên tập hoặc lãnh đạo.")
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Bản tin khẩn cấp cần có tiêu đề: hãy nhập tiêu đề ngắn.", field="title")
    if bool(text and text.strip()) == bool(script_id):
        raise InvalidInput("Hãy nhập nội dung bản tin hoặc chọn một bài đã duyệt (chỉ một trong hai).", field="text")
    zones = _check_zones(session, station, list(zone_ids or []))
    now = (clock or SystemClock()).now()
    if text and text.strip():
        broadcast = create_message_broadcast(
            session, settings, station, title, text, now, kind=BroadcastKind.EMERGENCY, priority=Priority.EMERGENCY,
            zone_ids=zones, with_jingles=False,
        )
    else:
        script = session.get(Script, script_id)
        if script is None or script.station_id != station.id:
            raise NotFound(f"Không tìm thấy bài số {script_id}: hãy chọn bài khác.")
        if script.status != ContentStatus.APPROVED:
            raise InvalidInput(f"Bài '{script.title}' chưa được duyệt: hãy duyệt bài hoặc nhập nội dung bản tin.", field="script_id")
        audio = script_audio(session, script)
        if audio is None:
            raise InvalidInput(f"Bài '{script.title}' chưa có âm thanh: hãy tạo âm thanh hoặc nhập nội dung bản tin.", field="script_id")
        broadcast = Broadcast(
            station_id=station.id, kind=BroadcastKind.EMERGENCY, title=title, priority=Priority.EMERGENCY,
            slot_start=now, slot_end=now + timedelta(seconds=audio.duration_s + 1), planned_start=now, zone_ids=zones,
        )
        broadcast.items.append(BroadcastItem(
            station_id=station.id, position=0, item_type=ItemType.EMERGENCY, script_id=script.id, render_id=audio.render_id,
            recording_id=audio.recording_id, title=script.title, voice=audio.voice, audio_path=str(audio.path),
            offset_s=0.0, duration_s=audio.duration_s, reason="khẩn cấp",
        ))
        broadcast.plan_hash = plan_hash(broadcast.items)
        session.add(broadcast)
        session.flush()
    if user is not None:
        broadcast.created_by_id = user.id
    assemble_broadcast(session, settings, station, broadcast)
    # Rendering took a moment: "now" is when the audio is ready, so it is neither late nor expired.
    ready = (clock or SystemClock()).now()
    broadcast.planned_start = broadcast.slot_start = ready
    broadcast.slot_end = ready + timedelta(seconds=programme_seconds(broadcast) + 60)
    session.flush()
    return broadcast


def programme_seconds(broadcast: Broadcast) -> float:
    """Total seconds of a broadcast's items."""
    return sum(i.duration_s for i in broadcast.items)
