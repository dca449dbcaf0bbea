"""The daily campaign need as a table: each target kind, with and without windows, on a day on and a day off."""

from datetime import date, time

import pytest

from broadcast.errors import InvalidInput
from broadcast.planning.targets import TARGET_KINDS, TARGET_LABELS, CampaignTarget, daily_need_s
from broadcast.planning.windows import TimeWindow

MONDAY, WEDNESDAY, SATURDAY = date(2024, 11, 18), date(2024, 11, 20), date(2024, 11, 23)
WEEKDAYS = (TimeWindow(time(5, 0), time(7, 0), "12345"),)  # Monday to Friday: the weekend is off
# Two windows covering Monday, Wednesday and Friday (Wednesday and Friday twice): three days on a week.
MWF = (TimeWindow(time(5, 0), time(6, 0), "135"), TimeWindow(time(17, 0), time(18, 0), "35"))
POOL = (60.0, 90.0, 150.0)  # 300 s of scripts


@pytest.mark.parametrize("kind, value, windows, day, slot_s, scripts, expected", [
    # minutes a day: the same every day on
    ("minutes_per_day", 10, (), MONDAY, 0, (), 600.0),
    ("minutes_per_day", 10, (), SATURDAY, 0, (), 600.0),
    ("minutes_per_day", 10, WEEKDAYS, MONDAY, 0, (), 600.0),
    ("minutes_per_day", 10, WEEKDAYS, SATURDAY, 0, (), 0.0),
    ("minutes_per_day", 2.5, (), MONDAY, 3600, POOL, 150.0),  # slots and pool play no part
    ("minutes_per_day", 0, (), MONDAY, 0, (), 0.0),
    # plays per script a week: 3 × 300 s a week over 7 days = 900 / 7
    ("plays_per_script_week", 3, (), MONDAY, 0, POOL, 900 / 7),
    ("plays_per_script_week", 3, (), SATURDAY, 1800, POOL, 900 / 7),
    # ... over the 5 weekdays on: 2 × 300 / 5
    ("plays_per_script_week", 2, WEEKDAYS, MONDAY, 0, POOL, 120.0),
    ("plays_per_script_week", 2, WEEKDAYS, SATURDAY, 0, POOL, 0.0),
    # ... over the 3 days two windows cover: 1 × 300 / 3
    ("plays_per_script_week", 1, MWF, WEDNESDAY, 0, POOL, 100.0),
    ("plays_per_script_week", 1, MWF, date(2024, 11, 19), 0, POOL, 0.0),
    ("plays_per_script_week", 4, (), MONDAY, 0, (), 0.0),  # an empty pool owes nothing
    # share of the carrying slots: 25 % of 3600 s
    ("share_of_slot", 25, (), MONDAY, 3600, (), 900.0),
    ("share_of_slot", 25, (), SATURDAY, 2 * 1800, POOL, 900.0),
    ("share_of_slot", 10, WEEKDAYS, MONDAY, 1800, (), 180.0),
    ("share_of_slot", 10, WEEKDAYS, SATURDAY, 1800, (), 0.0),
    ("share_of_slot", 50, (), MONDAY, 0, (), 0.0),  # no slot carries it that day
])
def test_daily_need(kind, value, windows, day, slot_s, scripts, expected):
    assert daily_need_s(CampaignTarget(kind, value, windows), day, slot_s, scripts) == pytest.approx(expected)


def test_an_unknown_kind_is_refused_with_the_kinds_to_choose_from():
    with pytest.raises(InvalidInput, match="Kiểu chỉ tiêu 'lượt' không có: chọn một trong minutes_per_day"):
        daily_need_s(CampaignTarget("lượt", 1), MONDAY)


def test_every_kind_has_the_label_the_operator_guide_uses():
    assert set(TARGET_LABELS) == set(TARGET_KINDS)
    assert TARGET_LABELS["share_of_slot"] == "% thời lượng buổi phát"  # docs/huong-dan-su-dung.md, "Kiểu chỉ tiêu"
