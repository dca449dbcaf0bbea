"""Planning the demo station in its database: the campaign month, approval, re-planning, assembly, hand edits."""

import json
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from broadcast.content.scripts import update_script
from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput
from broadcast.models import Broadcast, BroadcastItem, BroadcastStatus, Campaign, ProgrammeTemplate, Script, Slot
from broadcast.planning.edits import reorder_items
from broadcast.planning.oneoff import add_one_off
from broadcast.planning.programmes import plan_days, preview_days
from broadcast.planning.slots import create_slot
from broadcast.playout.assembly import assemble_broadcast
from broadcast.stations.lookup import get_station
from broadcast.timeutil import VN_TZ

UTC = timezone.utc
BEFORE = datetime(2024, 11, 1, tzinfo=UTC)


def run(factory, fn):
    with transaction(factory) as session:
        return fn(session, get_station(session, "cam-tan"))


def broadcasts(session, first: date, last: date):
    lo = datetime.combine(first, time(0), VN_TZ)
    hi = datetime.combine(last + timedelta(days=1), time(0), VN_TZ)
    return list(session.scalars(select(Broadcast).where(Broadcast.slot_start >= lo, Broadcast.slot_start < hi).order_by(Broadcast.slot_start)))


def test_campaign_month_meets_target_evenly_within_slots(demo_factory, demo_settings):
    def go(session, station):
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        campaign.min_separation_h = 11.0  # the two slots are 11.5 h apart: repeats inside a day are then impossible
        report = plan_days(session, demo_settings, station, date(2024, 11, 15), date(2024, 12, 15), BEFORE)
        assert not [p for p in report.problems if "bdg-2024" in p.text]
        per_day: Counter[date] = Counter()
        plays: Counter[int] = Counter()
        last_at: dict[int, datetime] = {}
        rows = broadcasts(session, date(2024, 11, 15), date(2024, 12, 15))
        assert len(rows) == 62
        for b in rows:
            assert sum(i.duration_s for i in b.items) <= (b.slot_end - b.slot_start).total_seconds() + 1e-6
            assert (b.slot_end - b.slot_start).total_seconds() == 1800 + 300
            for item in b.items:
                if item.campaign_id == campaign.id:
                    at = b.planned_start + timedelta(seconds=item.offset_s)
                    assert item.script_id not in last_at or at - last_at[item.script_id] >= timedelta(hours=11)
                    last_at[item.script_id] = at
                    per_day[b.slot_start.astimezone(VN_TZ).date()] += item.duration_s
                    plays[item.script_id] += 1
        assert len(per_day) == 31 and min(per_day.values()) >= 600
        assert len(plays) == 14 and max(plays.values()) - min(plays.values()) <= 1
        return {b.id: [(i.item_type.value, i.script_id) for i in b.items] for b in rows}

    run(demo_factory, go)


def test_plan_is_the_same_whatever_was_planned_before(demo_factory, demo_settings):
    day = date(2024, 11, 27)
    alone = run(demo_factory, lambda s, st: [[(i.item_type, i.script_id) for i in p.items] for p in preview_days(s, demo_settings, st, day, day, BEFORE).programmes])
    run(demo_factory, lambda s, st: plan_days(s, demo_settings, st, date(2024, 11, 15), date(2024, 12, 15), BEFORE))
    saved = run(demo_factory, lambda s, st: [[(i.item_type.value, i.script_id) for i in b.items] for b in broadcasts(s, day, day)])
    assert alone == saved and len(saved) == 2


def test_edited_script_leaves_unstarted_broadcasts_only(demo_factory, demo_settings):
    run(demo_factory, lambda s, st: plan_days(s, demo_settings, st, date(2024, 11, 15), date(2024, 11, 20), BEFORE))
    now = datetime(2024, 11, 17, 12, 0, tzinfo=VN_TZ)

    def aired_ids(session):
        return {i.script_id for b in broadcasts(session, date(2024, 11, 15), date(2024, 11, 17)) if b.planned_start <= now for i in b.items}

    def edit(session, station):
        script = session.scalar(select(Script).join(BroadcastItem, BroadcastItem.script_id == Script.id).join(Broadcast)
                                .where(Broadcast.planned_start > now).order_by(Broadcast.planned_start).limit(1))
        before = aired_ids(session)
        update_script(session, script, script.title, script.body + "\nSửa lại một câu.")
        plan_days(session, demo_settings, station, date(2024, 11, 15), date(2024, 11, 20), now)
        future = [b for b in broadcasts(session, date(2024, 11, 15), date(2024, 11, 20)) if b.planned_start > now]
        assert future and all(i.script_id != script.id for b in future for i in b.items)
        assert aired_ids(session) == before  # started broadcasts are left as they were
        return script.id

    run(demo_factory, edit)


def test_cancelled_when_slot_gets_an_exception(demo_factory, demo_settings):
    run(demo_factory, lambda s, st: plan_days(s, demo_settings, st, date(2024, 11, 15), date(2024, 11, 16), BEFORE))

    def go(session, station):
        slot = session.scalar(select(Slot).where(Slot.name == "Buổi sáng"))
        slot.exceptions = ["2024-11-16"]
        report = plan_days(session, demo_settings, station, date(2024, 11, 15), date(2024, 11, 16), BEFORE)
        assert [b.slot_start.astimezone(VN_TZ).date() for b in report.cancelled] == [date(2024, 11, 16)]
        assert len(report.programmes) == 3
        slot.exceptions = []  # the day is back: its broadcast is revived, not duplicated
        report = plan_days(session, demo_settings, station, date(2024, 11, 15), date(2024, 11, 16), BEFORE)
        assert [p.status for p in report.programmes] == ["planned"] * 4 and not report.cancelled
        assert len(broadcasts(session, date(2024, 11, 15), date(2024, 11, 16))) == 4

    run(demo_factory, go)


def test_assembly_one_file_skipped_when_unchanged_and_relay_segments(demo_factory, demo_settings):
    def go(session, station):
        plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), BEFORE)
        b = broadcasts(session, date(2024, 11, 20), date(2024, 11, 20))[0]
        segments = assemble_broadcast(session, demo_settings, station, b)
        assert len(segments) == 1 and segments[0]["kind"] == "file" and b.audio_path == segments[0]["path"]
        assert b.audio_duration_s == pytest.approx(sum(i.duration_s for i in b.items), abs=0.01)
        mtime = Path(b.audio_path).stat().st_mtime_ns
        plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), BEFORE)  # same inputs, same plan
        assert b.status == BroadcastStatus.READY
        assemble_broadcast(session, demo_settings, station, b)
        assert Path(b.audio_path).stat().st_mtime_ns == mtime
        template = session.scalar(select(ProgrammeTemplate))
        template.items = [{"kind": "jingle_open"}, {"kind": "relay", "url": "http://127.0.0.1:9/tinh", "seconds": 1800, "title": "Đài tỉnh"},
                          {"kind": "campaign_block"}, {"kind": "filler", "max_s": 180}, {"kind": "jingle_close"}]
        plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), BEFORE)
        assert b.status == BroadcastStatus.PLANNED and not b.audio_path
        assert sum(i.duration_s for i in b.items) == pytest.approx(2100, abs=0.02)  # filler closes the gap to the slot end
        segments = assemble_broadcast(session, demo_settings, station, b)
        assert [s["kind"] for s in segments] == ["file", "relay", "file"]
        assert segments[1]["offset_s"] == pytest.approx(5.0) and segments[1]["duration_s"] == 1800
        assert segments[2]["offset_s"] == pytest.approx(1805.0)
        assert b.audio_path == "" and all(Path(s["path"]).exists() for s in segments if s["kind"] == "file")
        assert sum(s["duration_s"] for s in segments) == pytest.approx(2100, abs=0.05)

    run(demo_factory, go)


def test_reorder_and_one_off(demo_factory, demo_settings):
    now = datetime(2024, 11, 1, tzinfo=UTC)

    def go(session, station):
        plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), now)
        b = broadcasts(session, date(2024, 11, 20), date(2024, 11, 20))[0]
        ids = [i.id for i in b.items]
        new = [ids[0], *reversed(ids[1:-1]), ids[-1]]
        reorder_items(session, b, new, now)
        assert [i.id for i in b.items] == new and b.manual
        plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), now)
        assert [i.id for i in b.items] == new  # a hand-edited programme keeps its order
        with pytest.raises(InvalidInput):
            reorder_items(session, b, new[:-1], now)
        with pytest.raises(Conflict):
            reorder_items(session, b, new, b.planned_start + timedelta(seconds=1))
        script_id = b.items[1].script_id
        with pytest.raises(Conflict, match="trùng với buổi"):
            add_one_off(session, station, "Thông báo", b.planned_start + timedelta(minutes=5), [script_id], now)
        one = add_one_off(session, station, "Thông báo", datetime(2024, 11, 20, 9, 0, tzinfo=VN_TZ), [script_id], now)
        assert [i.item_type.value for i in one.items] == ["jingle", "script", "jingle"]
        script = session.get(Script, script_id)
        update_script(session, script, script.title, script.body + " Sửa.")  # back to draft
        plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), now)
        assert script_id not in [i.script_id for i in b.items] and len(b.items) == len(new) - 1
        assert [i.offset_s for i in b.items] == sorted(i.offset_s for i in b.items) and b.items[0].offset_s == 0

    run(demo_factory, go)


def test_past_days_are_previewed_not_saved(demo_factory, demo_settings):
    def go(session, station):
        report = plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 20), datetime(2025, 1, 1, tzinfo=UTC))
        assert [p.preview for p in report.programmes] == [True, True]
        assert not broadcasts(session, date(2024, 11, 20), date(2024, 11, 20))

    run(demo_factory, go)


def test_backwards_range_refused(demo_factory, demo_settings):
    with pytest.raises(InvalidInput, match="đứng trước ngày bắt đầu"):
        run(demo_factory, lambda s, st: plan_days(s, demo_settings, st, date(2024, 11, 20), date(2024, 11, 19), BEFORE))


def test_extra_campaign_slot_airs_only_on_campaign_days(demo_factory, demo_settings):
    def go(session, station):
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        with pytest.raises(InvalidInput, match="không có ngày nào trong thời gian chiến dịch bdg-2024"):
            create_slot(session, station, "Buổi thêm", "11:00", duration_s=900, campaign_id=campaign.id, valid_to=date(2024, 1, 1))
        extra = create_slot(session, station, "Buổi thêm", "11:00", duration_s=900, campaign_id=campaign.id)
        plan_days(session, demo_settings, station, date(2024, 11, 14), date(2024, 11, 16), BEFORE)
        days = [b.slot_start.astimezone(VN_TZ).date() for b in broadcasts(session, date(2024, 11, 14), date(2024, 11, 16)) if b.slot_id == extra.id]
        assert days == [date(2024, 11, 15), date(2024, 11, 16)]
        for b in broadcasts(session, date(2024, 11, 15), date(2024, 11, 15)):
            assert b.kind.value == ("extra" if b.slot_id == extra.id else "regular")
            assert any(i.campaign_id == campaign.id for i in b.items)
        daily = sum(i.duration_s for b in broadcasts(session, date(2024, 11, 15), date(2024, 11, 15)) for i in b.items if i.campaign_id)
        assert daily >= 600

    run(demo_factory, go)


def _out_of_reach(session) -> None:
    """Ask bdg-2024 for two hours a day: the two 35-minute broadcasts fall short every campaign day."""
    session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024")).target_value = 120


def test_a_problem_reaches_its_day_whatever_its_wording(demo_factory, demo_settings, monkeypatch):
    import broadcast.planning.programmes as programmes

    real = programmes.plan_range

    def reworded(inputs, first, last):
        """The planner's plan with every problem's sentence replaced by one that names no date."""
        ranged = real(inputs, first, last)
        assert ranged.problems and ranged.problems[0].day == date(2024, 11, 15)  # the replay from the campaign's start
        ranged.problems = [replace(p, text=f"Sự cố số {n}.") for n, p in enumerate(ranged.problems)]
        return ranged

    monkeypatch.setattr(programmes, "plan_range", reworded)

    def go(session, station):
        _out_of_reach(session)
        report = plan_days(session, demo_settings, station, date(2024, 11, 20), date(2024, 11, 21), BEFORE, save=False)
        assert [(p.day, p.kind) for p in report.problems] == [(date(2024, 11, 20), "shortfall"), (date(2024, 11, 21), "shortfall")]
        assert all(p.text.startswith("Sự cố số ") for p in report.problems)

    run(demo_factory, go)


def test_the_plan_command_prints_the_problems_of_its_days(demo_factory, demo_settings):
    from click.testing import CliRunner

    from loaxa.cli import main

    run(demo_factory, lambda session, station: _out_of_reach(session))
    args = ["--data-dir", str(demo_settings.data_dir), "plan", "--from", "2024-11-20", "--to", "2024-11-21", "--dry-run"]
    shown = CliRunner().invoke(main, [*args, "--format", "json"], catch_exceptions=False)
    problems = json.loads(shown.output)["problems"]
    assert [p[:34] for p in problems] == ["Ngày 20/11/2024: chiến dịch bdg-20", "Ngày 21/11/2024: chiến dịch bdg-20"]
    text = CliRunner().invoke(main, args, catch_exceptions=False).output
    assert [line for line in text.splitlines() if line.startswith("Lưu ý: ")] == [f"Lưu ý: {p}" for p in problems]
