"""Read-only queries of scripts and recordings for the panel: lists, the approval queue, the script search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from broadcast.content.scripts import AUDIO
from broadcast.db import page_of
from broadcast.models import Campaign, CampaignScript, ContentStatus, Recording, Script, Station


@dataclass(frozen=True)
class ScriptFilter:
    """What the script list shows: typed words in title or body, and optional status, category and campaign."""

    words: str = ""
    status: str = ""  # a ContentStatus value; anything else shows every status
    category: str = ""
    campaign: str = ""  # a campaign slug


def approved_scripts(session: Session, station: Station, order: Any = Script.title) -> list[Script]:
    """The station's approved scripts, by title unless another column is given."""
    return list(session.scalars(select(Script).where(Script.station_id == station.id, Script.status == ContentStatus.APPROVED).order_by(order)))


def unarchived_scripts(session: Session, station: Station) -> list[Script]:
    """The station's scripts that are not archived, by title (what a campaign pool may hold)."""
    return list(session.scalars(select(Script).where(Script.station_id == station.id, Script.status != ContentStatus.ARCHIVED).order_by(Script.title)))


def draft_scripts(session: Session, station: Station) -> list[Script]:
    """Scripts waiting for approval, oldest change first."""
    return list(session.scalars(select(Script).where(Script.station_id == station.id, Script.status == ContentStatus.DRAFT).order_by(Script.updated_at)))


def draft_recordings(session: Session, station: Station) -> list[Recording]:
    """Recordings of scripts waiting for approval, in upload order (a media item's sound is approved with the item)."""
    return list(session.scalars(select(Recording).join(Script, Script.id == Recording.script_id)
                                .where(Recording.station_id == station.id, Recording.status == ContentStatus.DRAFT, Script.kind != AUDIO)
                                .order_by(Recording.id)))


def script_titles(session: Session, script_ids: Iterable[int]) -> dict[int, str]:
    """The title of each script by id."""
    return {s.id: s.title for s in session.scalars(select(Script).where(Script.id.in_(list(script_ids))))}


def script_categories(session: Session, station: Station) -> list[str]:
    """The categories the station's scripts use, in alphabetical order."""
    return [c for c in session.scalars(select(Script.category).where(Script.station_id == station.id).distinct().order_by(Script.category)) if c]


def find_scripts(session: Session, station: Station, flt: ScriptFilter, page: int, per_page: int) -> tuple[list[Script], int]:
    """One page of the scripts matching a filter, newest change first, and how many match in all."""
    stmt = select(Script).where(Script.station_id == station.id)
    if flt.words:
        stmt = stmt.where(or_(Script.title.ilike(f"%{flt.words}%"), Script.body.ilike(f"%{flt.words}%")))
    if flt.status in {s.value for s in ContentStatus}:
        stmt = stmt.where(Script.status == ContentStatus(flt.status))
    if flt.category:
        stmt = stmt.where(Script.category == flt.category)
    if flt.campaign:
        stmt = (stmt.join(CampaignScript, CampaignScript.script_id == Script.id).join(Campaign, Campaign.id == CampaignScript.campaign_id)
                .where(Campaign.slug == flt.campaign))
    return page_of(session, stmt.order_by(Script.updated_at.desc(), Script.id.desc()), page, per_page)
