"""Whole numbers typed or ticked in a form: the one parser of ids and counts in the panel's views."""

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


@pytest.mark.parametrize(("ticked", "ids"), [
    (["1", "3"], [1, 3]), ([], []), (["2", "²", "x", "1" * 5000, "-4", "5"], [2, 5]),
])
def test_form_ids_keeps_the_whole_numbers(ticked: list[str], ids: list[int]):
    from flask import Flask

    from web.helpers import form_ids

    with Flask(__name__).test_request_context(method="POST", data={"zones": ticked}):
        assert form_ids("zones") == ids
