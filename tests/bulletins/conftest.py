"""A small province on the demo: cam-tan plus two more communes and a province user approving at two of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

import pytest

from broadcast.db import transaction
from broadcast.models import Membership, Role, Slot, Station
from broadcast.province.setup import create_station, numbered_zones
from broadcast.stations.users import create_user
from broadcast.timeutil import VN_TZ

# Outside the demo campaign's month, so the planner's replay is short; 04:00 local, before the 05:30 broadcast.
NOW = datetime(2027, 1, 12, 4, 0, tzinfo=VN_TZ)
PASSWORD = "camtan2024"


@dataclass(frozen=True)
class FixedClock:
    """A clock that always says the same instant."""

    at: datetime

    def now(self) -> datetime:
        return self.at


def add_commune(session, slug: str, name: str, zones: int = 2, slot_at: time | None = time(6, 0)) -> Station:
    """A commune with zones thon-1.. and (optionally) one daily 30-minute slot on the default clock."""
    station = create_station(session, slug, name, numbered_zones(zones), standard_slots=False)
    if slot_at is not None:
        session.add(Slot(station_id=station.id, name="Buổi sáng", start_time=slot_at, duration_s=1800))
    session.flush()
    return station


@pytest.fixture
def province(demo_factory, demo_settings):
    """cam-tan (demo), xa-b (approver there too) and xa-c (only a viewer there) for the user `tinh`."""
    with transaction(demo_factory) as session:
        cam_tan = session.query(Station).filter_by(slug="cam-tan").one()
        xa_b = add_commune(session, "xa-b", "Xã Bình An")
        xa_c = add_commune(session, "xa-c", "Xã Cát Lâm")
        user = create_user(session, "tinh", PASSWORD, Role.APPROVER, cam_tan, "Sở VHTT tỉnh")
        session.add(Membership(user_id=user.id, station_id=xa_b.id, role=Role.ADMIN))
        session.add(Membership(user_id=user.id, station_id=xa_c.id, role=Role.VIEWER))
    return demo_factory
