"""Looking up stations and their zones."""

from __future__ import annotations

from typing import Protocol, Sequence, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from broadcast.db import is_row_id, read_rows
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import Station, Zone


class StationOwned(Protocol):
    """A table row that belongs to one station."""

    station_id: int


Row = TypeVar("Row", bound=StationOwned)


def get_station(session: Session, slug: str) -> Station:
    """The station with this slug, or a NotFound naming it."""
    station = session.scalar(select(Station).where(Station.slug == slug))
    if station is None:
        raise NotFound(f"Chưa có đài {slug!r} trong cơ sở dữ liệu: xem các đài bằng `loaxa station list`, tạo đài bằng `loaxa station create` (hoặc `loaxa demo`) hoặc kiểm tra LOAXA_STATION.")
    return station


# Built once and read without the ORM: asked by every log page, where both cost more than running it.
_ZONE_LABELS = select(Zone.code, Zone.name).where(Zone.station_id == bindparam("station_id")).order_by(Zone.position)


def zone_labels(session: Session, station_id: int) -> tuple[tuple[str, str], ...]:
    """The station's zones as (code, name), in the order the panel lists them."""
    return tuple((code, name) for code, name in read_rows(session, _ZONE_LABELS, {"station_id": station_id}))


class Zoned(Protocol):
    """A station, or a user's view of one, that knows its IANA time zone."""

    timezone: str


def station_tz(station: Zoned) -> ZoneInfo:
    """The station's local time zone."""
    return ZoneInfo(station.timezone)


ALL_ZONES = "all"
# The zones texts of log rows and bulletin targets that mean every zone: "all", or nothing named.
EVERY_ZONE = (ALL_ZONES, "")


def zone_codes(zones: str) -> list[str] | None:
    """The zone codes a log row's or bulletin target's zones text names; None when it means every zone."""
    return None if zones in EVERY_ZONE else [code for code in zones.split(",") if code]


def zone_names(session: Session, station_id: int, zone_ids: list[int]) -> str:
    """Comma-separated zone codes for a broadcast; 'all' when it targets every zone."""
    if not zone_ids:
        return ALL_ZONES
    zones = session.scalars(select(Zone).where(Zone.station_id == station_id, Zone.id.in_(zone_ids)).order_by(Zone.position))
    return ",".join(z.code for z in zones)


def zone_ids_of(station: Station, codes: Sequence[str]) -> list[int]:
    """Zone ids of typed codes (none = every zone), or a sentence naming the unknown code and the known ones."""
    by_code = {z.code: z.id for z in station.zones}
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise InvalidInput(f"Không có thôn mã {unknown[0]!r} ở đài {station.slug}: các mã có là {', '.join(by_code)}.", field="zones")
    return [by_code[c] for c in codes]


def zone_mount(station: Station, zone: Zone) -> str:
    """The Icecast mount a zone is streamed on: its own, or /<station slug>-<zone code>."""
    return zone.stream_mount or f"/{station.slug}-{zone.code}"


def station_row(session: Session, model: type[Row], row_id: int | None, station: Station) -> Row | None:
    """The row of this station with this id; None when there is none or it is another station's (never shown across communes)."""
    row = session.get(model, row_id) if row_id is not None and is_row_id(row_id) else None
    return row if row is not None and row.station_id == station.id else None
