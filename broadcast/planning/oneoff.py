"""One-off broadcasts outside the regular slots: the test broadcast and operator-added ones."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.render import render_speech
from broadcast.config import Settings
from broadcast.content.rendering import loudness_target, voice_chain
from broadcast.content.scripts import validated_text
from broadcast.errors import InvalidInput
from broadcast.models import Asset, Broadcast, BroadcastItem, BroadcastKind, ItemType, Priority, Station, User, Zone
from broadcast.planning.programmes import check_no_collision, plan_hash
from scripts_vi.normalize import normalize
from scripts_vi.segment import split_for_speech

TEST_TITLE = "Phát thử"
TEST_MESSAGE = "Đây là buổi phát thử của {name}. Hệ thống phát thanh tự động loaxa đang hoạt động bình thường."


def _jingle(session: Session, station: Station, kind: str) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.station_id == station.id, Asset.kind == kind).order_by(Asset.id).limit(1))


def create_message_broadcast(
    session: Session, settings: Settings, station: Station, title: str, text: str, start: datetime,
    kind: BroadcastKind = BroadcastKind.ONE_OFF, priority: Priority = Priority.NORMAL, zone_ids: list[int] | None = None,
    with_jingles: bool = True,
) -> Broadcast:
    """A broadcast of one spoken message (between the station's jingles) at a given instant."""
    spoken = normalize(text).spoken
    result = render_speech([(s.text, s.pause_ms) for s in split_for_speech(spoken)], voice_chain(station, settings), settings.audio_dir / "renders", loudness_target(station), tools=settings.tools)
    voice = f"{result.engine}:{result.voice}" if result.voice else result.engine
    parts: list[BroadcastItem] = []
    open_j, close_j = (_jingle(session, station, "jingle_open"), _jingle(session, station, "jingle_close")) if with_jingles else (None, None)
    if open_j:
        parts.append(BroadcastItem(item_type=ItemType.JINGLE, asset_id=open_j.id, title=open_j.name, audio_path=open_j.path, duration_s=open_j.duration_s, reason="nhạc hiệu mở đầu"))
    item_type = ItemType.EMERGENCY if kind == BroadcastKind.EMERGENCY else ItemType.SCRIPT
    parts.append(BroadcastItem(item_type=item_type, title=title, audio_path=str(result.path), duration_s=result.duration_s, voice=voice, reason="phát một lần"))
    if close_j:
        parts.append(BroadcastItem(item_type=ItemType.JINGLE, asset_id=close_j.id, title=close_j.name, audio_path=close_j.path, duration_s=close_j.duration_s, reason="nhạc hiệu kết thúc"))
    total = sum(p.duration_s for p in parts)
    broadcast = Broadcast(
        station_id=station.id, kind=kind, title=title, priority=priority, slot_start=start,
        slot_end=start + timedelta(seconds=total + 1), planned_start=start, zone_ids=list(zone_ids or []),
    )
    offset = 0.0
    for position, item in enumerate(parts):
        item.station_id, item.position, item.offset_s = station.id, position, offset
        offset += item.duration_s
        broadcast.items.append(item)
    broadcast.plan_hash = plan_hash(broadcast.items)
    session.add(broadcast)
    session.flush()
    return broadcast


def create_test_broadcast(session: Session, settings: Settings, station: Station, start: datetime) -> Broadcast:
    """The short test broadcast that shows a new station working."""
    return create_message_broadcast(session, settings, station, TEST_TITLE, TEST_MESSAGE.format(name=station.name), start, kind=BroadcastKind.TEST)


def schedule_message(session: Session, settings: Settings, station: Station, title: str, text: str, start: datetime | None,
                     zone_ids: list[int], now: datetime, user: User | None = None) -> Broadcast:
    """An operator's one-off broadcast of a typed message at a future instant, on chosen zones (none = all)."""
    title, text = validated_text(title, text, body_field="text")
    if start is None:
        raise InvalidInput("Ngày giờ phát không đúng: hãy chọn ngày và giờ.", field="start")
    if start <= now:
        raise InvalidInput("Giờ phát đã qua: hãy chọn một thời điểm sau bây giờ (phát ngay thì dùng trang Phát khẩn cấp).", field="start")
    known = set(session.scalars(select(Zone.id).where(Zone.station_id == station.id)))
    if not set(zone_ids) <= known:
        raise InvalidInput("Có cụm loa không thuộc đài này: hãy chọn lại.", field="zones")
    broadcast = create_message_broadcast(session, settings, station, title, text, start, zone_ids=sorted(zone_ids))
    # The message's length is known only once it is read: the overlap check needs the real end.
    check_no_collision(session, station, broadcast.slot_start, broadcast.slot_end, broadcast.zone_ids, exclude_id=broadcast.id)
    broadcast.created_by_id = user.id if user else None
    session.flush()
    return broadcast
