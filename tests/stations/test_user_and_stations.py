"""A user and their stations in one query: what every panel request loads first."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import event

from broadcast.db import transaction
from broadcast.models import Membership, Role, Station, User
from broadcast.stations.users import StationRole, user_and_stations


@pytest.fixture
def people(factory):
    """Nga works at two stations (given in the order z, a), Bình at none."""
    with transaction(factory) as session:
        later, first = Station(slug="xa-z", name="Xã Z"), Station(slug="xa-a", name="Xã A")
        nga, binh = User(username="nga", password_hash="x"), User(username="binh", password_hash="x")
        session.add_all([later, first, nga, binh])
        session.flush()
        session.add_all([Membership(user_id=nga.id, station_id=later.id, role=Role.EDITOR), Membership(user_id=nga.id, station_id=first.id, role=Role.ADMIN)])
        return {"nga": nga.id, "binh": binh.id, "xa-a": first.id, "xa-z": later.id}


def test_user_and_stations(factory, people):
    queries = []
    with transaction(factory) as session:
        event.listen(session.get_bind(), "before_cursor_execute", lambda *args: queries.append(args[2]))
        nga, stations = user_and_stations(session, people["nga"])
        binh, none = user_and_stations(session, people["binh"])
        nobody = user_and_stations(session, 999_999)
    assert nga.username == "nga" and stations == [StationRole(people["xa-a"], "xa-a", "Xã A", Role.ADMIN),
                                                   StationRole(people["xa-z"], "xa-z", "Xã Z", Role.EDITOR)]
    assert (binh.username, none) == ("binh", [])  # a user without a role is still found (the login then refuses them)
    assert nobody == (None, [])
    assert len(queries) == 3  # one each


def test_the_stations_loaded_with_the_user_are_served_from_the_session(factory, people):
    """The panel looks its station up right after loading the user: that look-up must not query again."""
    queries = []
    with transaction(factory) as session:
        _, stations = user_and_stations(session, people["nga"])
        event.listen(session.get_bind(), "before_cursor_execute", lambda *args: queries.append(args[2]))
        gc.collect()  # the identity map holds rows weakly: only what the result keeps alive stays
        found = session.get(Station, people["xa-z"])
    assert queries == []
    assert found.slug == "xa-z" and stations[1].row is found
