"""Read-only queries of campaigns for the panel (the full list is manage.list_campaigns)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from broadcast.db import read_fields, read_rows
from broadcast.models import Campaign, ContentStatus, Station


# Built once: asked by every schedule page, where building it cost more than running it.
_APPROVED_BETWEEN = select(Campaign).where(
    Campaign.station_id == bindparam("station_id"), Campaign.status == ContentStatus.APPROVED,
    Campaign.start_date <= bindparam("last"), Campaign.end_date >= bindparam("first"),
).order_by(Campaign.start_date, Campaign.slug)


def approved_campaigns_between(session: Session, station: Station, first: date, last: date) -> list[Campaign]:
    """The station's approved campaigns running on at least one day from first to last, the earliest first."""
    return list(session.scalars(_APPROVED_BETWEEN, {"station_id": station.id, "first": first, "last": last}))


def approved_campaign_fields_between(session: Session, station_id: int, first: date, last: date, *columns: Any) -> tuple[tuple[Any, ...], ...]:
    """Only these fields of approved_campaigns_between's rows (a cached page's key: no ORM objects built)."""
    return read_fields(session, _APPROVED_BETWEEN, columns, {"station_id": station_id, "first": first, "last": last})


# Built once and read without the ORM: asked by every log page.
_SLUGS = select(Campaign.slug).where(Campaign.station_id == bindparam("station_id")).order_by(Campaign.slug)


def campaign_slugs(session: Session, station_id: int) -> list[str]:
    """The station's campaign slugs in alphabetical order (the log's campaign filter)."""
    return [slug for (slug,) in read_rows(session, _SLUGS, {"station_id": station_id})]
