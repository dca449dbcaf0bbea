"""Central bulletins: the province (or district) writes once and sends to chosen communes and zones.

Each commune gets its own approved script (read by its own voice chain) placed by the bulletin's priority:
emergency interrupts now; priority goes first in today's next broadcast (else a one-off as soon as possible);
normal goes into the first broadcast of the coming week with room (else a one-off right after the next broadcast).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.audit.capture import describe
from broadcast.config import Settings
from broadcast.content.rendering import render_script
from broadcast.content.media import import_media, media_sound
from broadcast.content.scripts import approve_script, create_script, validated_text
from broadcast.errors import InvalidInput, PermissionDenied
from broadcast.models import (
    AIRED_IN_FULL, NOT_AIRED, AsRunEntry, Broadcast, BroadcastItem, BroadcastStatus, LogStatus, Priority, Role, Script, Slot,
    Station, User, Zone,
)
from broadcast.models.bulletins import Bulletin, BulletinTarget
from broadcast.planning.loader import BULLETIN_SOURCE, slot_rule
from broadcast.planning.oneoff import add_one_off
from broadcast.planning.planner import occurrences, zones_meet
from broadcast.planning.programmes import find_room, plan_days
from broadcast.playout.emergency import start_emergency
from broadcast.stations.lookup import station_tz, zone_names
from broadcast.timeutil import Clock, SystemClock

# Time for the central player (syncs every few seconds) and commune players to pick a placed bulletin up.
LEAD = timedelta(minutes=2)
# How far ahead a normal bulletin looks for a broadcast with room before it gets a one-off of its own.
NORMAL_HORIZON_DAYS = 7
MAY_SEND = (Role.APPROVER, Role.ADMIN)
STATES = {"pending": "chờ phát", "aired": "đã phát", "failed": "lỗi", "skipped": "bỏ qua"}
PRIORITY_LABELS = {Priority.NORMAL: "thông thường", Priority.PRIORITY: "ưu tiên", Priority.EMERGENCY: "khẩn cấp"}
__all__ = ["TargetSpec", "CommuneStatus", "parse_target", "send_bulletin", "bulletin_status", "sendable_stations", "list_bulletins"]


@dataclass(frozen=True)
class TargetSpec:
    """A commune (station slug) and, optionally, some of its zones by code (none = every zone)."""

    station: str
    zones: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommuneStatus:
    """What happened to a bulletin in one commune."""

    station: str
    station_name: str
    zones: str
    placement: str
    broadcast_id: int | None
    planned_at: datetime | None
    aired_at: datetime | None
    seconds: float
    state: str
    note: str = ""

    @property
    def label(self) -> str:
        """The state in Vietnamese."""
        return STATES[self.state]


def parse_target(text: str) -> TargetSpec:
    """`cam-tan` or `cam-tan:thon-1,thon-2` as a TargetSpec."""
    slug, _, zones = (text or "").strip().partition(":")
    if not slug.strip():
        raise InvalidInput(f"Không hiểu xã nhận «{text}»: hãy viết mã xã, có thể kèm thôn, ví dụ cam-tan:thon-1,thon-2.", field="targets")
    return TargetSpec(slug.strip(), tuple(z.strip() for z in zones.split(",") if z.strip()))


def sendable_stations(session: Session, user: User) -> list[Station]:
    """The communes where this user may send a bulletin (approver or admin there)."""
    ids = [m.station_id for m in user.memberships if m.role in MAY_SEND]
    if not ids:
        return []
    return list(session.scalars(select(Station).where(Station.id.in_(ids)).order_by(Station.name)))


@dataclass
class _Resolved:
    station: Station
    zone_ids: list[int] = field(default_factory=list)


def _resolve(session: Session, author: User, targets: Sequence[TargetSpec]) -> list[_Resolved]:
    """Stations and zone ids of the targets, refusing unknown ones and communes where the author may not approve."""
    if not targets:
        raise InvalidInput("Chưa chọn xã nhận bản tin: hãy chọn ít nhất một xã.", field="targets")
    resolved: list[_Resolved] = []
    seen: set[str] = set()
    for spec in targets:
        if spec.station in seen:
            raise InvalidInput(f"Xã {spec.station} được chọn hai lần: hãy chọn mỗi xã một lần.", field="targets")
        seen.add(spec.station)
        station = session.scalar(select(Station).where(Station.slug == spec.station))
        if station is None:
            raise InvalidInput(f"Không có xã {spec.station!r}: hãy kiểm tra mã xã (lệnh `loaxa station list`).", field="targets")
        zones = {z.code: z.id for z in session.scalars(select(Zone).where(Zone.station_id == station.id))}
        unknown = [code for code in spec.zones if code not in zones]
        if unknown:
            raise InvalidInput(f"{station.name} không có cụm loa {unknown[0]!r}: hãy chọn lại thôn.", field="targets")
        chosen = sorted({zones[c] for c in spec.zones})
        # Every zone chosen is the same as "all zones": the bulletin can then go into the regular broadcasts.
        resolved.append(_Resolved(station, [] if set(chosen) == set(zones.values()) else chosen))
    for item in resolved:
        role = next((m.role for m in author.memberships if m.station_id == item.station.id), None)
        if role not in MAY_SEND:
            raise PermissionDenied(f"Tài khoản {author.username} không có quyền phê duyệt ở {item.station.name}: "
                                   "hãy bỏ xã này khỏi danh sách hoặc nhờ quản trị viên cấp quyền.")
    return resolved


def _first_free(session: Session, station: Station, start: datetime, seconds: float, zone_ids: list[int]) -> datetime:
    """The first instant from `start` when a broadcast of this length meets no other live broadcast on a shared zone."""
    zones = frozenset(zone_ids)
    for _ in range(200):
        end = start + timedelta(seconds=seconds + 1)
        clash = [b for b in session.scalars(select(Broadcast).where(
            Broadcast.station_id == station.id, Broadcast.status != BroadcastStatus.CANCELLED,
            Broadcast.slot_start < end, Broadcast.slot_end > start,
        )) if zones_meet(zones, frozenset(b.zone_ids or []))]
        if not clash:
            return start
        start = max(b.slot_end for b in clash) + timedelta(seconds=1)
    return start


def _next_end(session: Session, station: Station, earliest: datetime, last: date) -> datetime | None:
    """The end of the station's next slot occurrence starting from an instant (planned or not yet)."""
    rules = [slot_rule(s) for s in session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)))]
    tz = station_tz(station)
    later = [o for o in occurrences(rules, earliest.astimezone(tz).date(), last, tz) if o.start >= earliest]
    return later[0].end if later else None


def _one_off(session: Session, station: Station, script: Script, seconds: float, start: datetime, target: BulletinTarget,
             priority: Priority, author: User, now: datetime) -> None:
    start = _first_free(session, station, start, seconds + 60, target.zone_ids)  # with room for the jingles
    broadcast = add_one_off(session, station, f"Bản tin tỉnh/huyện: {script.title}"[:300], start, [script.id], now,
                            zone_ids=target.zone_ids, priority=priority, author=author)
    target.placement, target.broadcast_id = "oneoff", broadcast.id


def _in_slot(session: Session, settings: Settings, station: Station, target: BulletinTarget, key: tuple[int, datetime], now: datetime) -> None:
    """Pin the bulletin to a slot occurrence and re-plan that day (unstarted broadcasts only) so its broadcast carries it."""
    target.placement, target.slot_id, target.slot_start = "slot", key[0], key[1]
    session.flush()
    day = key[1].astimezone(station_tz(station)).date()
    plan_days(session, settings, station, day, day, now)
    broadcast = session.scalar(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.slot_id == key[0],
                                                       Broadcast.slot_start == key[1]))
    target.broadcast_id = broadcast.id if broadcast is not None else None


def _place(session: Session, settings: Settings, station: Station, bulletin: Bulletin, target: BulletinTarget, script: Script,
           seconds: float, author: User, clock: Clock, now: datetime) -> None:
    """Put one commune's copy on air according to the bulletin's priority."""
    if bulletin.priority == Priority.EMERGENCY:
        broadcast = start_emergency(session, settings, station, bulletin.title, script_id=script.id, zone_ids=target.zone_ids,
                                    user=author, clock=clock)
        target.placement, target.broadcast_id = "emergency", broadcast.id
        return
    earliest = max(now + LEAD, bulletin.air_from or now)
    tz = station_tz(station)
    if bulletin.priority == Priority.PRIORITY:
        key = find_room(session, settings, station, script, earliest, earliest.astimezone(tz).date(), target.zone_ids, now)
        if key is not None:
            _in_slot(session, settings, station, target, key, now)
        else:
            _one_off(session, station, script, seconds, earliest, target, Priority.PRIORITY, author, now)
        return
    last = earliest.astimezone(tz).date() + timedelta(days=NORMAL_HORIZON_DAYS - 1)
    key = find_room(session, settings, station, script, earliest, last, target.zone_ids, now)
    if key is not None:
        _in_slot(session, settings, station, target, key, now)
        return
    # No room all week (or no broadcast on these zones): right after the next broadcast, when people are listening.
    _one_off(session, station, script, seconds, _next_end(session, station, earliest, last) or earliest, target, Priority.NORMAL, author, now)


def _copy_for(session: Session, settings: Settings, station: Station, bulletin: Bulletin, title: str, text: str, priority: Priority,
              author: User, audio: Path | None, audio_name: str | None) -> tuple[Script, float]:
    """One commune's approved copy of the bulletin with its audio ready: read by the commune's voices, or the file as a media item."""
    if audio is None:
        script = create_script(session, station, title, text, author, priority=priority)
        seconds = None
    else:
        script = import_media(session, settings, station, audio, title, "programme", audio_name, author)
        script.priority = priority
        seconds = media_sound(session, script).duration_s  # type: ignore[union-attr]
    script.category, script.notes, script.source = "bản tin tỉnh/huyện", f"Bản tin tỉnh/huyện số {bulletin.id}", BULLETIN_SOURCE
    approve_script(session, script, author)  # the sender approves in every target commune (checked by _resolve)
    if seconds is None:
        seconds = render_script(session, settings, script, station)[0].duration_s
    return script, seconds


def send_bulletin(session: Session, settings: Settings, author: User, title: str, text: str, priority: Priority | str,
                  targets: Sequence[TargetSpec], when: datetime | None = None, clock: Clock | None = None,
                  audio: Path | None = None, audio_name: str | None = None) -> Bulletin:
    """Write a bulletin once (a text, or an audio file as it is) and place an approved copy in every target commune,
    all in the caller's transaction."""
    clock = clock or SystemClock()
    now = clock.now()
    if audio is not None:  # the text only describes the file: its name unless given
        text = text.strip() or f"Tệp âm thanh {Path(audio_name or audio).name}"
    title, text = validated_text(title, text, body_field="text")
    try:
        priority = Priority(priority)
    except ValueError:
        raise InvalidInput("Mức ưu tiên phải là thông thường, ưu tiên hoặc khẩn cấp: hãy chọn lại.", field="priority") from None
    if when is not None:
        if when.tzinfo is None:
            raise InvalidInput("Giờ phát thiếu múi giờ: hãy nhập lại ngày giờ.", field="when")
        if priority == Priority.EMERGENCY:
            raise InvalidInput("Bản tin khẩn cấp phát ngay: hãy bỏ trống giờ phát hoặc chọn mức ưu tiên khác.", field="when")
        if when <= now:
            raise InvalidInput("Giờ phát đã qua: hãy chọn một thời điểm sau bây giờ hoặc để trống.", field="when")
    resolved = _resolve(session, author, targets)
    bulletin = Bulletin(title=title, body=text, priority=priority, author_id=author.id, created_at=now, air_from=when, status="sent")
    session.add(bulletin)
    session.flush()
    describe(session, bulletin)  # the audit row is about the bulletin, not the first of its commune copies
    for item in resolved:
        station = item.station
        script, seconds = _copy_for(session, settings, station, bulletin, title, text, priority, author, audio, audio_name)
        script.approved_at = now  # the bulletin's clock
        target = BulletinTarget(station_id=station.id, zone_ids=item.zone_ids, script_id=script.id, state="pending")
        bulletin.targets.append(target)
        session.flush()
        _place(session, settings, station, bulletin, target, script, seconds, author, clock, now)
    session.flush()
    return bulletin


def _status_of(session: Session, target: BulletinTarget) -> CommuneStatus:
    station = session.get(Station, target.station_id)
    broadcast = session.get(Broadcast, target.broadcast_id) if target.broadcast_id else None
    item = None
    if broadcast is not None and target.script_id:
        item = session.scalar(select(BroadcastItem).where(BroadcastItem.broadcast_id == broadcast.id,
                                                          BroadcastItem.script_id == target.script_id).limit(1))
    rows = list(session.scalars(select(AsRunEntry).where(
        AsRunEntry.station_id == target.station_id, AsRunEntry.item_ref == f"script:{target.script_id}",
    ).order_by(AsRunEntry.seq))) if target.script_id else []
    planned = (broadcast.planned_start + timedelta(seconds=item.offset_s)) if broadcast is not None and item is not None else (
        broadcast.planned_start if broadcast is not None else None)
    aired = [r for r in rows if r.status in AIRED_IN_FULL]
    seconds = sum(r.seconds for r in rows)
    note = ""
    if aired:
        state = "aired"
    elif any(r.status in (LogStatus.INTERRUPTED, LogStatus.FAILED, LogStatus.MISSED) for r in rows):
        state, note = "failed", "; ".join(r.reason for r in rows if r.reason)[:300]
    elif rows:
        state, note = "skipped", "; ".join(r.reason for r in rows if r.reason)[:300]
    elif broadcast is None or broadcast.status == BroadcastStatus.CANCELLED:
        state, note = "skipped", "buổi phát đã bị hủy"
    elif broadcast.status in NOT_AIRED:
        state, note = "failed", broadcast.note or "buổi phát không lên sóng được"
    elif item is None:
        done = broadcast.status in (BroadcastStatus.DONE, BroadcastStatus.INTERRUPTED)
        state, note = ("skipped" if done else "pending"), "bản tin không còn trong chương trình (không vừa thời lượng)"
    else:
        state = "pending"
    return CommuneStatus(station.slug, station.name, zone_names(session, station.id, list(target.zone_ids or [])), target.placement,
                         target.broadcast_id, planned, aired[0].actual_start if aired else None, round(seconds, 1), state, note)


def bulletin_status(session: Session, bulletin: Bulletin) -> list[CommuneStatus]:
    """Per commune: when it is planned, when it aired (from the as-run log), seconds, zones and state; keeps the stored states in step."""
    found = [_status_of(session, target) for target in bulletin.targets]
    for target, status in zip(bulletin.targets, found):
        target.state = status.state
    bulletin.status = "done" if all(s.state != "pending" for s in found) else "sent"
    session.flush()
    return found


def list_bulletins(session: Session, station_ids: Sequence[int], limit: int = 20) -> list[Bulletin]:
    """The latest bulletins sent to any of these stations."""
    if not station_ids:
        return []
    ids = select(BulletinTarget.bulletin_id).where(BulletinTarget.station_id.in_(list(station_ids)))
    return list(session.scalars(select(Bulletin).where(Bulletin.id.in_(ids)).order_by(Bulletin.created_at.desc(), Bulletin.id.desc()).limit(limit)))


def latest_bulletins(session: Session, limit: int = 50) -> list[Bulletin]:
    """The latest bulletins to any station, newest number first."""
    return list(session.scalars(select(Bulletin).order_by(Bulletin.id.desc()).limit(limit)))


def get_bulletin(session: Session, bulletin_id: int) -> Bulletin:
    """A bulletin by number, or NotFound."""
    from broadcast.errors import NotFound

    bulletin = session.get(Bulletin, bulletin_id)
    if bulletin is None:
        raise NotFound(f"Không có bản tin số {bulletin_id}: hãy kiểm tra số bản tin (`loaxa bulletin list`).")
    return bulletin
