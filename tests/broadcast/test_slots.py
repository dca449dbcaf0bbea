"""Slot and template use cases refuse bad input with a sentence naming the slot, before saving anything."""

from datetime import date, datetime, time, timezone

import pytest
from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput
from broadcast.models import Broadcast, BroadcastStatus, Slot, Station, Zone
from broadcast.planning.programmes import plan_days
from broadcast.planning.slots import create_slot, create_template, delete_slot, update_slot, validate_template_items


@pytest.fixture
def station(factory):
    with transaction(factory) as session:
        st = Station(slug="xa-thu", name="Đài xã Thử")
        session.add(st)
        session.flush()
        for n in (1, 2):
            session.add(Zone(station_id=st.id, code=f"thon-{n}", name=f"Thôn {n}", position=n))
        create_slot(session, st, "Buổi sáng", "05:30", end_time="06:00")
        return st.id


def call(factory, station_id, fn):
    with transaction(factory) as session:
        return fn(session, session.get(Station, station_id))


def count(factory):
    with transaction(factory) as session:
        return session.scalar(select(func.count(Slot.id)))


@pytest.mark.parametrize("kwargs, error, needle", [
    (dict(name="Buổi sáng 2", start_time="05:45", duration_s=1800), Conflict, "trùng giờ với buổi Buổi sáng (05:30–06:00)"),
    (dict(name="Buổi tối", start_time="19:00", end_time="18:30"), InvalidInput, "Buổi phát Buổi tối kết thúc lúc 18:30, trước"),
    (dict(name="", start_time="19:00", duration_s=600), InvalidInput, "Tên buổi phát"),
    (dict(name="Buổi x", start_time="25:00", duration_s=600), InvalidInput, "không đúng dạng"),
    (dict(name="Buổi x", start_time="19:00", duration_s=600, weekdays="89"), InvalidInput, "thứ Hai"),
    (dict(name="Buổi x", start_time="19:00", duration_s=600, valid_from="2024-12-01", valid_to="2024-11-01"), InvalidInput, "hết hiệu lực (01/11/2024)"),
    (dict(name="Buổi x", start_time="19:00", duration_s=10), InvalidInput, "Thời lượng buổi phát Buổi x"),
    (dict(name="Buổi x", start_time="19:00", duration_s=600, zone_ids=[999]), InvalidInput, "thôn không thuộc"),
])
def test_bad_slots_refused_and_nothing_saved(factory, station, kwargs, error, needle):
    with pytest.raises(error, match=needle.replace("(", r"\(").replace(")", r"\)")):
        call(factory, station, lambda s, st: create_slot(s, st, **kwargs))
    assert count(factory) == 1


def test_past_midnight_slot_overlaps_next_morning(factory, station):
    call(factory, station, lambda s, st: create_slot(s, st, "Đêm", "23:30", duration_s=3600, weekdays="1"))
    with pytest.raises(Conflict, match="Đêm"):
        call(factory, station, lambda s, st: create_slot(s, st, "Sớm", "00:10", duration_s=600, weekdays="2"))
    call(factory, station, lambda s, st: create_slot(s, st, "Sớm", "00:40", duration_s=600, weekdays="2"))


def test_other_zones_and_other_days_may_share_a_time(factory, station):
    def go(session, st):
        zones = [z.id for z in session.scalars(select(Zone).where(Zone.station_id == st.id).order_by(Zone.id))]
        a = create_slot(session, st, "Thôn 1 tối", "19:00", duration_s=1800, zone_ids=[zones[0]])
        create_slot(session, st, "Thôn 2 tối", "19:00", duration_s=1800, zone_ids=[zones[1]])
        create_slot(session, st, "Cuối tuần", "05:30", duration_s=1800, valid_from=date(2020, 1, 1), valid_to=date(2020, 1, 1),
                    exceptions=["2020-01-01"])  # the only shared day is an exception
        with pytest.raises(Conflict):
            update_slot(session, a, zone_ids=[])  # all zones now meets thôn 2
        update_slot(session, a, start_time=time(20, 0), zone_ids=[])
        assert a.start_time == time(20, 0) and a.zone_ids == []

    call(factory, station, go)


def test_delete_cancels_unstarted_broadcasts(factory, settings, station):
    def go(session, st):
        now = datetime(2024, 11, 1, tzinfo=timezone.utc)
        plan_days(session, settings, st, date(2024, 11, 2), date(2024, 11, 3), now)
        slot = session.scalar(select(Slot))
        assert delete_slot(session, slot, now) == 2
        assert set(session.scalars(select(Broadcast.status))) == {BroadcastStatus.CANCELLED}

    call(factory, station, go)


@pytest.mark.parametrize("items, needle", [
    ([], "chưa có phần nào"),
    ([{"kind": "tin"}], "loại 'tin' không có"),
    ([{"kind": "relay", "url": "dai-tinh", "seconds": 600}], "địa chỉ luồng"),
    ([{"kind": "relay", "url": "http://tinh/live", "seconds": 0}], "thời lượng từ 1 giây"),
    ([{"kind": "filler"}, {"kind": "filler"}], "một phần nhạc nền"),
])
def test_bad_templates_refused(items, needle):
    with pytest.raises(InvalidInput, match=needle):
        validate_template_items(items)


def test_template_created(factory, station):
    t = call(factory, station, lambda s, st: create_template(s, st, "Có tiếp sóng", [
        {"kind": "jingle_open"}, {"kind": "relay", "url": "http://tinh/live", "seconds": "900"}, {"kind": "campaign_block"}]))
    assert t.items[1] == {"kind": "relay", "url": "http://tinh/live", "seconds": 900, "title": "Tiếp sóng"}
