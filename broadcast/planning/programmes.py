"""Database shells around the pure planner: plan days, edit a programme by hand, assemble its audio."""

from __future__ import annotations

import array
import hashlib
import json
import os
import sys
import wave
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from audio.assemble import assemble
from broadcast.config import Settings
from broadcast.content.rendering import ScriptAudio, current_audio, loudness_target, script_audio
from broadcast.errors import Conflict, InvalidInput, NotFound
from broadcast.models import (
    UNSTARTED,
    Asset,
    Broadcast,
    BroadcastItem,
    BroadcastKind,
    BroadcastStatus,
    Campaign,
    CampaignScript,
    ContentStatus,
    ItemType,
    Priority,
    Script,
    Slot,
    Station,
    User,
    is_unstarted,
)
from broadcast.models.bulletins import BulletinTarget
from broadcast.planning.planner import (
    DEFAULT_TEMPLATE,
    AssetClip,
    Assets,
    BroadcastPlan,
    CampaignRule,
    Clip,
    Floating,
    PlanInputs,
    PlannedItem,
    Played,
    PoolEntry,
    SlotRule,
    plan_range,
    zones_meet,
)
from broadcast.planning.windows import load_windows
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import local_day_bounds

# Scripts made from a central bulletin air only where the bulletin was placed, never in the daily rotation.
BULLETIN_SOURCE = "bulletin"
PLANNED_KINDS = (BroadcastKind.REGULAR, BroadcastKind.EXTRA)
MAX_PLAN_DAYS = 366
# Rotation is replayed from the start of the oldest running campaign, at most this far back.
MAX_LOOKBACK_DAYS = 400
FILLER_SECONDS = 180.0
FILLER_FADE_S = 2.0
__all__ = [
    "DEFAULT_TEMPLATE", "PlanReport", "ProgrammeView", "ItemView", "plan_days", "preview_days", "assemble_broadcast",
    "reorder_items", "add_one_off", "check_no_collision", "plan_hash", "ensure_filler", "slot_rule",
]


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class ItemView:
    """One programme item as shown to a person or exported."""

    position: int
    start: datetime
    duration_s: float
    item_type: str
    title: str
    campaign: str
    reason: str
    script_id: int | None = None


@dataclass
class ProgrammeView:
    """One broadcast's programme, saved (broadcast_id set) or only previewed."""

    slot_id: int | None
    title: str
    kind: str
    status: str
    slot_start: datetime
    slot_end: datetime
    items: list[ItemView]
    broadcast_id: int | None = None
    preview: bool = False

    @property
    def used_s(self) -> float:
        """Seconds the programme lasts."""
        return sum(i.duration_s for i in self.items)


@dataclass
class PlanReport:
    """What planning did: the programmes of the range and every problem, one sentence each."""

    programmes: list[ProgrammeView] = field(default_factory=list)
    broadcasts: list[Broadcast] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    cancelled: list[Broadcast] = field(default_factory=list)


# ---------------------------------------------------------------- reading inputs


def slot_rule(slot: Slot) -> SlotRule:
    """The pure recurrence rule of a slot row."""
    return SlotRule(
        slot_id=slot.id, start_time=slot.start_time, duration_s=slot.duration_s, weekdays=slot.weekdays or "1234567",
        valid_from=slot.valid_from, valid_to=slot.valid_to,
        exceptions=frozenset(date.fromisoformat(d) for d in slot.exceptions or []),
        zone_ids=frozenset(slot.zone_ids or []), campaign_id=slot.campaign_id, name=slot.name,
    )


def _assets(session: Session, station: Station) -> tuple[Assets, dict[int, Asset]]:
    rows = list(session.scalars(select(Asset).where(Asset.station_id == station.id).order_by(Asset.id)))
    first: dict[str, AssetClip] = {}
    for row in rows:
        if row.kind not in first and Path(row.path).exists():
            first[row.kind] = AssetClip(row.id, row.name, row.duration_s)
    return Assets(**{k: first.get(k) for k in ("jingle_open", "jingle_close", "separator", "filler")}), {r.id: r for r in rows}


def _clip(script: Script, duration_s: float) -> Clip:
    return Clip(script.id, script.title, duration_s, script.priority in (Priority.PRIORITY, Priority.EMERGENCY), script.id,
                script.valid_from, script.valid_to)


def ensure_filler(session: Session, settings: Settings, station: Station) -> Asset:
    """The station's filler asset; a soft music bed is generated once when the station has none."""
    asset = session.scalar(select(Asset).where(Asset.station_id == station.id, Asset.kind == "filler").order_by(Asset.id).limit(1))
    if asset is not None and Path(asset.path).exists():
        return asset
    from audio.jingles import generate_filler

    path = settings.audio_dir / "assets" / station.slug / "filler.wav"
    path.parent.mkdir(parents=True, exist_ok=True)
    generate_filler(path, FILLER_SECONDS, loudness_target(station), tools=settings.tools)
    seconds = _wav_seconds(path)
    if asset is None:
        asset = Asset(station_id=station.id, kind="filler", name="Nhạc nền", path=str(path), duration_s=seconds)
        session.add(asset)
    else:
        asset.path, asset.duration_s = str(path), seconds
    session.flush()
    return asset


@dataclass
class _Loaded:
    inputs: PlanInputs
    slots: dict[int, Slot]
    scripts: dict[int, Script]
    audio: dict[int, ScriptAudio]
    campaigns: dict[int, Campaign]
    assets: dict[int, Asset]
    existing: dict[tuple[int, datetime], Broadcast]
    window_first: date
    problems: list[str]


def _load(session: Session, settings: Settings, station: Station, first: date, last: date, now: datetime, save: bool = True) -> _Loaded:
    """Read every planner input for a range (and the rotation history before it) in a few queries."""
    tz = station_tz(station)
    slots = {s.id: s for s in session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)).order_by(Slot.id))}
    templates = {sid: [dict(p) for p in (s.template.items if s.template and s.template.items else [])] for sid, s in slots.items()}
    if any(p.get("kind") == "filler" for t in templates.values() for p in t):  # previews too: same plan either way
        ensure_filler(session, settings, station)
    campaigns = list(session.scalars(
        select(Campaign).where(Campaign.station_id == station.id, Campaign.status == ContentStatus.APPROVED,
                               Campaign.start_date <= last, Campaign.end_date >= first - timedelta(days=MAX_LOOKBACK_DAYS))
        .order_by(Campaign.start_date, Campaign.id)
    ))
    running = [c for c in campaigns if c.end_date >= first]
    window_first = max(min([first] + [c.start_date for c in running]), first - timedelta(days=MAX_LOOKBACK_DAYS))
    campaigns = [c for c in campaigns if c.end_date >= window_first]
    scripts = {s.id: s for s in session.scalars(select(Script).where(Script.station_id == station.id, Script.status == ContentStatus.APPROVED).order_by(Script.id))}
    pooled = set(session.scalars(select(CampaignScript.script_id).where(CampaignScript.station_id == station.id)))
    problems: list[str] = []
    audio = current_audio(session, list(scripts.values()))
    for script in scripts.values():
        if script.id not in audio:
            problems.append(f"Bài «{script.title}» đã duyệt nhưng chưa có âm thanh nên chưa được xếp lịch: hãy chạy `loaxa render`.")
    clips = [_clip(s, audio[s.id].duration_s) for s in scripts.values() if s.id in audio and s.id not in pooled and s.source != BULLETIN_SOURCE]
    pinned: dict[tuple[int, datetime], list[Clip]] = {}
    for target in session.scalars(select(BulletinTarget).where(
        BulletinTarget.station_id == station.id, BulletinTarget.slot_id.is_not(None), BulletinTarget.script_id.is_not(None),
    ).order_by(BulletinTarget.id)):
        if target.script_id in audio:
            pinned.setdefault((target.slot_id, target.slot_start), []).append(_clip(scripts[target.script_id], audio[target.script_id].duration_s))
    rules = []
    for campaign in campaigns:
        pool = tuple(PoolEntry(_clip(cs.script, audio[cs.script_id].duration_s), cs.weight)
                     for cs in sorted(campaign.pool, key=lambda cs: cs.script_id) if cs.script_id in audio)
        rules.append(CampaignRule(campaign.id, campaign.slug, campaign.start_date, campaign.end_date, campaign.target_kind,
                                  campaign.target_value, campaign.extend_slot_s or 0, campaign.min_separation_h or 0.0, pool,
                                  campaign.priority != Priority.NORMAL, load_windows(campaign.windows)))
    assets, asset_rows = _assets(session, station)
    start_utc, _ = local_day_bounds(window_first, tz)
    _, end_utc = local_day_bounds(last, tz)
    existing: dict[tuple[int, datetime], Broadcast] = {}
    for b in session.scalars(select(Broadcast).where(
        Broadcast.station_id == station.id, Broadcast.slot_id.is_not(None), Broadcast.kind.in_(PLANNED_KINDS),
        Broadcast.slot_start >= start_utc, Broadcast.slot_start < end_utc,
    ).order_by(Broadcast.slot_start, Broadcast.id).options(selectinload(Broadcast.items))):
        existing[(b.slot_id, b.slot_start)] = b  # type: ignore[index]
    frozen: dict[tuple[int, datetime], list[Played]] = {}
    for key, b in existing.items():
        if b.status == BroadcastStatus.CANCELLED:
            continue
        if _started(b, now) or b.manual:
            if not _started(b, now) and save:
                _drop_unapproved(session, b, scripts)
            frozen[key] = [Played(i.campaign_id, i.script_id, i.duration_s, b.planned_start + timedelta(seconds=i.offset_s))
                           for i in b.items if i.campaign_id and i.script_id and (_started(b, now) or i.script_id in scripts)]
    inputs = PlanInputs([slot_rule(s) for s in slots.values()], templates, rules, assets, clips, tz, frozen, pinned)
    return _Loaded(inputs, slots, scripts, audio, {c.id: c for c in campaigns}, asset_rows, existing, window_first, problems)


def _started(broadcast: Broadcast, now: datetime) -> bool:
    """Whether a broadcast is beyond re-planning: on air, done, or its start has passed."""
    return not is_unstarted(broadcast.status, broadcast.planned_start, now)


def _drop_unapproved(session: Session, broadcast: Broadcast, approved: dict[int, Script]) -> None:
    """Remove from a hand-edited, unstarted broadcast the scripts that are no longer approved."""
    gone = [i for i in broadcast.items if i.script_id and i.script_id not in approved and i.item_type == ItemType.SCRIPT]
    if not gone:
        return
    for item in gone:
        broadcast.items.remove(item)
    _renumber(broadcast)
    session.flush()


# ---------------------------------------------------------------- planning


def plan_days(session: Session, settings: Settings, station: Station, first: date, last: date, now: datetime, save: bool = True) -> PlanReport:
    """Create or refresh the broadcasts of the station's slots between two local days.

    Deterministic: the rotation is replayed from the start of the running campaigns, so a day's plan does not
    depend on which days were planned before. Broadcasts that have started (or whose start has passed) are left
    as they are; occurrences already over that were never planned are shown as previews and not saved.
    Broadcasts of occurrences that no longer exist (slot removed, exception added) are cancelled if unstarted.
    """
    if last < first:
        raise InvalidInput(f"Ngày kết thúc ({last:%d/%m/%Y}) đứng trước ngày bắt đầu ({first:%d/%m/%Y}): hãy đổi lại thứ tự.", field="to")
    if (last - first).days >= MAX_PLAN_DAYS:
        raise InvalidInput(f"Chỉ lập lịch được tối đa {MAX_PLAN_DAYS} ngày một lần: hãy chọn khoảng ngày ngắn hơn.", field="to")
    loaded = _load(session, settings, station, first, last, now, save)
    tz = loaded.inputs.tz
    ranged = plan_range(loaded.inputs, loaded.window_first, last)
    report = PlanReport(problems=list(loaded.problems))
    for problem in ranged.problems:
        if _problem_day(problem) is None or _problem_day(problem) >= first:
            report.problems.append(problem)
    seen: set[tuple[int, datetime]] = set()
    for plan in ranged.plans:
        occ = plan.occurrence
        if occ.day is None or occ.day < first:
            continue
        key = (occ.slot_id, occ.start)
        seen.add(key)
        slot = loaded.slots[occ.slot_id]
        broadcast = loaded.existing.get(key)
        if plan.frozen and broadcast is not None:
            report.broadcasts.append(broadcast)
            report.programmes.append(_view_of_broadcast(broadcast, tz, loaded.campaigns))
            continue
        report.problems.extend(plan.left_out)
        if broadcast is None and (not save or occ.end <= now):
            report.programmes.append(_view_of_plan(plan, slot, tz, loaded.campaigns))
            continue
        if broadcast is None:
            broadcast = Broadcast(
                station_id=station.id, slot_id=slot.id, kind=BroadcastKind.EXTRA if slot.campaign_id else BroadcastKind.REGULAR,
                title=slot.name, slot_start=occ.start, slot_end=occ.end, planned_start=occ.start, zone_ids=sorted(slot.zone_ids or []),
            )
            session.add(broadcast)
        elif broadcast.planned_start <= now or broadcast.status not in (*UNSTARTED, BroadcastStatus.CANCELLED):
            report.programmes.append(_view_of_broadcast(broadcast, tz, loaded.campaigns))
            report.broadcasts.append(broadcast)
            continue
        elif not save:
            report.programmes.append(_view_of_plan(plan, slot, tz, loaded.campaigns))
            continue
        broadcast.title, broadcast.slot_end, broadcast.zone_ids = slot.name, occ.end, sorted(slot.zone_ids or [])
        if broadcast.status == BroadcastStatus.CANCELLED:
            broadcast.status = BroadcastStatus.PLANNED
        _write_items(session, station, broadcast, plan.items, loaded)
        report.broadcasts.append(broadcast)
        report.programmes.append(_view_of_broadcast(broadcast, tz, loaded.campaigns))
    if save:
        first_utc, _ = local_day_bounds(first, tz)
        for key, broadcast in loaded.existing.items():
            if key not in seen and broadcast.slot_start >= first_utc and not _started(broadcast, now) and broadcast.status != BroadcastStatus.CANCELLED:
                broadcast.status = BroadcastStatus.CANCELLED
                broadcast.note = "Hủy: buổi phát không còn trong lịch (buổi phát bị xóa, đổi giờ hoặc thêm ngày nghỉ)."
                report.cancelled.append(broadcast)
        session.flush()
    report.programmes.sort(key=lambda v: (v.slot_start, v.slot_id or 0))
    return report


def find_room(session: Session, settings: Settings, station: Station, script: Script, not_before: datetime, last: date,
              zone_ids: Sequence[int], now: datetime) -> tuple[int, datetime] | None:
    """The first unstarted slot occurrence from an instant to a local day, on exactly these zones, whose plan has room for a bulletin script."""
    audio = script_audio(session, script)
    if audio is None:
        return None
    first = not_before.astimezone(station_tz(station)).date()
    if last < first:
        return None
    loaded = _load(session, settings, station, first, last, now, save=False)
    floating = Floating(_clip(script, audio.duration_s), max(not_before, now), frozenset(zone_ids))
    inputs = PlanInputs(loaded.inputs.slots, loaded.inputs.templates, loaded.inputs.campaigns, loaded.inputs.assets,
                        loaded.inputs.clips, loaded.inputs.tz, loaded.inputs.frozen, loaded.inputs.pinned, (floating,))
    for plan in plan_range(inputs, loaded.window_first, last).plans:
        if any(i.kind == "script" and i.ref == script.id for i in plan.items):
            return plan.occurrence.slot_id, plan.occurrence.start
    return None


def preview_days(session: Session, settings: Settings, station: Station, first: date, last: date, now: datetime) -> PlanReport:
    """The same plan as plan_days without saving anything."""
    return plan_days(session, settings, station, first, last, now, save=False)


def _problem_day(problem: str) -> date | None:
    """The date a planner problem is about (they start with 'Ngày DD/MM/YYYY')."""
    if problem.startswith("Ngày "):
        try:
            return datetime.strptime(problem[5:15], "%d/%m/%Y").date()
        except ValueError:
            return None
    return None


def _item_row(station: Station, item: PlannedItem, position: int, loaded: _Loaded) -> BroadcastItem:
    """A BroadcastItem row for a planned item, with the audio it will play."""
    row = BroadcastItem(
        station_id=station.id, position=position, item_type=ItemType(item.item_type), title=item.title, reason=item.reason,
        offset_s=round(item.offset_s, 6), duration_s=item.duration_s, campaign_id=item.campaign_id, relay_url=item.url,
    )
    if item.kind == "script" and item.ref is not None:
        audio = loaded.audio[item.ref]
        row.script_id, row.render_id, row.recording_id = item.ref, audio.render_id, audio.recording_id
        row.voice, row.audio_path = audio.voice, str(audio.path)
    elif item.kind in ("jingle_open", "jingle_close", "separator", "filler") and item.ref is not None:
        asset = loaded.assets[item.ref]
        row.asset_id, row.audio_path = asset.id, asset.path
    return row


def _signature(rows: Sequence[BroadcastItem]) -> list[tuple]:
    return [(r.item_type.value if isinstance(r.item_type, ItemType) else r.item_type, r.script_id, r.asset_id, r.render_id,
             r.recording_id, r.audio_path, round(r.duration_s, 3), r.relay_url, r.campaign_id, r.title, r.reason) for r in rows]


def _write_items(session: Session, station: Station, broadcast: Broadcast, items: Sequence[PlannedItem], loaded: _Loaded) -> None:
    """Replace a broadcast's items when the plan changed; an unchanged plan keeps its rows and its assembled audio."""
    rows = [_item_row(station, item, n, loaded) for n, item in enumerate(items)]
    if broadcast.id is not None and _signature(rows) == _signature(broadcast.items):
        return
    new_hash = plan_hash(rows)
    broadcast.items.clear()
    session.flush()
    broadcast.items.extend(rows)
    if new_hash != broadcast.plan_hash:
        broadcast.plan_hash = new_hash
        broadcast.status, broadcast.audio_path, broadcast.segments, broadcast.audio_duration_s = BroadcastStatus.PLANNED, "", [], 0.0
    session.flush()


def plan_hash(items: Sequence[BroadcastItem]) -> str:
    """A fingerprint of what a programme sounds like, so unchanged plans are not re-assembled."""
    data = [(i.item_type.value, i.script_id, i.asset_id, i.audio_path, round(i.duration_s, 3), i.relay_url or "") for i in items]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def _slugs(campaigns: dict[int, Campaign], campaign_id: int | None) -> str:
    return campaigns[campaign_id].slug if campaign_id in campaigns else ""


def _view_of_broadcast(broadcast: Broadcast, tz: Any, campaigns: dict[int, Campaign]) -> ProgrammeView:
    items = [ItemView(i.position, broadcast.planned_start + timedelta(seconds=i.offset_s), i.duration_s, i.item_type.value, i.title,
                      _slugs(campaigns, i.campaign_id), i.reason, i.script_id) for i in broadcast.items]
    return ProgrammeView(broadcast.slot_id, broadcast.title, broadcast.kind.value, broadcast.status.value, broadcast.slot_start,
                         broadcast.slot_end, items, broadcast.id)


def _view_of_plan(plan: BroadcastPlan, slot: Slot, tz: Any, campaigns: dict[int, Campaign]) -> ProgrammeView:
    occ = plan.occurrence
    items = [ItemView(n, occ.start + timedelta(seconds=i.offset_s), i.duration_s, i.item_type, i.title, _slugs(campaigns, i.campaign_id),
                      i.reason, i.ref if i.kind == "script" else None) for n, i in enumerate(plan.items)]
    kind = BroadcastKind.EXTRA if slot.campaign_id else BroadcastKind.REGULAR
    return ProgrammeView(slot.id, slot.name, kind.value, "preview", occ.start, occ.end, items, None, preview=True)


# ---------------------------------------------------------------- editing by hand


def _renumber(broadcast: Broadcast) -> None:
    """Positions and offsets follow the item order; the audio must be assembled again."""
    offset = 0.0
    for position, item in enumerate(broadcast.items):
        item.position, item.offset_s = position, offset
        offset += item.duration_s
    broadcast.plan_hash = plan_hash(broadcast.items)
    broadcast.status, broadcast.audio_path, broadcast.segments, broadcast.audio_duration_s = BroadcastStatus.PLANNED, "", [], 0.0


def _minutes(seconds: float) -> str:
    """Minutes with one decimal, written with the Vietnamese decimal comma."""
    return f"{seconds / 60:.1f}".replace(".", ",")


def _require_unstarted(broadcast: Broadcast, now: datetime) -> None:
    if _started(broadcast, now):
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
        raise InvalidInput(f"Chương trình dài {_minutes(total)} phút, quá thời lượng buổi phát {_minutes(capacity)} phút: hãy bỏ bớt một mục.", field="items")
    broadcast.items = [by_id[i] for i in item_ids]  # same members: nothing is deleted, only the order changes
    broadcast.manual = True
    _renumber(broadcast)
    session.flush()
    return broadcast


def add_script(session: Session, broadcast: Broadcast, script_id: int, now: datetime) -> BroadcastItem:
    """Add an approved script to an unstarted broadcast, before its closing jingle; refused when it would overrun the slot."""
    _require_unstarted(broadcast, now)
    script = session.get(Script, script_id)
    if script is None or script.station_id != broadcast.station_id:
        raise NotFound(f"Không có bài số {script_id} ở đài này.")
    if script.status != ContentStatus.APPROVED:
        raise InvalidInput(f"Bài «{script.title}» chưa được duyệt nên chưa phát được: hãy gửi người phê duyệt.", field="script")
    if any(i.script_id == script.id for i in broadcast.items):
        raise Conflict(f"Bài «{script.title}» đã có trong buổi phát này.")
    audio = script_audio(session, script)
    if audio is None:
        raise InvalidInput(f"Bài «{script.title}» chưa có âm thanh: hãy tạo âm thanh trước.", field="script")
    fillers = [i for i in broadcast.items if i.item_type == ItemType.FILLER]
    # The music bed only fills the gap to the slot's end, so it shrinks (or goes) to make room.
    fixed = sum(i.duration_s for i in broadcast.items if i.item_type != ItemType.FILLER) + audio.duration_s
    capacity = (broadcast.slot_end - broadcast.slot_start).total_seconds()
    if fixed > capacity + 1e-6:
        raise InvalidInput(f"Thêm bài «{script.title}» ({_minutes(audio.duration_s)} phút) thì chương trình dài {_minutes(fixed)} phút, "
                           f"quá thời lượng buổi phát {_minutes(capacity)} phút: hãy chọn bài ngắn hơn hoặc bỏ bớt một mục.", field="script")
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
    _renumber(broadcast)
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
    assets, asset_rows = _assets(session, station)
    rows: list[BroadcastItem] = []

    def jingle(kind: str) -> None:
        clip = getattr(assets, kind)
        if with_jingles and clip:
            asset = asset_rows[clip.ref]
            rows.append(BroadcastItem(station_id=station.id, item_type=ItemType.JINGLE, asset_id=asset.id, title=asset.name,
                                      audio_path=asset.path, duration_s=asset.duration_s, reason="nhạc hiệu"))

    jingle("jingle_open")
    for script_id in script_ids:
        script = session.get(Script, script_id)
        if script is None or script.station_id != station.id:
            raise NotFound(f"Không có bài số {script_id} ở đài này.")
        if script.status != ContentStatus.APPROVED:
            raise InvalidInput(f"Bài «{script.title}» chưa được duyệt nên chưa phát được: hãy gửi người phê duyệt.", field="scripts")
        audio = script_audio(session, script)
        if audio is None:
            raise InvalidInput(f"Bài «{script.title}» chưa có âm thanh: hãy tạo âm thanh trước.", field="scripts")
        rows.append(BroadcastItem(station_id=station.id, item_type=ItemType.SCRIPT, script_id=script.id, render_id=audio.render_id,
                                  recording_id=audio.recording_id, title=script.title, voice=audio.voice, audio_path=str(audio.path),
                                  duration_s=audio.duration_s, reason="phát một lần theo yêu cầu"))
    jingle("jingle_close")
    end = start + timedelta(seconds=sum(r.duration_s for r in rows))
    zones = frozenset(zone_ids)
    check_no_collision(session, station, start, end, zones)
    broadcast = Broadcast(station_id=station.id, kind=BroadcastKind.ONE_OFF, title=title, priority=priority, slot_start=start,
                          slot_end=end, planned_start=start, zone_ids=sorted(zones), created_by_id=author.id if author else None)
    broadcast.items.extend(rows)
    session.add(broadcast)
    _renumber(broadcast)
    broadcast.manual = True
    session.flush()
    return broadcast


# ---------------------------------------------------------------- assembly


def broadcast_file(settings: Settings, station: Station, broadcast: Broadcast, run: int | None = None) -> Path:
    """Where a broadcast's assembled audio (or one run of it, around relays) lives."""
    day = broadcast.planned_start.astimezone(station_tz(station)).strftime("%Y-%m-%d")
    suffix = "" if run is None else f"-{run}"
    return settings.broadcasts_dir / station.slug / day / f"{broadcast.id}-{broadcast.plan_hash[:12]}{suffix}.wav"


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def _cut_filler(src: Path, seconds: float, out: Path) -> Path:
    """The first `seconds` of a canonical filler with a short fade-out, written atomically (pure PCM copy)."""
    if out.exists():
        return out
    with wave.open(str(src), "rb") as w:
        params = w.getparams()
        frames = min(w.getnframes(), round(seconds * w.getframerate()))
        data = array.array("h", w.readframes(frames))
    if sys.byteorder == "big":
        data.byteswap()
    fade = min(int(FILLER_FADE_S * params.framerate), len(data) // 3)
    for n in range(fade):
        index = len(data) - fade + n
        data[index] = int(data[index] * (fade - n) / fade)
    if sys.byteorder == "big":
        data.byteswap()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.part")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(params.nchannels)
        w.setsampwidth(params.sampwidth)
        w.setframerate(params.framerate)
        w.writeframes(data.tobytes())
    os.replace(tmp, out)
    return out


def _is_assembled(broadcast: Broadcast) -> bool:
    """Whether the stored segments were made from the current plan and their files are still there."""
    if not broadcast.segments or not broadcast.plan_hash:
        return False
    files = [s for s in broadcast.segments if s.get("kind") == "file"]
    return all(Path(s["path"]).exists() and broadcast.plan_hash[:12] in Path(s["path"]).name for s in files)


def assemble_broadcast(session: Session, settings: Settings, station: Station, broadcast: Broadcast) -> list[dict[str, Any]]:
    """Join each run of non-relay items into one gapless WAV by stream copy and fill Broadcast.segments.

    A programme without a relay becomes one file, kept in audio_path; relays become relay segments
    between the files. Nothing is done when the plan has not changed since the last assembly.
    """
    if _is_assembled(broadcast):
        return list(broadcast.segments)
    if not broadcast.items:
        raise InvalidInput(f"Buổi phát «{broadcast.title}» chưa có mục nào: hãy lập lịch hoặc thêm bài trước khi ghép âm thanh.")
    if not broadcast.plan_hash:
        broadcast.plan_hash = plan_hash(broadcast.items)
    segments: list[dict[str, Any]] = []
    runs: list[tuple[float, list[Path]]] = []
    current: list[Path] = []
    run_start = 0.0
    for item in broadcast.items:
        if item.item_type == ItemType.RELAY:
            if current:
                runs.append((run_start, current))
                segments.append({"kind": "file", "run": len(runs) - 1})
                current = []
            segments.append({"kind": "relay", "url": item.relay_url, "offset_s": item.offset_s, "duration_s": item.duration_s, "title": item.title})
            continue
        if not current:
            run_start = item.offset_s
        path = Path(item.audio_path) if item.audio_path else None
        if path is None or not path.exists():
            raise InvalidInput(f"Mục «{item.title}» của buổi phát «{broadcast.title}» không có tệp âm thanh: hãy tạo lại âm thanh rồi lập lịch lại.")
        if item.item_type == ItemType.FILLER and item.duration_s < _wav_seconds(path) - 0.01:
            stat = path.stat()  # a replaced filler file must not reuse cuts of the old one
            name = f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}-{round(item.duration_s * 1000)}.wav"
            path = _cut_filler(path, item.duration_s, settings.audio_dir / "assets" / station.slug / "cuts" / name)
        current.append(path)
    if current:
        runs.append((run_start, current))
        segments.append({"kind": "file", "run": len(runs) - 1})
    single = len(runs) == 1 and len(segments) == 1
    made: list[dict[str, Any]] = []
    for segment in segments:
        if segment["kind"] != "file":
            made.append(segment)
            continue
        offset, parts = runs[segment["run"]]
        target = broadcast_file(settings, station, broadcast, None if single else segment["run"])
        target.parent.mkdir(parents=True, exist_ok=True)
        seconds = assemble(parts, target, tools=settings.tools)
        made.append({"kind": "file", "path": str(target), "offset_s": offset, "duration_s": seconds})
    _remove_stale(settings, station, broadcast)
    broadcast.segments = made
    broadcast.audio_path = made[0]["path"] if single else ""
    broadcast.audio_duration_s = sum(s["duration_s"] for s in made)
    broadcast.status = BroadcastStatus.READY
    session.flush()
    return list(made)


def _remove_stale(settings: Settings, station: Station, broadcast: Broadcast) -> None:
    """Delete this broadcast's files assembled from older plans."""
    folder = broadcast_file(settings, station, broadcast).parent
    for old in folder.glob(f"{broadcast.id}-*.wav"):
        if broadcast.plan_hash[:12] not in old.name:
            old.unlink(missing_ok=True)
