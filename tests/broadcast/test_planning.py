"""Pure planning rules: slot occurrences in local time, and fitting."""

from datetime import date, datetime, time, timezone

from broadcast.planning import Candidate, SlotRule, fit, occurrences
from broadcast.timeutil import VN_TZ


def test_morning_slot_is_2230_utc_the_day_before():
    occ = occurrences([SlotRule(1, time(5, 30), 1800)], date(2024, 11, 15), date(2024, 11, 15), VN_TZ)
    assert len(occ) == 1
    assert occ[0].start == datetime(2024, 11, 14, 22, 30, tzinfo=timezone.utc)
    assert (occ[0].end - occ[0].start).total_seconds() == 1800


def test_weekdays_range_and_exceptions():
    rule = SlotRule(2, time(17, 0), 1800, weekdays="135", valid_from=date(2024, 11, 18), valid_to=date(2024, 11, 30),
                    exceptions=frozenset({date(2024, 11, 20)}))
    found = occurrences([rule], date(2024, 11, 1), date(2024, 12, 31), VN_TZ)
    days = [o.start.astimezone(VN_TZ).date() for o in found]
    assert days == [date(2024, 11, 18), date(2024, 11, 22), date(2024, 11, 25), date(2024, 11, 27), date(2024, 11, 29)]


def test_occurrences_sorted_across_slots():
    rules = [SlotRule(2, time(17, 0), 1800), SlotRule(1, time(5, 30), 1800)]
    found = occurrences(rules, date(2024, 11, 15), date(2024, 11, 16), VN_TZ)
    assert [o.slot_id for o in found] == [1, 2, 1, 2]


def test_fit_never_overruns_and_reports_left_out():
    cands = [Candidate("a", 100), Candidate("b", 500), Candidate("c", 150), Candidate("d", 60)]
    result = fit(cands, 320)
    assert [c.key for c in result.chosen] == ["a", "c", "d"]
    assert [c.key for c in result.left_out] == ["b"]
    assert result.used_s == 310
