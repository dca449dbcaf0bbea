"""The audit trail's chain, its golden digests, and the capture's rules (what a row says about a change)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import delete, select, update

from broadcast.audit import trail
from broadcast.audit.capture import Action, _Change, main_change, shown, summary, track
from broadcast.db import make_engine, make_session_factory, transaction, upgrade
from broadcast.hashchain import GENESIS
from broadcast.models import AuditEntry, Role, Station, User

# Fixed rows and their digests: changing the encoding breaks these, as it would break the check of every kept trail.
ROW_1 = dict(seq=1, at=datetime(2024, 11, 20, 0, 15, 30, 250000, tzinfo=timezone.utc), actor_kind="user", actor="pheduyet", user_id=3,
             station_id=1, action="approval.approve", object_type="Script", object_id="12", object_title="Thông báo họp thôn",
             changes='{"status":["pending","approved"]}', client="192.168.1.20")
TEXT_1 = ('{"action":"approval.approve","actor":"pheduyet","actor_kind":"user","at":"2024-11-20T00:15:30.250000+00:00",'
          '"changes":"{\\"status\\":[\\"pending\\",\\"approved\\"]}","client":"192.168.1.20","object_id":"12",'
          '"object_title":"Thông báo họp thôn","object_type":"Script","seq":1,"station_id":1,"user_id":3}')
DIGEST_1 = "958c1a9f88aa1487db2f1fcd4cfc7e4cbe4015f7690bc2c5e5645abd4849b5d4"
ROW_2 = dict(seq=2, at=datetime(2024, 11, 20, 1, 0, tzinfo=timezone.utc), actor_kind="anonymous", actor="admin", user_id=None, station_id=None,
             action="auth.login_failed", object_type="User", object_id="", object_title="admin", changes="", client="10.0.0.5")
DIGEST_2 = "a6bf0e8e2c9930974ef457d1facbc0313814ea031e2efd9dd55a56880c96bcbf"


def test_golden_digests():
    assert hashlib.sha256((GENESIS + TEXT_1).encode("utf-8")).hexdigest() == DIGEST_1  # the documented encoding, by hand
    assert trail.row_digest(AuditEntry(**ROW_1), GENESIS) == DIGEST_1
    assert trail.row_digest(AuditEntry(**ROW_2), DIGEST_1) == DIGEST_2
    assert trail.row_digest(AuditEntry(**{**ROW_1, "object_title": "Thông báo họp"}), GENESIS) != DIGEST_1


@pytest.fixture
def sessions(settings):
    engine = make_engine(settings.db_url)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _station(session) -> Station:
    station = Station(slug="cam-tan", name="Đài xã Cẩm Tân")
    session.add(station)
    session.flush()
    return station


def test_rows_stored_and_read_back_verify_and_tampering_is_named(sessions):
    who = trail.Actor("cli", "vanhanh")
    with transaction(sessions) as session:
        station = _station(session)
        for n in range(4):
            trail.record(session, who, "cli.user.add", trail.ObjectRef("User", str(n), f"user{n}"), {"role": [None, "viewer"]}, "may-chu", station.id)
    with transaction(sessions) as session:
        assert trail.verify(session) == trail.VerifyResult(True, 4)
        session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(changes='{"role":[null,"admin"]}'))
    with transaction(sessions) as session:
        assert trail.verify(session) == trail.VerifyResult(False, 2, 2, "dòng số 2 đã bị sửa sau khi ghi")
        session.execute(delete(AuditEntry).where(AuditEntry.seq.in_([2])))
    with transaction(sessions) as session:
        result = trail.verify(session)
        assert not result.ok and result.first_bad_seq == 2 and "đã bị xóa" in result.reason


def test_a_rolled_back_change_leaves_no_row_and_one_commit_one_row(sessions):
    action = Action(trail.Actor("user", "admin", 1), "admin.user_action:add", "127.0.0.1")
    track(sessions, lambda: action)
    with pytest.raises(RuntimeError), transaction(sessions) as session:
        _station(session)
        raise RuntimeError("refused")
    with transaction(sessions) as session:
        assert session.scalars(select(AuditEntry)).all() == []
        station = _station(session)
        session.add(User(username="moi", password_hash="x", full_name="Người mới"))
    with transaction(sessions) as session:
        rows = session.scalars(select(AuditEntry)).all()
        assert [(r.action, r.actor, r.object_type, r.object_title, r.station_id) for r in rows] == [
            ("admin.user_action:add", "admin", "User", "Người mới", None)]  # a user ranks above a station (see PRIORITY)
        assert rows[0].changes == '{"_":"tạo mới","_khác":{"Station":"+1"}}'
        station.name = "Đài xã Cẩm Tân mới"
        session.merge(station)
    with transaction(sessions) as session:
        assert len(session.scalars(select(AuditEntry)).all()) == 1  # an action writes one row, however many commits it makes


class _Row:
    def __init__(self, name: str):
        self.name = name


class Script(_Row):
    pass


class BroadcastItem(_Row):
    pass


@pytest.mark.parametrize(("changes", "main"), [
    ([_Change("~", BroadcastItem("a")), _Change("~", Script("s"))], "s"),  # the most telling type wins, wherever it is
    ([_Change("+", BroadcastItem("a")), _Change("+", BroadcastItem("b"))], "a"),  # else the first change
    ([_Change("-", Script("x")), _Change("+", Script("y"))], "x"),
])
def test_main_change(changes, main):
    assert main_change(changes).obj.name == main


def test_summary_merges_the_main_objects_fields_and_counts_the_others():
    script, items = Script("s"), [BroadcastItem("a"), BroadcastItem("b")]
    changes = [_Change("~", script, fields={"status": ["draft", "pending"]}), _Change("~", script, fields={"status": ["pending", "approved"], "title": ["A", "B"]}),
               _Change("+", items[0]), _Change("~", items[1]), _Change("-", items[1])]
    assert summary(changes[0], changes) == {"status": ["draft", "approved"], "title": ["A", "B"], "_khác": {"BroadcastItem": "+1/~1/-1"}}


@pytest.mark.parametrize(("name", "value", "kept"), [
    ("password_hash", "$argon2id$...", "***"),
    ("token_hash", "ab" * 32, "***"),
    ("title", "x" * 100, "x" * 79 + "…"),
    ("role", Role.ADMIN, "admin"),
    ("is_active", False, False),
    ("valid_from", None, None),
])
def test_shown(name, value, kept):
    assert shown(name, value) == kept
