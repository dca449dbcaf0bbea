"""Emergency bulletins (khẩn cấp): written as a broadcast to air now; the player interrupts what is on air."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from broadcast.config import Settings
from broadcast.errors import InvalidInput, PermissionDenied
from broadcast.models import Broadcast, BroadcastKind, Priority, Role, Station, User
from broadcast.planning.oneoff import build_one_off, script_part, station_zones, typed_part
from broadcast.playout.assembly import assemble_broadcast
from broadcast.stations.users import role_at
from broadcast.timeutil import Clock, SystemClock

# Viewers watch; everyone who prepares content may sound the alarm (a disaster does not wait for approval).
MAY_START = (Role.ADMIN, Role.APPROVER, Role.EDITOR)


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
    zones = station_zones(session, station, list(zone_ids or []), field="zone_ids")
    now = (clock or SystemClock()).now()
    if text and text.strip():
        part = typed_part(session, settings, station, title, text, "khẩn cấp")
    else:
        part = script_part(session, station, script_id, "khẩn cấp", field="script_id", or_typed=True)
    broadcast = build_one_off(session, station, title, now, [part], kind=BroadcastKind.EMERGENCY, priority=Priority.EMERGENCY,
                              zone_ids=zones, with_jingles=False, author=user)
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
