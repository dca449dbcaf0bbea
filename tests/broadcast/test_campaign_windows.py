"""Time windows and extra slots of a campaign on the demo: planning, refusals with nothing saved, the CLI."""

import re
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from broadcast.campaigns.extra_slots import add_extra_slot, list_extra_slots, remove_extra_slot
from broadcast.campaigns.manage import approve_campaign, copy_to_year, get_campaign, set_windows, update_campaign
from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput
from broadcast.models import ContentStatus, Slot
from broadcast.planning.programmes import plan_days
from broadcast.stations.lookup import get_station
from broadcast.stations.users import get_user
from broadcast.timeutil import UTC
from loaxa.cli import main

DAY = date(2024, 11, 20)


def run(factory, fn):
    with transaction(factory) as session:
        return fn(session, get_station(session, "cam-tan"), get_campaign(session, get_station(session, "cam-tan"), "bdg-2024"))


def state(factory):
    """What a refused change must leave as it was: the windows, the status, the target and the number of slots."""
    def read(session, station, c):
        return list(c.windows), c.status, c.target_value, session.scalar(select(func.count(Slot.id)))
    return run(factory, read)


def test_windows_restrict_planning_to_the_morning_and_the_day_target_is_met(demo_factory, demo_settings):
    def go(session, station, c):
        set_windows(session, c, ["05:00-07:00"])
        assert c.status == ContentStatus.DRAFT  # when a campaign airs is the approver's decision
        approve_campaign(session, c, get_user(session, "pheduyet"))
        report = plan_days(session, demo_settings, station, DAY, DAY, datetime(2024, 11, 1, tzinfo=UTC), save=False)
        return [(p.title, [i for i in p.items if i.campaign]) for p in report.programmes], report.problems

    programmes, problems = run(demo_factory, go)
    assert not [p for p in problems if "bdg-2024" in p.text]
    by_title = dict(programmes)
    morning, evening = by_title["Buổi sáng"], by_title["Buổi chiều"]
    assert evening == [] and sum(i.duration_s for i in morning) >= 10 * 60
    assert all("trong khung giờ 05:00–07:00" in i.reason for i in morning)


@pytest.mark.parametrize("windows, needle", [
    (["06:00-05:30"], "Khung giờ 06:00–05:30 kết thúc trước hoặc đúng lúc bắt đầu"),
    (["05:00-06:00", "05:45-07:00"], "Khung giờ 05:00–06:00 chồng lên khung giờ 05:45–07:00"),
    (["12:00-13:00"], "Khung giờ 12:00–13:00 không trùng buổi phát nào của đài: các buổi có khối chiến dịch là Buổi sáng 05:30–06:00, "
                      "Buổi chiều 17:00–17:30"),
])
def test_bad_windows_refused_with_nothing_saved(demo_factory, windows, needle):
    before = state(demo_factory)
    with pytest.raises(InvalidInput) as caught:
        run(demo_factory, lambda s, st, c: set_windows(s, c, windows))
    assert needle in str(caught.value) and caught.value.field == "windows"
    assert state(demo_factory) == before and before[1] == ContentStatus.APPROVED


def test_target_that_no_longer_fits_the_windows_is_refused(demo_factory):
    run(demo_factory, lambda s, st, c: update_campaign(s, c, target_value=40))  # fits in two slots (2 × 35 minutes)
    before = state(demo_factory)
    with pytest.raises(InvalidInput, match="chỉ tiêu 40 phút/ngày của chiến dịch bdg-2024 vượt quá 35 phút còn trống trong Buổi sáng"):
        run(demo_factory, lambda s, st, c: set_windows(s, c, ["05:00-07:00"]))
    assert state(demo_factory) == before


def test_extra_slots_validated_like_slots_and_against_the_windows(demo_factory):
    before = state(demo_factory)
    refusals = [
        (dict(start_time="17:15", end_time="17:45"), Conflict, "trùng giờ với buổi Buổi chiều (17:00–17:30)"),
        (dict(start_time="19:00", end_time="19:15", valid_to="2024-12-20"), InvalidInput, "nằm ngoài thời gian chiến dịch bdg-2024 (15/11/2024–15/12/2024)"),
        (dict(start_time="19:00", end_time="18:00"), InvalidInput, "kết thúc lúc 18:00, trước hoặc đúng lúc bắt đầu 19:00"),
    ]
    for kw, error, needle in refusals:
        with pytest.raises(error, match=re.escape(needle)):
            run(demo_factory, lambda s, st, c: add_extra_slot(s, c, "Buổi tối", **kw))
        assert state(demo_factory) == before
    run(demo_factory, lambda s, st, c: set_windows(s, c, ["05:00-07:00"]))
    before = state(demo_factory)
    with pytest.raises(InvalidInput, match="Buổi phát thêm Buổi tối .19:00–19:15. nằm ngoài các khung giờ của chiến dịch bdg-2024"):
        run(demo_factory, lambda s, st, c: add_extra_slot(s, c, "Buổi tối", "19:00", end_time="19:15"))
    assert state(demo_factory) == before

    def add_in_window(session, station, c):
        approve_campaign(session, c, get_user(session, "pheduyet"))
        slot = add_extra_slot(session, c, "", "06:15", duration_s=900)
        assert slot.name == "Buổi phát thêm bdg-2024" and slot.campaign_id == c.id and c.status == ContentStatus.DRAFT
        copy = copy_to_year(session, c, 2030)
        assert copy.windows == c.windows
        return slot.id

    slot_id = run(demo_factory, add_in_window)
    run(demo_factory, lambda s, st, c: remove_extra_slot(s, c, slot_id, datetime(2024, 11, 1, tzinfo=UTC)))
    assert run(demo_factory, lambda s, st, c: list_extra_slots(s, c)) == []


def cli(settings, *args):
    return CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "campaign", *args], catch_exceptions=False)


def test_cli_windows_and_extra_slots(demo_settings, demo_factory):
    result = cli(demo_settings, "windows", "bdg-2024")
    assert result.exit_code == 0 and "không giới hạn khung giờ" in result.output
    result = cli(demo_settings, "windows", "bdg-2024", "--add", "05:00-06:30", "--add", "17:00-17:30", "--weekdays", "T2-T6")
    assert result.exit_code == 0, result.output
    assert "1. 05:00–06:30 (T2, T3, T4, T5, T6)\n2. 17:00–17:30 (T2, T3, T4, T5, T6)" in result.output and "bản nháp" in result.output
    result = cli(demo_settings, "windows", "bdg-2024", "--add", "17:15-18:00")
    assert result.exit_code == 1 and "Khung giờ 17:00–17:30 (T2, T3, T4, T5, T6) chồng lên khung giờ 17:15–18:00" in result.output
    assert "Traceback" not in result.output
    result = cli(demo_settings, "windows", "bdg-2024", "--remove", "2")
    assert result.exit_code == 0 and "2." not in result.output
    assert run(demo_factory, lambda s, st, c: c.windows) == [{"start": "05:00", "end": "06:30", "weekdays": "12345"}]
    assert "chỉ phát trong khung giờ 05:00–06:30 (T2, T3, T4, T5, T6)" in cli(demo_settings, "show", "bdg-2024").output
    result = cli(demo_settings, "extra", "bdg-2024", "--add", "06:10-06:25", "--name", "Thêm sáng", "--weekdays", "1-5")
    assert result.exit_code == 0, result.output
    assert "06:10–06:25  15/11/2024–15/12/2024  thứ 12345  Thêm sáng" in result.output
    result = cli(demo_settings, "extra", "bdg-2024", "--add", "19:00-19:15")
    assert result.exit_code == 1 and "nằm ngoài các khung giờ" in result.output
    result = cli(demo_settings, "windows", "bdg-2024", "--clear")
    assert result.exit_code == 0 and "không giới hạn khung giờ" in result.output


def test_cli_lists_the_days_an_extra_slot_really_airs_after_the_campaign_dates_move(demo_settings, demo_factory):
    result = cli(demo_settings, "extra", "bdg-2024", "--add", "19:00-19:15", "--from", "20/11/2024", "--to", "10/12/2024")
    assert result.exit_code == 0 and "19:00–19:15  20/11/2024–10/12/2024" in result.output, result.output
    run(demo_factory, lambda s, st, c: update_campaign(s, c, end_date=date(2024, 12, 5)))
    assert "19:00–19:15  20/11/2024–05/12/2024" in cli(demo_settings, "extra", "bdg-2024").output  # not the slot's own 10/12
    run(demo_factory, lambda s, st, c: update_campaign(s, c, start_date=date(2024, 11, 10), end_date=date(2024, 11, 18)))
    assert "19:00–19:15  không còn ngày nào trong thời gian chiến dịch" in cli(demo_settings, "extra", "bdg-2024").output
