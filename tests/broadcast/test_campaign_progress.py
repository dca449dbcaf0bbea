"""The panel's campaign progress rules as tables: what counts up to yesterday, and when a campaign is behind."""

from datetime import date

import pytest

from broadcast.playout.status import behind, up_to_yesterday

DAYS = {date(2025, 3, 8): 600.0, date(2025, 3, 9): 0.0, date(2025, 3, 10): 600.0, date(2025, 3, 11): 300.0, date(2025, 3, 12): 600.0}


@pytest.mark.parametrize("since, today, expected", [
    (date(2025, 3, 8), date(2025, 3, 12), 1500.0),  # 8–11/03; today is not over yet
    (date(2025, 3, 10), date(2025, 3, 12), 900.0),  # the station went on air on 10/03
    (date(2025, 3, 1), date(2025, 3, 8), 0.0),  # the first day of the campaign: nothing is past
    (date(2025, 3, 8), date(2025, 3, 20), 2100.0),  # after the campaign: every day
])
def test_up_to_yesterday(since, today, expected):
    assert up_to_yesterday(DAYS, since, today) == expected


@pytest.mark.parametrize("aired, needed, expected", [
    (0.0, 600.0, True),
    (539.0, 600.0, True),  # just under 90 %
    (540.0, 600.0, False),  # exactly 90 %
    (900.0, 600.0, False),
    (0.0, 0.0, False),  # nothing owed yet (first day, days off, a zero target)
])
def test_behind(aired, needed, expected):
    assert behind(aired, needed) is expected
