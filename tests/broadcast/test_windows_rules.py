"""Campaign time windows as pure rules: parsing, overlaps, eligible broadcasts, targets spread over them, feasibility."""

import re
from collections import Counter
from datetime import date, time

import pytest

from broadcast.errors import InvalidInput
from broadcast.planning.planner import ProblemKind, SlotRule, campaign_problems, carrying_seconds, plan_range
from broadcast.planning.windows import TimeWindow, parse_weekdays, parse_window, short_days, validate_windows
from broadcast.timeutil import VN_TZ
from tests.broadcast.test_plan_rules import ASSETS, EVENING, MORNING, campaign, inputs, pool

NOON = SlotRule(3, time(11, 0), 1800, name="Buổi trưa")
MORNING_W = TimeWindow(time(5, 0), time(7, 0))


@pytest.mark.parametrize("text, weekdays, expected", [
    ("05:30-06:00", None, TimeWindow(time(5, 30), time(6, 0))),
    ("5h30 – 6h00", "1-5", TimeWindow(time(5, 30), time(6, 0), "12345")),
    ("17:00-17:30", "T2-T6", TimeWindow(time(17, 0), time(17, 30), "12345")),
    ("17:00-17:30", "6,CN", TimeWindow(time(17, 0), time(17, 30), "67")),
    ("17:00-17:30", "1234567", TimeWindow(time(17, 0), time(17, 30), "")),  # every day is stored as no restriction
    ({"start": "05:30", "end": "06:00", "weekdays": "135"}, None, TimeWindow(time(5, 30), time(6, 0), "135")),
])
def test_parse_window(text, weekdays, expected):
    assert parse_window(text, weekdays) == expected


@pytest.mark.parametrize("days, names", [
    ("12345", "T2, T3, T4, T5, T6"), ("67", "T7, CN"), ("7", "CN"), ("1234567", ""), ("", ""), ("7123456", ""),
])
def test_short_days(days, names):
    assert short_days(days) == names


@pytest.mark.parametrize("days, shown", [("135", "T2, T4, T6"), ("1234567", "Hằng ngày"), ("", "Hằng ngày")])
def test_panel_weekday_names_use_the_same_names(days, shown):
    from web.filters import weekday_names

    assert weekday_names(days) == shown  # "" (every day, as windows store it) once showed nothing


@pytest.mark.parametrize("text, weekdays, needle", [
    ("06:00-05:30", None, "Khung giờ 06:00–05:30 kết thúc trước hoặc đúng lúc bắt đầu"),
    ("05:30-05:30", None, "kết thúc trước hoặc đúng lúc bắt đầu"),
    ("sáng", None, "không đúng dạng"),
    ("25:00-26:00", None, "giờ không đúng"),
    ("05:30-06:00", "0-4", "số 1 (thứ Hai) đến 7 (Chủ nhật)"),
    ("05:30-06:00", "5-1", "Các ngày «5-1» không đúng"),
])
def test_bad_window_refused(text, weekdays, needle):
    with pytest.raises(InvalidInput, match=re.escape(needle)):
        parse_window(text, weekdays)


def test_overlapping_windows_refused_only_on_shared_days():
    with pytest.raises(InvalidInput, match="Khung giờ 05:00–06:00 chồng lên khung giờ 05:30–07:00"):
        validate_windows(["05:00-06:00", "05:30-07:00"])
    assert len(validate_windows([parse_window("05:00-06:00", "1-5"), parse_window("05:30-07:00", "6-7")])) == 2
    assert validate_windows(["17:00-18:00", "05:00-06:00"])[0].start == time(5, 0)  # sorted; back to back is fine
    assert len(validate_windows(["05:00-06:00", "06:00-07:00"])) == 2


def campaign_items(result):
    """(day, slot_id) -> campaign items of that broadcast."""
    return {(p.occurrence.day, p.occurrence.slot_id): [i for i in p.items if i.campaign_id] for p in result.plans}


def test_only_broadcasts_inside_a_window_carry_the_campaign_and_the_day_target_is_still_met():
    c = campaign(windows=(MORNING_W,), extend_slot_s=600, target_value=20)
    result = plan_range(inputs(c, slots=(MORNING, NOON, EVENING)), c.start, c.end)
    assert not result.problems, result.problems[:3]
    items = campaign_items(result)
    plays: Counter[int] = Counter()
    for (day, slot_id), found in items.items():
        if slot_id == MORNING.slot_id:
            assert sum(i.duration_s for i in found) >= 20 * 60  # the whole day's target, not a third of it
            assert all(i.reason.endswith("trong khung giờ 05:00–07:00") for i in found)
            plays.update(i.ref for i in found)
        else:
            assert found == []
    caps = {(p.occurrence.day, p.occurrence.slot_id): p.capacity_s for p in result.plans}
    assert caps[(c.start, MORNING.slot_id)] == 1800 + 600 and caps[(c.start, EVENING.slot_id)] == 1800  # extension only where it airs
    assert max(plays.values()) - min(plays.values()) <= 1  # rotation still even over the month


def test_target_spread_over_two_windows_and_weekday_windows_leave_other_days_off():
    two = campaign(windows=(MORNING_W, TimeWindow(time(16, 30), time(17, 30))), extend_slot_s=0, target_value=10)
    items = campaign_items(plan_range(inputs(two, slots=(MORNING, NOON, EVENING)), two.start, two.start))
    morning = sum(i.duration_s for i in items[(two.start, 1)])
    evening = sum(i.duration_s for i in items[(two.start, 2)])
    assert items[(two.start, 3)] == [] and morning > 0 and evening > 0 and morning + evening >= 600

    weekdays = campaign(windows=(TimeWindow(time(17, 0), time(17, 30), "12345"),), extend_slot_s=0, target_kind="plays_per_script_week",
                        target_value=2, pool=pool(5))
    result = plan_range(inputs(weekdays), weekdays.start, weekdays.end)
    assert not result.problems, result.problems[:3]
    for (day, slot_id), found in campaign_items(result).items():
        if day.isoweekday() > 5 or slot_id == 1:
            assert found == []
    plays = Counter(i.ref for p in result.plans for i in p.items if i.campaign_id)
    weeks = ((weekdays.end - weekdays.start).days + 1) / 7
    assert min(plays.values()) >= int(2 * weeks) and max(plays.values()) - min(plays.values()) <= 1


def test_a_weekly_play_target_is_spread_over_the_window_weekdays():
    # Monday 18/11 to Sunday 24/11, an evening window on weekdays, five scripts once a week each: one play every weekday.
    c = campaign(start=date(2024, 11, 18), end=date(2024, 11, 24), windows=(TimeWindow(time(17, 0), time(17, 30), "12345"),),
                 extend_slot_s=0, target_kind="plays_per_script_week", target_value=1, pool=pool(5))
    result = plan_range(inputs(c), c.start, c.end)
    per_day = Counter(p.occurrence.day for p in result.plans for i in p.items if i.campaign_id)
    assert [per_day[date(2024, 11, 18 + n)] for n in range(7)] == [1, 1, 1, 1, 1, 0, 0]
    assert not result.problems, result.problems


def test_carrying_seconds_count_the_extension_on_regular_slots_only_and_nothing_on_days_off():
    extra = SlotRule(4, time(5, 0), 900, campaign_id=7, name="Buổi thêm")
    c = campaign(start=date(2024, 11, 22), end=date(2024, 11, 23), windows=(TimeWindow(time(5, 0), time(7, 0), "12345"),), extend_slot_s=300)
    # Friday: the morning (1800 + 300) and the extra slot (900, never extended); Saturday is off.
    assert carrying_seconds(c, (MORNING, EVENING, extra), {}, VN_TZ) == {date(2024, 11, 22): 3000.0, date(2024, 11, 23): 0.0}


@pytest.mark.parametrize("value, refused", [(50, False), (100, True)])
def test_a_share_target_is_checked_against_the_carrying_slots(value, refused):
    c = campaign(target_kind="share_of_slot", target_value=value, extend_slot_s=0, windows=(MORNING_W,), end=date(2024, 11, 15))
    problems = campaign_problems(c, (MORNING, EVENING), {}, ASSETS, VN_TZ)
    # 100 % of the 30-minute morning is 30 minutes, but its jingles (10.5 s) leave 29.8 minutes for content.
    needle = "Ngày 15/11/2024: chỉ tiêu 100 % thời lượng buổi phát (khoảng 30 phút/ngày) của chiến dịch bdg vượt quá 30 phút còn trống trong Buổi sáng"
    assert any(p.kind == ProblemKind.OVER_CAPACITY and p.day == date(2024, 11, 15) and needle in p.text for p in problems) == refused, problems


def test_extra_slot_is_subject_to_the_windows():
    extra = SlotRule(4, time(19, 0), 900, campaign_id=7, name="Buổi thêm")
    c = campaign(windows=(MORNING_W,), extend_slot_s=0, start=date(2024, 11, 15), end=date(2024, 11, 15))
    problems = campaign_problems(c, (MORNING, EVENING, extra), {}, ASSETS, VN_TZ)
    assert any(p.kind == ProblemKind.EXTRA_OUTSIDE_WINDOWS and p.text.startswith("Buổi phát thêm Buổi thêm (19:00–19:15) nằm ngoài các khung giờ")
               for p in problems), problems


@pytest.mark.parametrize("kw, kind, needle", [
    (dict(windows=(TimeWindow(time(12, 0), time(13, 0)),)), ProblemKind.WINDOW_UNMET,
     "Khung giờ 12:00–13:00 không trùng buổi phát nào của đài: các buổi có khối chiến dịch là Buổi sáng 05:30–06:00, Buổi chiều 17:00–17:30"),
    (dict(windows=(TimeWindow(time(5, 0), time(7, 0), "7"),), start=date(2024, 11, 18), end=date(2024, 11, 22)),  # Mon–Fri campaign, Sunday window
     ProblemKind.WINDOW_UNMET, "Khung giờ 05:00–07:00 (CN) không trùng buổi phát nào"),
    (dict(windows=(MORNING_W,), target_value=40, extend_slot_s=0), ProblemKind.OVER_CAPACITY,
     "chỉ tiêu 40 phút/ngày của chiến dịch bdg vượt quá 30 phút còn trống trong Buổi sáng:"),
])
def test_window_feasibility(kw, kind, needle):
    problems = campaign_problems(campaign(**kw), (MORNING, EVENING), {}, ASSETS, VN_TZ)
    assert any(p.kind == kind and needle in p.text for p in problems), problems


def test_weekday_window_days_off_are_not_problems():
    c = campaign(windows=(TimeWindow(time(5, 0), time(7, 0), "12345"),), extend_slot_s=0)
    assert campaign_problems(c, (MORNING, EVENING), {}, ASSETS, VN_TZ) == []
    assert parse_weekdays("T2-T6") == "12345" and parse_weekdays("") == ""


def test_report_targets_owe_nothing_on_weekdays_without_a_window():
    from broadcast.models import Campaign
    from broadcast.reports.compute import daily_targets, target_plays

    week = [date(2024, 11, 18 + n) for n in range(7)]  # Monday to Sunday
    minutes = Campaign(target_kind="minutes_per_day", target_value=10, windows=[{"start": "05:00", "end": "07:00", "weekdays": "12345"}])
    targets, _ = daily_targets(minutes, week, {}, [])
    assert [targets[d] for d in week] == [600.0] * 5 + [0.0, 0.0]
    weekly = Campaign(target_kind="plays_per_script_week", target_value=1, windows=minutes.windows)
    targets, note = daily_targets(weekly, week, {}, [100.0] * 5)
    assert sum(targets.values()) == 500.0 and targets[week[5]] == 0.0 and "÷ 5" in note
    # Once a week each: once over the five weekdays on, never over the weekend off.
    assert (target_plays(weekly, week), target_plays(weekly, week[:5]), target_plays(weekly, week[5:])) == (1.0, 1.0, 0.0)
