"""Read-only queries of campaigns for the panel (the full list is manage.list_campaigns)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from broadcast.models import Campaign, ContentStatus, Station


# Built once: asked by every schedule page, where building it cost more than running it.
_APPROVED_BETWEEN = select(Campaign).where(
    Campaign.station_id == bindparam("station_id"), Campaign.status == ContentStatus.APPROVED,
    Campaign.start_date <= bindparam("last"), Campaign.end_date >= bindparam("first"),
)


def approved_campaigns_between(session: Session, station: Station, first: date, last: date) -> list[Campaign]:
    """The station's approved campaigns running on at least one day from first to last."""
    return list(session.scalars(_APPROVED_BETWEEN, {"station_id": station.id, "first": first, "last": last}))


# Built once: asked by every log page.
_SLUGS = select(Campaign.slug).where(Campaign.station_id == bindparam("station_id")).order_by(Campaign.slug)


def campaign_slugs(session: Session, station: Station) -> list[str]:
    """The station's campaign slugs in alphabetical order (the log's campaign filter)."""
    return list(session.scalars(_SLUGS, {"station_id": station.id}))
