"""Editing a broadcast by hand before it starts: reorder its items, add a script, and the overlap rule for one-offs."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.content.rendering import playable_script
from broadcast.errors import Conflict, InvalidInput
from broadcast.models import Broadcast, BroadcastItem, BroadcastStatus, ItemType, Station
from broadcast.planning.loader import started
from broadcast.numbers import vn_minutes
from broadcast.planning.planner import zones_meet
from broadcast.planning.writer import renumber
from broadcast.stations.lookup import station_tz


def _require_unstarted(broadcast: Broadcast, now: datetime) -> None:
    if started(broadcast, now):
        raise Conflict(f"Buổi phát «{broadcast.title}» đã bắt đầu hoặc đã qua giờ phát nên không sửa được nữa.")


def reorder_items(session: Session, broadcast: Broadcast, item_ids: Sequence[int], now: datetime) -> Broadcast:
    """Put a broadcast's items in the given order (all its item ids, each once); the plan keeps this order from then on."""
    _require_unstarted(broadcast, now)
    by_id = {i.id: i for i in broadcast.items}
    if sorted(item_ids) != sorted(by_id) or len(set(item_ids)) != len(item_ids):
        raise InvalidInput("Danh sách mục không khớp với chương trình của buổi phát: hãy tải lại trang rồi sắp xếp lại.", field="items")
    total = sum(i.duration_s for i in broadcast.items)
    capacity = (broadcast.slot_end - broadcast.slot_start).total_seconds()
    if total > capacity + 1e-6:
        raise InvalidInput(f"Chương trình dài {vn_minutes(total)} phút, quá thời lượng buổi phát {vn_minutes(capacity)} phút: hãy bỏ bớt một mục.", field="items")
    broadcast.items = [by_id[i] for i in item_ids]  # same members: nothing is deleted, only the order changes
    broadcast.manual = True
    renumber(broadcast)
    session.flush()
    return broadcast


def add_script(session: Session, broadcast: Broadcast, script_id: int, now: datetime) -> BroadcastItem:
    """Add an approved script to an unstarted broadcast, before its closing jingle; refused when it would overrun the slot."""
    _require_unstarted(broadcast, now)
    station = session.get(Station, broadcast.station_id)
    assert station is not None
    script, audio = playable_script(session, station, script_id, field="script")
    if any(i.script_id == script.id for i in broadcast.items):
        raise Conflict(f"Bài «{script.title}» đã có trong buổi phát này.")
    fillers = [i for i in broadcast.items if i.item_type == ItemType.FILLER]
    # The music bed only fills the gap to the slot's end, so it shrinks (or goes) to make room.
    fixed = sum(i.duration_s for i in broadcast.items if i.item_type != ItemType.FILLER) + audio.duration_s
    capacity = (broadcast.slot_end - broadcast.slot_start).total_seconds()
    if fixed > capacity + 1e-6:
        raise InvalidInput(f"Thêm bài «{script.title}» ({vn_minutes(audio.duration_s)} phút) thì chương trình dài {vn_minutes(fixed)} phút, "
                           f"quá thời lượng buổi phát {vn_minutes(capacity)} phút: hãy chọn bài ngắn hơn hoặc bỏ bớt một mục.", field="script")
    for filler in fillers:
        gap = capacity - fixed
        if gap >= 1.0:
            filler.duration_s = min(filler.duration_s, gap)
            fixed += filler.duration_s
        else:
            broadcast.items.remove(filler)
    row = BroadcastItem(station_id=broadcast.station_id, item_type=ItemType.SCRIPT, script_id=script.id, render_id=audio.render_id,
                        recording_id=audio.recording_id, title=script.title, voice=audio.voice, audio_path=str(audio.path),
                        duration_s=audio.duration_s, reason="thêm bằng tay")
    place = len(broadcast.items)
    while place > 0 and broadcast.items[place - 1].item_type in (ItemType.JINGLE, ItemType.FILLER):
        place -= 1  # before the closing jingle and the music bed
    if place == 0:  # only jingles: between the opening and the closing one
        place = len(broadcast.items) - 1 if len(broadcast.items) >= 2 else len(broadcast.items)
    broadcast.items.insert(place, row)
    broadcast.manual = True
    renumber(broadcast)
    session.flush()
    return row


def check_no_collision(session: Session, station: Station, start: datetime, end: datetime, zone_ids: Sequence[int],
                       exclude_id: int | None = None) -> None:
    """Refuse a one-off whose time overlaps another live broadcast on a shared zone (an empty zone list is all zones)."""
    zones = frozenset(zone_ids)
    tz = station_tz(station)
    for other in session.scalars(select(Broadcast).where(
        Broadcast.station_id == station.id, Broadcast.status != BroadcastStatus.CANCELLED,
        Broadcast.slot_start < end, Broadcast.slot_end > start, Broadcast.id != (exclude_id or 0),
    )):
        if zones_meet(zones, frozenset(other.zone_ids or [])):
            raise Conflict(f"Giờ này trùng với buổi «{other.title}» lúc {other.slot_start.astimezone(tz):%d/%m/%Y %H:%M} trên cùng thôn: "
                           "hãy chọn giờ khác hoặc thôn khác.")
