"""A user and their stations in one query: what every panel request loads first."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from broadcast.db import transaction
from broadcast.models import Membership, Role, Station, User
from broadcast.stations.users import Account, StationRole, user_and_stations


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
        session.get(Station, people["xa-z"]).timezone = "Asia/Bangkok"
        session.flush()
        event.listen(session.get_bind(), "before_cursor_execute", lambda *args: queries.append(args[2]))
        nga, stations = user_and_stations(session, people["nga"])
        binh, none = user_and_stations(session, people["binh"])
        nobody = user_and_stations(session, 999_999)
    assert nga == Account(people["nga"], "nga", "", True)
    assert stations == [StationRole(people["xa-a"], "xa-a", "Xã A", Role.ADMIN, "Asia/Ho_Chi_Minh"),
                        StationRole(people["xa-z"], "xa-z", "Xã Z", Role.EDITOR, "Asia/Bangkok")]  # each station's own zone
    assert (binh.username, none) == ("binh", [])  # a user without a role is still found (the login then refuses them)
    assert nobody == (None, [])
    assert len(queries) == 3  # one each


def test_a_locked_account_is_seen_by_the_next_request(factory, people):
    """Nothing about a user is kept between requests: locking them shows in the very next load."""
    with transaction(factory) as session:
        assert user_and_stations(session, people["nga"])[0].is_active
        session.get(User, people["nga"]).is_active = False  # not flushed: the read must still see it
        assert not user_and_stations(session, people["nga"])[0].is_active
