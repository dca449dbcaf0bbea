"""Reading the database into the pure planner's inputs (read only: planning writes through planning/writer.py)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from broadcast.content.assets import ASSET_KINDS, FILLER_NAME, FILLER_SECONDS, station_assets, usable_assets
from broadcast.content.rendering import ScriptAudio, current_audio
from broadcast.models import (
    Asset,
    Broadcast,
    BroadcastKind,
    BroadcastStatus,
    Campaign,
    CampaignScript,
    ContentStatus,
    Priority,
    Script,
    Slot,
    Station,
    is_unstarted,
)
from broadcast.models.bulletins import BulletinTarget
from broadcast.planning.planner import (
    NO_AUDIO,
    AssetClip,
    Assets,
    CampaignRule,
    Clip,
    PlanInputs,
    Played,
    PoolEntry,
    Problem,
    SlotRule,
)
from broadcast.planning.windows import load_windows
from broadcast.stations.lookup import station_tz
from broadcast.timeutil import local_day_bounds

# Scripts made from a central bulletin air only where the bulletin was placed, never in the daily rotation.
BULLETIN_SOURCE = "bulletin"
PLANNED_KINDS = (BroadcastKind.REGULAR, BroadcastKind.EXTRA)
# Rotation is replayed from the start of the oldest running campaign, at most this far back.
MAX_LOOKBACK_DAYS = 400
# The id a preview gives the filler the station does not have yet (never written: saving generates the real one first).
UNMADE_FILLER = 0


def slot_rule(slot: Slot) -> SlotRule:
    """The pure recurrence rule of a slot row."""
    return SlotRule(
        slot_id=slot.id, start_time=slot.start_time, duration_s=slot.duration_s, weekdays=slot.weekdays or "1234567",
        valid_from=slot.valid_from, valid_to=slot.valid_to,
        exceptions=frozenset(date.fromisoformat(d) for d in slot.exceptions or []),
        zone_ids=frozenset(slot.zone_ids or []), campaign_id=slot.campaign_id, name=slot.name,
    )


def planner_assets(session: Session, station: Station) -> tuple[Assets, dict[int, Asset]]:
    """The station's usable jingles, separator and filler as the planner sees them, and every asset row by id."""
    rows = station_assets(session, station)
    usable = usable_assets(rows)
    clips = {kind: AssetClip(row.id, row.name, row.duration_s) for kind, row in usable.items()}
    return Assets(**{k: clips.get(k) for k in ASSET_KINDS}), {r.id: r for r in rows}


def clip_of(script: Script, duration_s: float) -> Clip:
    """A script as the planner sees it, with the length of the audio it plays."""
    return Clip(script.id, script.title, duration_s, script.priority in (Priority.PRIORITY, Priority.EMERGENCY), script.id,
                script.valid_from, script.valid_to)


@dataclass
class Loaded:
    """The planner's inputs for a range and the rows they came from (to write plans back and show them)."""

    inputs: PlanInputs
    slots: dict[int, Slot]
    scripts: dict[int, Script]
    audio: dict[int, ScriptAudio]
    campaigns: dict[int, Campaign]
    assets: dict[int, Asset]
    existing: dict[tuple[int, datetime], Broadcast]
    window_first: date
    problems: list[Problem]


def _active_slots(session: Session, station: Station) -> dict[int, Slot]:
    """The station's active slots by id."""
    return {s.id: s for s in session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)).order_by(Slot.id))}


def _templates(slots: dict[int, Slot]) -> dict[int, list[dict]]:
    """Each slot's programme clock (empty: the planner's default)."""
    return {sid: [dict(p) for p in (s.template.items if s.template and s.template.items else [])] for sid, s in slots.items()}


def _asks_filler(templates: dict[int, list[dict]]) -> bool:
    """Whether any clock has a music-bed part."""
    return any(p.get("kind") == "filler" for t in templates.values() for p in t)


def wants_filler(session: Session, station: Station) -> bool:
    """Whether a clock of the station's active slots ends gaps with the music bed."""
    return _asks_filler(_templates(_active_slots(session, station)))


def load(session: Session, station: Station, first: date, last: date, now: datetime) -> Loaded:
    """Read every planner input for a range (and the rotation history before it) in a few queries."""
    tz = station_tz(station)
    slots = _active_slots(session, station)
    templates = _templates(slots)
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
    problems: list[Problem] = []
    audio = current_audio(session, list(scripts.values()))
    for script in scripts.values():
        if script.id not in audio:
            problems.append(Problem(None, NO_AUDIO, f"Bài «{script.title}» đã duyệt nhưng chưa có âm thanh nên chưa được xếp lịch: hãy chạy `loaxa render`."))
    clips = [clip_of(s, audio[s.id].duration_s) for s in scripts.values() if s.id in audio and s.id not in pooled and s.source != BULLETIN_SOURCE]
    pinned: dict[tuple[int, datetime], list[Clip]] = {}
    for target in session.scalars(select(BulletinTarget).where(
        BulletinTarget.station_id == station.id, BulletinTarget.slot_id.is_not(None), BulletinTarget.script_id.is_not(None),
    ).order_by(BulletinTarget.id)):
        if target.script_id in audio:
            pinned.setdefault((target.slot_id, target.slot_start), []).append(clip_of(scripts[target.script_id], audio[target.script_id].duration_s))
    rules = []
    for campaign in campaigns:
        pool = tuple(PoolEntry(clip_of(cs.script, audio[cs.script_id].duration_s), cs.weight)
                     for cs in sorted(campaign.pool, key=lambda cs: cs.script_id) if cs.script_id in audio)
        rules.append(CampaignRule(campaign.id, campaign.slug, campaign.start_date, campaign.end_date, campaign.target_kind,
                                  campaign.target_value, campaign.extend_slot_s or 0, campaign.min_separation_h or 0.0, pool,
                                  campaign.priority != Priority.NORMAL, load_windows(campaign.windows)))
    assets, asset_rows = planner_assets(session, station)
    if _asks_filler(templates) and assets.filler is None:
        # A preview writes no audio: it plans with the bed that saving would generate, so both show the same plan.
        assets = replace(assets, filler=AssetClip(UNMADE_FILLER, FILLER_NAME, FILLER_SECONDS))
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
        if started(b, now) or b.manual:
            frozen[key] = [Played(i.campaign_id, i.script_id, i.duration_s, b.planned_start + timedelta(seconds=i.offset_s))
                           for i in b.items if i.campaign_id and i.script_id and (started(b, now) or i.script_id in scripts)]
    inputs = PlanInputs([slot_rule(s) for s in slots.values()], templates, rules, assets, clips, tz, frozen, pinned)
    return Loaded(inputs, slots, scripts, audio, {c.id: c for c in campaigns}, asset_rows, existing, window_first, problems)


def started(broadcast: Broadcast, now: datetime) -> bool:
    """Whether a broadcast is beyond re-planning: on air, done, or its start has passed."""
    return not is_unstarted(broadcast.status, broadcast.planned_start, now)
