"""A row is found only through the station that owns it: one rule for every 'get X of this station'."""

from __future__ import annotations

import pytest

from broadcast.db import is_row_id, transaction
from broadcast.errors import NotFound
from broadcast.content.scripts import get_script
from broadcast.models import Script, Station, Zone
from broadcast.stations.lookup import station_row
from broadcast.stations.settings import get_zone


@pytest.fixture
def two_stations(factory):
    with transaction(factory) as session:
        cam_tan, binh_an = Station(slug="cam-tan", name="Cẩm Tân"), Station(slug="binh-an", name="Bình An")
        session.add_all([cam_tan, binh_an])
        session.flush()
        zone = Zone(station_id=binh_an.id, code="thon-1", name="Thôn 1")
        script = Script(station_id=cam_tan.id, title="Thông báo", body="Kính thưa bà con.")
        session.add_all([zone, script])
        session.flush()
        return cam_tan.id, binh_an.id, zone.id, script.id


@pytest.mark.parametrize("owner, model, row, found", [
    ("binh_an", Zone, "zone", True),
    ("cam_tan", Zone, "zone", False),      # another station's zone is as absent as none
    ("cam_tan", Script, "script", True),
    ("binh_an", Script, "script", False),
    ("cam_tan", Script, "missing", False),
    ("cam_tan", Script, "none", False),
    ("cam_tan", Script, "past_int4", False),  # PostgreSQL refuses such a number in a query: None, not a DataError
])
def test_station_row(factory, two_stations, owner, model, row, found):
    cam_tan_id, binh_an_id, zone_id, script_id = two_stations
    ids = {"zone": zone_id, "script": script_id, "missing": 999_999, "none": None, "past_int4": 5_144_982_566}
    with transaction(factory) as session:
        station = session.get(Station, cam_tan_id if owner == "cam_tan" else binh_an_id)
        result = station_row(session, model, ids[row], station)
        assert (result is not None) == found
        if found:
            assert result.id == ids[row]


def test_getters_refuse_another_stations_row_in_one_sentence(factory, two_stations):
    cam_tan_id, _, zone_id, _ = two_stations
    with transaction(factory) as session:
        cam_tan = session.get(Station, cam_tan_id)
        with pytest.raises(NotFound, match=f"Không có cụm loa số {zone_id}"):
            get_zone(session, cam_tan, zone_id)
        with pytest.raises(NotFound, match="Không có bài số 424242 ở đài này"):
            get_script(session, cam_tan, 424242)


@pytest.mark.parametrize("value, fits", [
    (1, True),
    (2_147_483_647, True),  # PostgreSQL's largest integer
    (2_147_483_648, False),
    (5_144_982_566, False),  # the id the API fuzzer sent
    (0, False),  # ids start at 1
    (-1, False),
])
def test_is_row_id(value, fits):
    assert is_row_id(value) == fits
