"""Planning days: the database read into the pure planner, its plans written as broadcasts, and what a person sees of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Sequence

from sqlalchemy.orm import Session

from broadcast.config import Settings
from broadcast.content.assets import ensure_filler
from broadcast.content.rendering import script_audio
from broadcast.errors import InvalidInput
from broadcast.models import UNSTARTED, Broadcast, BroadcastKind, BroadcastStatus, Campaign, Script, Slot, Station
from broadcast.planning.loader import clip_of, load, started, wants_filler
from broadcast.planning.planner import DEFAULT_TEMPLATE, BroadcastPlan, Floating, PlanInputs, Problem, plan_range
from broadcast.planning.writer import prune_hand_edits, write_items
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import local_day_bounds

MAX_PLAN_DAYS = 366
__all__ = ["DEFAULT_TEMPLATE", "PlanReport", "ProgrammeView", "ItemView", "plan_days", "preview_days", "find_room"]


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
    """What planning did: the programmes of the range and every problem (with its day and a sentence for people)."""

    programmes: list[ProgrammeView] = field(default_factory=list)
    broadcasts: list[Broadcast] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    cancelled: list[Broadcast] = field(default_factory=list)


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
    if save and wants_filler(session, station):
        ensure_filler(session, settings, station)  # before reading: the plan then uses the real file
    loaded = load(session, station, first, last, now)
    if save:
        prune_hand_edits(session, loaded, now)
    tz = loaded.inputs.tz
    ranged = plan_range(loaded.inputs, loaded.window_first, last)
    report = PlanReport(problems=list(loaded.problems))
    # Days before the range were only replayed for the rotation: their problems are not this range's.
    report.problems += [p for p in ranged.problems if p.day is None or p.day >= first]
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
        write_items(session, station, broadcast, plan.items, loaded)
        report.broadcasts.append(broadcast)
        report.programmes.append(_view_of_broadcast(broadcast, tz, loaded.campaigns))
    if save:
        first_utc, _ = local_day_bounds(first, tz)
        for key, broadcast in loaded.existing.items():
            if key not in seen and broadcast.slot_start >= first_utc and not started(broadcast, now) and broadcast.status != BroadcastStatus.CANCELLED:
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
    loaded = load(session, station, first, last, now)
    floating = Floating(clip_of(script, audio.duration_s), max(not_before, now), frozenset(zone_ids))
    inputs = PlanInputs(loaded.inputs.slots, loaded.inputs.templates, loaded.inputs.campaigns, loaded.inputs.assets,
                        loaded.inputs.clips, loaded.inputs.tz, loaded.inputs.frozen, loaded.inputs.pinned, (floating,))
    for plan in plan_range(inputs, loaded.window_first, last).plans:
        if any(i.kind == "script" and i.ref == script.id for i in plan.items):
            return plan.occurrence.slot_id, plan.occurrence.start
    return None


def preview_days(session: Session, settings: Settings, station: Station, first: date, last: date, now: datetime) -> PlanReport:
    """The same plan as plan_days without saving anything."""
    return plan_days(session, settings, station, first, last, now, save=False)


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
