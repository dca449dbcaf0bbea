"""programmes.add_script: an approved script added by hand to an unstarted broadcast, refused when it cannot fit."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from broadcast.errors import Conflict, InvalidInput
from broadcast.models import ContentStatus, ItemType, ProgrammeTemplate, Script
from broadcast.planning.edits import add_script
from broadcast.planning.programmes import plan_days
from tests.broadcast.test_plan_demo import broadcasts, run

NOW = datetime(2024, 11, 1, tzinfo=timezone.utc)
DAY = date(2024, 11, 20)


def _first(session, settings, station):
    plan_days(session, settings, station, DAY, DAY, NOW)
    return broadcasts(session, DAY, DAY)[0]


def _outsider(session, broadcast) -> Script:
    inside = {i.script_id for i in broadcast.items}
    return next(s for s in session.scalars(select(Script).where(Script.status == ContentStatus.APPROVED).order_by(Script.id)) if s.id not in inside)


def test_added_before_the_closing_jingle_and_kept_by_replanning(demo_factory, demo_settings):
    def go(session, station):
        b = _first(session, demo_settings, station)
        b.slot_end += timedelta(minutes=10)  # room for one more script
        script = _outsider(session, b)
        before = [i.id for i in b.items]
        row = add_script(session, b, script.id, NOW)
        assert [i.id for i in b.items] == [*before[:-1], row.id, before[-1]] and b.items[-1].item_type == ItemType.JINGLE
        assert b.manual and [i.position for i in b.items] == list(range(len(b.items)))
        assert all(a.offset_s + a.duration_s == pytest.approx(z.offset_s) for a, z in zip(b.items, b.items[1:]))
        plan_days(session, demo_settings, station, DAY, DAY, NOW)
        assert script.id in [i.script_id for i in b.items]  # a hand-edited programme keeps the added script

    run(demo_factory, go)


def test_refusals_change_nothing(demo_factory, demo_settings):
    def go(session, station):
        b = _first(session, demo_settings, station)
        script = _outsider(session, b)
        items = [(i.id, i.offset_s) for i in b.items]
        b.slot_end = b.slot_start + timedelta(seconds=sum(i.duration_s for i in b.items) + 1)
        with pytest.raises(InvalidInput, match="quá thời lượng buổi phát") as refused:
            add_script(session, b, script.id, NOW)
        assert refused.value.field == "script" and "," in str(refused.value)  # minutes with the Vietnamese decimal comma
        with pytest.raises(Conflict, match="đã có trong buổi phát"):
            add_script(session, b, b.items[1].script_id, NOW)
        with pytest.raises(Conflict, match="đã bắt đầu"):
            add_script(session, b, script.id, b.planned_start + timedelta(seconds=1))
        script.status = ContentStatus.DRAFT
        with pytest.raises(InvalidInput, match="chưa được duyệt"):
            add_script(session, b, script.id, NOW)
        assert [(i.id, i.offset_s) for i in b.items] == items and not b.manual

    run(demo_factory, go)


@pytest.mark.parametrize("room, expected_bed", [(200.0, 120.0), (30.0, 30.0), (0.5, None)])
def test_the_music_bed_shrinks_to_make_room_and_never_grows(demo_factory, demo_settings, room, expected_bed):
    from broadcast.content.rendering import script_audio

    def go(session, station):
        template = session.scalar(select(ProgrammeTemplate))
        template.items = [{"kind": "jingle_open"}, {"kind": "relay", "url": "http://127.0.0.1:9/tinh", "seconds": 1800, "title": "Đài tỉnh"},
                          {"kind": "campaign_block"}, {"kind": "filler", "max_s": 180}, {"kind": "jingle_close"}]
        b = _first(session, demo_settings, station)
        filler = next(i for i in b.items if i.item_type == ItemType.FILLER)
        filler.duration_s = 120.0
        script = _outsider(session, b)
        fixed = sum(i.duration_s for i in b.items if i.item_type != ItemType.FILLER) + script_audio(session, script).duration_s
        b.slot_end = b.slot_start + timedelta(seconds=fixed + room)  # what is left for the bed once the script is in
        add_script(session, b, script.id, NOW)
        if expected_bed is None:
            assert filler not in b.items
        else:
            assert filler.duration_s == pytest.approx(expected_bed)
        assert sum(i.duration_s for i in b.items) <= (b.slot_end - b.slot_start).total_seconds() + 1e-6

    run(demo_factory, go)
