"""One-off broadcasts outside the regular slots, all built one way: typed messages, approved scripts, emergencies, the test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.config import Settings
from broadcast.content.assets import station_assets, usable_assets
from broadcast.content.rendering import ScriptAudio, message_audio, playable_script
from broadcast.content.scripts import validated_text
from broadcast.errors import InvalidInput
from broadcast.models import Broadcast, BroadcastItem, BroadcastKind, ItemType, Priority, Station, User, Zone
from broadcast.planning.edits import check_no_collision
from broadcast.planning.writer import renumber

TEST_TITLE = "Phát thử"
TEST_MESSAGE = "Đây là buổi phát thử của {name}. Hệ thống phát thanh tự động loaxa đang hoạt động bình thường."
# A one-off's slot ends this long after its programme, so its last item is never cut by the end of the slot.
END_MARGIN_S = 1.0


@dataclass(frozen=True)
class Part:
    """One spoken item of a one-off: what people see and the audio it plays."""

    title: str
    audio: ScriptAudio
    reason: str
    script_id: int | None = None


def typed_part(session: Session, settings: Settings, station: Station, title: str, text: str, reason: str) -> Part:
    """A typed message, read now with the station's lexicon and voices."""
    return Part(title, message_audio(session, settings, station, text), reason)


def script_part(session: Session, station: Station, script_id: int, reason: str, field: str, or_typed: bool = False) -> Part:
    """An approved script of the station with its audio, or one sentence saying why it cannot air."""
    script, audio = playable_script(session, station, script_id, field, or_typed)
    return Part(script.title, audio, reason, script.id)


def station_zones(session: Session, station: Station, zone_ids: Sequence[int], field: str) -> list[int]:
    """The chosen zones sorted (none = every zone), or InvalidInput naming one that is not the station's."""
    known = set(session.scalars(select(Zone.id).where(Zone.station_id == station.id)))
    unknown = [z for z in zone_ids if z not in known]
    if unknown:
        raise InvalidInput(f"Không có cụm loa số {unknown[0]} ở đài này: hãy chọn lại các thôn cần phát.", field=field)
    return sorted(set(zone_ids))


def build_one_off(
    session: Session, station: Station, title: str, start: datetime, parts: Sequence[Part], *,
    kind: BroadcastKind = BroadcastKind.ONE_OFF, priority: Priority = Priority.NORMAL, zone_ids: Sequence[int] = (),
    with_jingles: bool = True, author: User | None = None, exclusive: bool = False,
) -> Broadcast:
    """A saved broadcast of parts between the station's jingles at an instant; exclusive ones refuse a shared-zone overlap."""
    jingles = usable_assets(station_assets(session, station)) if with_jingles else {}
    item_type = ItemType.EMERGENCY if kind == BroadcastKind.EMERGENCY else ItemType.SCRIPT

    def jingle(asset_kind: str, reason: str) -> list[BroadcastItem]:
        asset = jingles.get(asset_kind)
        return [BroadcastItem(station_id=station.id, item_type=ItemType.JINGLE, asset_id=asset.id, title=asset.name,
                              audio_path=asset.path, duration_s=asset.duration_s, reason=reason)] if asset else []

    spoken = [BroadcastItem(station_id=station.id, item_type=item_type, script_id=p.script_id, render_id=p.audio.render_id,
                            recording_id=p.audio.recording_id, title=p.title, voice=p.audio.voice, audio_path=str(p.audio.path),
                            duration_s=p.audio.duration_s, reason=p.reason) for p in parts]
    rows = [*jingle("jingle_open", "nhạc hiệu mở đầu"), *spoken, *jingle("jingle_close", "nhạc hiệu kết thúc")]
    end = start + timedelta(seconds=sum(r.duration_s for r in rows) + END_MARGIN_S)
    zones = sorted(set(zone_ids))
    if exclusive:
        check_no_collision(session, station, start, end, zones)
    broadcast = Broadcast(station_id=station.id, kind=kind, title=title, priority=priority, slot_start=start, slot_end=end,
                          planned_start=start, zone_ids=zones, created_by_id=author.id if author else None, manual=True)
    broadcast.items.extend(rows)
    session.add(broadcast)
    renumber(broadcast)
    session.flush()
    return broadcast


def create_message_broadcast(
    session: Session, settings: Settings, station: Station, title: str, text: str, start: datetime,
    kind: BroadcastKind = BroadcastKind.ONE_OFF, priority: Priority = Priority.NORMAL, zone_ids: list[int] | None = None,
    with_jingles: bool = True,
) -> Broadcast:
    """A broadcast of one typed message (between the station's jingles) at a given instant."""
    part = typed_part(session, settings, station, title, text, "phát một lần")
    return build_one_off(session, station, title, start, [part], kind=kind, priority=priority, zone_ids=zone_ids or [], with_jingles=with_jingles)


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
    zones = station_zones(session, station, zone_ids, field="zones")
    # The message's length is known only once it is read: the overlap check needs the real end.
    part = typed_part(session, settings, station, title, text, "phát một lần")
    return build_one_off(session, station, title, start, [part], zone_ids=zones, author=user, exclusive=True)


def add_one_off(
    session: Session, station: Station, title: str, start: datetime, script_ids: Sequence[int], now: datetime,
    zone_ids: Sequence[int] = (), priority: Priority = Priority.NORMAL, with_jingles: bool = True, author: User | None = None,
) -> Broadcast:
    """A one-off broadcast of approved scripts at a future instant, refused if it collides with another broadcast on a shared zone."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput("Tên buổi phát đang để trống: hãy đặt tên.", field="title")
    if start.tzinfo is None:
        raise InvalidInput("Giờ phát thiếu múi giờ.", field="start")
    if start <= now:
        raise InvalidInput("Giờ phát đã qua: hãy chọn một thời điểm sau bây giờ.", field="start")
    if not script_ids:
        raise InvalidInput("Chưa chọn bài nào: hãy chọn ít nhất một bài đã duyệt.", field="scripts")
    zones = station_zones(session, station, zone_ids, field="zones")
    parts = [script_part(session, station, script_id, "phát một lần theo yêu cầu", field="scripts") for script_id in script_ids]
    return build_one_off(session, station, title, start, parts, priority=priority, zone_ids=zones, with_jingles=with_jingles,
                         author=author, exclusive=True)
