"""What each day of a campaign needs, read from the database for the pure rule planning/targets.daily_need_s."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from broadcast.content.rendering import current_audio
from broadcast.models import Campaign, CampaignScript, ContentStatus, Script, Slot, Station
from broadcast.planning.planner import CampaignRule, carrying_seconds, days
from broadcast.planning.loader import slot_rule
from broadcast.planning.targets import CampaignTarget, daily_need_s
from broadcast.planning.windows import load_windows


def campaign_target(campaign: Campaign) -> CampaignTarget:
    """The campaign's target as the daily need rule reads it."""
    return CampaignTarget(campaign.target_kind, float(campaign.target_value or 0.0), load_windows(campaign.windows))


def campaign_rule(campaign: Campaign) -> CampaignRule:
    """The campaign as the planner's rules see it, without its pool."""
    return CampaignRule(campaign.id or 0, campaign.slug, campaign.start_date, campaign.end_date, campaign.target_kind,
                        float(campaign.target_value or 0.0), int(campaign.extend_slot_s or 0), float(campaign.min_separation_h or 0.0),
                        windows=load_windows(campaign.windows))


def pool_seconds(session: Session, campaigns: Sequence[Campaign]) -> dict[int, list[float]]:
    """The length of each approved pool script that has audio, by campaign id (what the planner rotates), in three queries."""
    ids = [c.id for c in campaigns]
    if not ids:
        return {}
    rows = session.execute(select(CampaignScript.campaign_id, Script).join(Script, CampaignScript.script_id == Script.id)
                           .where(CampaignScript.campaign_id.in_(ids), Script.status == ContentStatus.APPROVED)
                           .order_by(CampaignScript.campaign_id, Script.id)).all()
    audio = current_audio(session, list({script.id: script for _, script in rows}.values()))
    found: dict[int, list[float]] = {campaign_id: [] for campaign_id in ids}
    for campaign_id, script in rows:
        if script.id in audio:
            found[campaign_id].append(audio[script.id].duration_s)
    return found


def slot_seconds(session: Session, campaigns: Sequence[Campaign]) -> dict[int, dict[date, float]]:
    """Seconds of the broadcasts that carry each campaign on each of its days, from its station's slots, in three queries."""
    stations = {c.station_id for c in campaigns}
    if not stations:
        return {}
    zones = {sid: ZoneInfo(name) for sid, name in session.execute(select(Station.id, Station.timezone).where(Station.id.in_(stations)))}
    slots: dict[int, list[Slot]] = defaultdict(list)
    for slot in session.scalars(select(Slot).where(Slot.station_id.in_(stations), Slot.is_active.is_(True))
                                .options(selectinload(Slot.template)).order_by(Slot.id)):
        slots[slot.station_id].append(slot)
    found = {}
    for campaign in campaigns:
        station_slots = slots[campaign.station_id]
        templates = {s.id: list(s.template.items) for s in station_slots if s.template and s.template.items}
        found[campaign.id] = carrying_seconds(campaign_rule(campaign), [slot_rule(s) for s in station_slots], templates, zones[campaign.station_id])
    return found


def daily_needs(session: Session, campaigns: Sequence[Campaign]) -> dict[int, dict[date, float]]:
    """Seconds of airtime each day of each campaign needs, by campaign id; the queries depend on the target kinds present, not on the campaigns."""
    carried = slot_seconds(session, [c for c in campaigns if c.target_kind == "share_of_slot"])
    scripts = pool_seconds(session, [c for c in campaigns if c.target_kind == "plays_per_script_week"])
    found = {}
    for campaign in campaigns:
        target, by_day = campaign_target(campaign), carried.get(campaign.id, {})
        found[campaign.id] = {day: daily_need_s(target, day, by_day.get(day, 0.0), scripts.get(campaign.id, ()))
                              for day in days(campaign.start_date, campaign.end_date)}
    return found
