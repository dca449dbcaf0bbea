"""The panel's query functions on a real database: script search and paging, log rows per broadcast, campaigns in a span."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import approve_campaign, create_campaign, set_pool
from broadcast.campaigns.queries import approved_campaign_fields_between, approved_campaigns_between, campaign_slugs
from broadcast.content.queries import ScriptFilter, find_scripts, script_categories
from broadcast.content.scripts import approve_script, create_script
from broadcast.db import transaction
from broadcast.models import AsRunEntry, Broadcast, BroadcastKind, BroadcastStatus, Campaign, LogStatus, Role, Script, Slot, Station
from broadcast.planning.queries import active_slot_fields, active_slots, broadcast_fields_between, broadcasts_between
from broadcast.playout.status import log_rows_by_broadcast, recent_emergencies
from broadcast.province.setup import create_station, numbered_zones
from broadcast.stations.users import create_user

T0 = datetime(2024, 11, 20, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def station_with_scripts(factory):
    """Station xa-a with seven scripts (two approved, in campaign cd-a) and station xa-b with one of its own."""
    with transaction(factory) as session:
        a = create_station(session, "xa-a", "Xã A", numbered_zones(1))
        b = create_station(session, "xa-b", "Xã B", numbered_zones(1))
        boss = create_user(session, "boss", "matkhau123", Role.ADMIN, a)
        made = [create_script(session, a, f"Bài {n}", "Tiêm phòng cho gia cầm." if n < 3 else "Họp thôn tối nay.", boss,
                              category="Y tế" if n < 3 else ("Họp" if n < 6 else "")) for n in range(7)]
        create_script(session, b, "Bài của xã B", "Tiêm phòng cho gia cầm.", None, category="Khác")
        for script in made[:2]:
            approve_script(session, script, boss)
        campaign = create_campaign(session, a, "cd-a", "Chiến dịch A", date(2024, 11, 1), date(2024, 11, 30), target_value=5)
        set_pool(session, campaign, {made[0].id: 1.0, made[4].id: 1.0})
        return a.id, [s.id for s in made]


@pytest.mark.parametrize("flt, titles", [
    (ScriptFilter(), ["Bài 6", "Bài 5", "Bài 4", "Bài 3", "Bài 2", "Bài 1", "Bài 0"]),
    (ScriptFilter(words="tiêm"), ["Bài 2", "Bài 1", "Bài 0"]),
    (ScriptFilter(status="approved"), ["Bài 1", "Bài 0"]),
    (ScriptFilter(status="nonsense"), ["Bài 6", "Bài 5", "Bài 4", "Bài 3", "Bài 2", "Bài 1", "Bài 0"]),
    (ScriptFilter(category="Họp"), ["Bài 5", "Bài 4", "Bài 3"]),
    (ScriptFilter(campaign="cd-a"), ["Bài 4", "Bài 0"]),
    (ScriptFilter(words="họp", campaign="cd-a"), ["Bài 4"]),
])
def test_find_scripts_filters_within_the_station(factory, station_with_scripts, flt, titles):
    station_id, _ = station_with_scripts
    with transaction(factory) as session:
        rows, total = find_scripts(session, session.get(Station, station_id), flt, page=1, per_page=50)
        assert sorted(r.title for r in rows) == sorted(titles) and total == len(titles)


def test_find_scripts_pages_newest_change_first_and_counts_all(factory, station_with_scripts):
    station_id, ids = station_with_scripts
    with transaction(factory) as session:
        station = session.get(Station, station_id)
        for n, script_id in enumerate(ids):  # a known order of changes: Bài 0 oldest ... Bài 6 newest
            session.get(Script, script_id).updated_at = T0 + timedelta(minutes=n)
        session.flush()
        pages = [find_scripts(session, station, ScriptFilter(), page, per_page=3) for page in (1, 2, 3, 4)]
        assert [[s.title for s in rows] for rows, _ in pages] == [["Bài 6", "Bài 5", "Bài 4"], ["Bài 3", "Bài 2", "Bài 1"], ["Bài 0"], []]
        assert {total for _, total in pages} == {7}
        assert script_categories(session, station) == ["Họp", "Y tế"]


def test_campaigns_between_and_slugs(factory):
    with transaction(factory) as session:
        station = create_station(session, "xa-c", "Xã C", numbered_zones(1))
        boss = create_user(session, "boss", "matkhau123", Role.ADMIN, station)
        script = create_script(session, station, "Bài", "Nội dung.", boss)
        approve_script(session, script, boss)
        for slug, first, last in (("thang-muoi", date(2024, 10, 1), date(2024, 10, 31)), ("cuoi-thang", date(2024, 10, 25), date(2024, 11, 5)),
                                  ("thang-muoi-hai", date(2024, 12, 1), date(2024, 12, 31))):
            campaign = create_campaign(session, station, slug, slug, first, last, target_value=5)
            set_pool(session, campaign, {script.id: 1.0})
            if slug != "thang-muoi-hai":
                approve_campaign(session, campaign, boss)
        create_campaign(session, station, "nhap-thang-muoi-mot", "nháp", date(2024, 11, 1), date(2024, 11, 30), target_value=5)
        assert [c.slug for c in approved_campaigns_between(session, station, date(2024, 11, 1), date(2024, 11, 30))] == ["cuoi-thang"]
        assert campaign_slugs(session, station.id) == ["cuoi-thang", "nhap-thang-muoi-mot", "thang-muoi", "thang-muoi-hai"]
        late_october = approved_campaign_fields_between(session, station.id, date(2024, 10, 20), date(2024, 10, 26), Campaign.slug, Campaign.end_date)
        assert late_october == (("thang-muoi", date(2024, 10, 31)), ("cuoi-thang", date(2024, 11, 5)))  # by start; the draft is not approved


def test_recent_emergencies_with_their_log_rows(factory):
    with transaction(factory) as session:
        station = create_station(session, "xa-d", "Xã D", numbered_zones(1))
        made = []
        for k, kind in enumerate((BroadcastKind.EMERGENCY, BroadcastKind.ONE_OFF, BroadcastKind.EMERGENCY, BroadcastKind.EMERGENCY)):
            start = T0 + timedelta(hours=k)
            b = Broadcast(station_id=station.id, kind=kind, title=f"Buổi {k}", slot_start=start, slot_end=start + timedelta(minutes=1), planned_start=start)
            session.add(b)
            session.flush()
            made.append(b)
        for b, title in ((made[2], "b"), (made[0], "a1"), (made[2], "c"), (made[0], "a2")):
            asrun.append(session, AsRunEntry(station_id=station.id, broadcast_id=b.id, planned_start=b.planned_start, item_type="emergency",
                                             title=title, status=LogStatus.PLAYED, seconds=1.0))
        recent = recent_emergencies(session, station, limit=2)
        assert [b.title for b in recent] == ["Buổi 3", "Buổi 2"]
        rows = log_rows_by_broadcast(session, [b.id for b in made])
        assert {made.index(b): [r.title for r in rows[b.id]] for b in made if b.id in rows} == {0: ["a1", "a2"], 2: ["b", "c"]}


def test_a_cached_page_key_reads_the_same_rows_as_the_page(factory):
    """The field reads behind the schedule page's key select exactly the rows, in the order, that the page shows."""
    with transaction(factory) as session:
        station = create_station(session, "xa-e", "Xã E", numbered_zones(1))
        other = create_station(session, "xa-f", "Xã F", numbered_zones(1))
        for at, title, status, owner in ((T0 + timedelta(hours=2), "Sau", BroadcastStatus.CANCELLED, station), (T0, "Trước", BroadcastStatus.PLANNED, station),
                                         (T0 + timedelta(hours=1), "Đài khác", BroadcastStatus.PLANNED, other), (T0 + timedelta(days=2), "Ngoài", BroadcastStatus.PLANNED, station)):
            session.add(Broadcast(station_id=owner.id, title=title, status=status, slot_start=at, slot_end=at + timedelta(minutes=5), planned_start=at))
        session.get(Slot, active_slots(session, station)[0].id).is_active = False
        # Not flushed: the field reads flush first, as the ORM's own queries would.
        span = (T0, T0 + timedelta(days=1))
        assert broadcast_fields_between(session, station.id, *span, Broadcast.title, Broadcast.status) == (
            ("Trước", BroadcastStatus.PLANNED), ("Sau", BroadcastStatus.CANCELLED))
        assert [(b.title, b.status) for b in broadcasts_between(session, station, *span)] == [("Trước", BroadcastStatus.PLANNED), ("Sau", BroadcastStatus.CANCELLED)]
        # The standard programme is 05:30 and 17:00; the morning one was switched off above, on this station only.
        assert active_slot_fields(session, station.id, Slot.name, Slot.start_time) == (("Buổi chiều", time(17, 0)),)
        assert active_slot_fields(session, other.id, Slot.start_time) == ((time(5, 30),), (time(17, 0),))
