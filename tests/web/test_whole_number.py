"""A whole number typed in a form: the one parser of ids and counts in the panel's views."""

import pytest

from web.helpers import whole_number


@pytest.mark.parametrize(("typed", "number"), [
    ("7", 7), ("0", 0), ("366", 366), ("007", 7),
    ("", None), (" 7", None), ("-1", None), ("1.5", None), ("7a", None),
    ("²", None), ("٣", None),  # digits to str.isdigit, not to int() or not ASCII
    ("9" * 18, 10**18 - 1), ("9" * 19, None), ("1" * 5000, None),  # 5,000 digits would raise in int()
])
def test_whole_number(typed: str, number: int | None):
    assert whole_number(typed) == number
