"""Building broadcasts from slots, templates and campaigns, and assembling their audio."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.assemble import assemble
from broadcast.campaigns import daily_target_seconds
from broadcast.config import Settings
from broadcast.errors import InvalidInput
from broadcast.models import (
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
)
from broadcast.planning import Candidate, SlotRule, fit, occurrences
from broadcast.rendering import script_audio
from broadcast.stations import station_tz

DEFAULT_TEMPLATE = [{"kind": "jingle_open"}, {"kind": "priority"}, {"kind": "campaign_block"}, {"kind": "news"}, {"kind": "jingle_close"}]


@dataclass
class PlanReport:
    """What planning did: broadcasts built and content that could not fit or had no audio."""

    broadcasts: list[Broadcast] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)


def slot_rule(slot: Slot) -> SlotRule:
    """The pure recurrence rule of a slot row."""
    return SlotRule(
        slot_id=slot.id, start_time=slot.start_time, duration_s=slot.duration_s, weekdays=slot.weekdays,
        valid_from=slot.valid_from, valid_to=slot.valid_to, exceptions=frozenset(date.fromisoformat(d) for d in slot.exceptions or []),
    )


def active_campaigns(session: Session, station: Station, day: date) -> list[Campaign]:
    """Approved campaigns running on a local day."""
    return list(session.scalars(
        select(Campaign).where(
            Campaign.station_id == station.id, Campaign.status == ContentStatus.APPROVED,
            Campaign.start_date <= day, Campaign.end_date >= day,
        ).order_by(Campaign.id)
    ))


def _airable(script: Script, day: date) -> bool:
    return script.status == ContentStatus.APPROVED and (script.valid_from is None or script.valid_from <= day) and (script.valid_to is None or script.valid_to >= day)


def _asset(session: Session, station: Station, kind: str) -> Asset | None:
    return session.scalar(select(Asset).where(Asset.station_id == station.id, Asset.kind == kind).order_by(Asset.id).limit(1))


def _campaign_play_counts(session: Session, campaign: Campaign, before: datetime) -> Counter[int]:
    """How often each pool script is already planned before an instant (rotation state)."""
    rows = session.execute(
        select(BroadcastItem.script_id)
        .join(Broadcast, Broadcast.id == BroadcastItem.broadcast_id)
        .where(BroadcastItem.campaign_id == campaign.id, Broadcast.planned_start < before, Broadcast.status != BroadcastStatus.CANCELLED)
    ).scalars()
    return Counter(rows)


def build_items(session: Session, station: Station, broadcast: Broadcast, template: list[dict] | None = None, slots_today: int = 1) -> list[str]:
    """Fill a broadcast with items that fit its slot; returns titles of content left out."""
    day = broadcast.slot_start.astimezone(station_tz(station)).date()
    capacity = (broadcast.slot_end - broadcast.slot_start).total_seconds()
    template = template or DEFAULT_TEMPLATE
    open_j, close_j = _asset(session, station, "jingle_open"), _asset(session, station, "jingle_close")
    fixed = sum(a.duration_s for a in (open_j, close_j) if a is not None)

    scripts = [s for s in session.scalars(select(Script).where(Script.station_id == station.id).order_by(Script.id)) if _airable(s, day)]
    pooled: dict[int, Campaign] = {}
    campaign_order: list[tuple[Script, Campaign]] = []
    for campaign in active_campaigns(session, station, day):
        counts = _campaign_play_counts(session, campaign, broadcast.planned_start)
        pool = [cs for cs in campaign.pool if _airable(cs.script, day)]
        # Least-aired first spreads the pool evenly over the month; weight then id break ties.
        pool.sort(key=lambda cs: (counts[cs.script_id] / max(cs.weight, 0.01), -cs.weight, cs.script_id))
        quota = daily_target_seconds(campaign, capacity * slots_today, len(pool)) / max(slots_today, 1)
        block = 0.0
        for cs in pool:
            pooled.setdefault(cs.script_id, campaign)
            audio = script_audio(session, cs.script)
            if quota and block >= quota:
                continue  # this broadcast's share of the daily target is reached
            campaign_order.append((cs.script, campaign))
            block += audio.duration_s if audio else 0.0

    sections: dict[str, list[tuple[Script, Campaign | None, str]]] = {
        "priority": [(s, None, "ưu tiên: đầu chương trình") for s in scripts if s.priority == Priority.PRIORITY and s.id not in pooled],
        "campaign_block": [(s, c, f"chiến dịch {c.slug}: xoay vòng, ít phát nhất trước") for s, c in campaign_order],
        "news": [(s, None, "tin trong ngày") for s in scripts if s.priority == Priority.NORMAL and s.id not in pooled],
    }
    candidates: list[Candidate] = []
    chosen_meta: dict[str, tuple[Script, Campaign | None, str]] = {}
    missing: list[str] = []
    seen: set[int] = set()
    for part in template:
        for script, campaign, reason in sections.get(part["kind"], []):
            if script.id in seen:
                continue
            audio = script_audio(session, script)
            if audio is None:
                missing.append(f"{script.title} (chưa có âm thanh)")
                continue
            seen.add(script.id)
            key = f"script:{script.id}"
            candidates.append(Candidate(key, audio.duration_s, reason))
            chosen_meta[key] = (script, campaign, reason)
    fitted = fit(candidates, capacity - fixed)

    broadcast.items.clear()
    session.flush()
    offset = 0.0
    position = 0

    def add(item: BroadcastItem) -> None:
        nonlocal offset, position
        item.station_id, item.position, item.offset_s = station.id, position, offset
        broadcast.items.append(item)
        offset += item.duration_s
        position += 1

    if open_j:
        add(BroadcastItem(item_type=ItemType.JINGLE, asset_id=open_j.id, title=open_j.name, audio_path=open_j.path, duration_s=open_j.duration_s, reason="nhạc hiệu mở đầu"))
    for candidate in fitted.chosen:
        script, campaign, reason = chosen_meta[candidate.key]
        audio = script_audio(session, script)
        assert audio is not None
        add(BroadcastItem(
            item_type=ItemType.SCRIPT, script_id=script.id, render_id=audio.render_id, recording_id=audio.recording_id,
            campaign_id=campaign.id if campaign else None, title=script.title, voice=audio.voice,
            audio_path=str(audio.path), duration_s=audio.duration_s, reason=reason,
        ))
    if close_j:
        add(BroadcastItem(item_type=ItemType.JINGLE, asset_id=close_j.id, title=close_j.name, audio_path=close_j.path, duration_s=close_j.duration_s, reason="nhạc hiệu kết thúc"))
    broadcast.plan_hash = plan_hash(broadcast.items)
    broadcast.status = BroadcastStatus.PLANNED
    broadcast.audio_path = ""
    session.flush()
    return missing + [f"{chosen_meta[c.key][0].title} (không vừa thời lượng)" for c in fitted.left_out]


def plan_hash(items: Sequence[BroadcastItem]) -> str:
    """A fingerprint of a programme, so unchanged plans are not rebuilt or re-assembled."""
    data = [(i.item_type.value, i.script_id, i.asset_id, i.audio_path, round(i.duration_s, 3)) for i in items]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def plan_days(session: Session, settings: Settings, station: Station, first: date, last: date, now: datetime) -> PlanReport:
    """Create or refresh the broadcasts of the station's slots between two local days; started ones are left alone."""
    if last < first:
        raise InvalidInput("Ngày kết thúc đứng trước ngày bắt đầu: hãy đổi lại thứ tự.")
    tz = station_tz(station)
    slots = {s.id: s for s in session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)))}
    report = PlanReport()
    found = occurrences([slot_rule(s) for s in slots.values()], first, last, tz)
    per_day = Counter(o.start.astimezone(tz).date() for o in found)
    for occ in found:
        slot = slots[occ.slot_id]
        broadcast = session.scalar(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.slot_id == slot.id, Broadcast.slot_start == occ.start))
        if broadcast is None:
            broadcast = Broadcast(
                station_id=station.id, slot_id=slot.id, kind=BroadcastKind.EXTRA if slot.campaign_id else BroadcastKind.REGULAR,
                title=slot.name, slot_start=occ.start, slot_end=occ.end, planned_start=occ.start, zone_ids=list(slot.zone_ids or []),
            )
            session.add(broadcast)
            session.flush()
        elif broadcast.status not in (BroadcastStatus.PLANNED, BroadcastStatus.READY) or broadcast.planned_start <= now:
            report.broadcasts.append(broadcast)
            continue
        extend = max((c.extend_slot_s for c in active_campaigns(session, station, occ.start.astimezone(tz).date())), default=0)
        broadcast.slot_end = occ.end + timedelta(seconds=extend)
        left = build_items(session, station, broadcast, slot.template.items if slot.template else None, per_day[occ.start.astimezone(tz).date()])
        report.left_out.extend(f"{occ.start.astimezone(tz):%d/%m %H:%M}: {t}" for t in left)
        report.broadcasts.append(broadcast)
    return report


def broadcast_file(settings: Settings, station: Station, broadcast: Broadcast) -> Path:
    """Where a broadcast's assembled audio lives."""
    day = broadcast.planned_start.astimezone(station_tz(station)).strftime("%Y-%m-%d")
    return settings.broadcasts_dir / station.slug / day / f"{broadcast.id}-{broadcast.plan_hash[:12]}.wav"


def assemble_broadcast(session: Session, settings: Settings, station: Station, broadcast: Broadcast) -> Path:
    """Join a broadcast's items into one gapless file (stream copy) and mark it ready."""
    target = broadcast_file(settings, station, broadcast)
    if broadcast.audio_path == str(target) and target.exists():
        return target
    parts = [Path(item.audio_path) for item in broadcast.items if item.audio_path]
    if not parts:
        raise InvalidInput(f"Buổi phát {broadcast.id} chưa có nội dung nào có âm thanh: hãy duyệt và tạo âm thanh cho bài trước.")
    target.parent.mkdir(parents=True, exist_ok=True)
    broadcast.audio_duration_s = assemble(parts, target)
    broadcast.audio_path = str(target)
    broadcast.status = BroadcastStatus.READY
    session.flush()
    return target
