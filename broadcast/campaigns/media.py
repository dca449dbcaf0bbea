"""The one use case that puts an audio file into the library, and into a campaign's pool when asked."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from broadcast.campaigns.manage import get_campaign, set_pool
from broadcast.config import Settings
from broadcast.content.media import MediaItem, import_media
from broadcast.models import Campaign, Station, User


def add_media(session: Session, station: Station, path: Path, title: str, kind: str = "other", campaign: Campaign | str | None = None,
              *, by: User | None, settings: Settings, original_name: str | None = None) -> MediaItem:
    """Check, normalize and store an audio file as a draft media item (in the campaign's pool at weight 1 when given);
    refused in one sentence with nothing stored."""
    if isinstance(campaign, str):
        campaign = get_campaign(session, station, campaign)  # an unknown campaign is refused before any work
    with session.begin_nested():  # a refused pool change takes the new item back with it
        item = import_media(session, settings, station, path, title, kind, original_name, by)
        if campaign is not None:
            set_pool(session, campaign, {entry.script_id: entry.weight for entry in campaign.pool} | {item.id: 1.0})
    return item
