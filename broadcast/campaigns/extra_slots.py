"""Extra slots of a campaign ('tăng thời lượng'): broadcasts that air only on the campaign's dates."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.campaigns.manage import back_to_draft, check_feasibility
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import Campaign, Slot, Station
from broadcast.planning.planner import extra_slot_span
from broadcast.planning.slots import parse_optional_date, create_slot, delete_slot


def list_extra_slots(session: Session, campaign: Campaign) -> list[Slot]:
    """The campaign's extra slots by start time."""
    return list(session.scalars(select(Slot).where(Slot.campaign_id == campaign.id).order_by(Slot.start_time, Slot.id)))


def airing_span(campaign: Campaign, slot: Slot) -> tuple[date, date]:
    """The first and last day the campaign's extra slot airs (first after last: none left)."""
    return extra_slot_span(slot.valid_from, slot.valid_to, campaign.start_date, campaign.end_date)


def _within_campaign(campaign: Campaign, name: str, valid_from: date | None, valid_to: date | None) -> None:
    """Refuse validity dates that reach outside the campaign (the slot would never air there)."""
    span = f"{campaign.start_date:%d/%m/%Y}–{campaign.end_date:%d/%m/%Y}"
    for field, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        if day is not None and not campaign.start_date <= day <= campaign.end_date:
            raise InvalidInput(f"Ngày {day:%d/%m/%Y} của buổi phát thêm {name} nằm ngoài thời gian chiến dịch {campaign.slug} ({span}): "
                               "hãy chọn ngày trong khoảng đó hoặc để trống.", field=field)


def add_extra_slot(
    session: Session, campaign: Campaign, name: str, start_time: time | str, duration_s: int | None = None,
    end_time: time | str | None = None, weekdays: str = "1234567", valid_from: date | str | None = None,
    valid_to: date | str | None = None, zone_ids: Sequence[int] = (),
) -> Slot:
    """A new extra slot of the campaign (empty dates: the campaign's dates), refused with nothing saved when it is malformed,
    reaches outside the campaign's dates, overlaps another slot on a shared zone, or lies outside the campaign's windows.
    An approved campaign returns to draft: more airtime is the approver's decision, as for the slot extension."""
    station = session.get(Station, campaign.station_id)
    assert station is not None
    name = (name or "").strip() or f"Buổi phát thêm {campaign.slug}"
    first, last = parse_optional_date(valid_from, "valid_from"), parse_optional_date(valid_to, "valid_to")
    _within_campaign(campaign, name, first, last)
    before = set(check_feasibility(session, campaign))
    with session.begin_nested():  # a refused slot leaves nothing behind
        slot = create_slot(session, station, name, start_time, duration_s=duration_s, end_time=end_time, weekdays=weekdays,
                           valid_from=first, valid_to=last, zone_ids=zone_ids, campaign_id=campaign.id)
        # Refuse only what this slot brings (lying outside the windows, a clash with an extension), not older warnings.
        new = [p for p in check_feasibility(session, campaign) if p not in before]
        if new:
            raise InvalidInput(new[0].text, field="start_time")
    back_to_draft(campaign)
    session.flush()
    return slot


def remove_extra_slot(session: Session, campaign: Campaign, slot_id: int, now: datetime) -> int:
    """Delete one of the campaign's extra slots and cancel its unstarted broadcasts; returns how many were cancelled."""
    slot = session.get(Slot, slot_id)
    if slot is None or slot.campaign_id != campaign.id:
        raise NotFound(f"Chiến dịch {campaign.slug} không có buổi phát thêm số {slot_id}.")
    return delete_slot(session, slot, now)
