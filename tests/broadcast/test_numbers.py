"""Vietnamese number notation: one formatter for the panel, the CLI, planner sentences and reports."""

import pytest

from broadcast.numbers import vn_minutes, vn_number
from web.filters import decimal, minutes, whole


@pytest.mark.parametrize("value, decimals, text", [
    (0, 0, "0"),
    (12, 0, "12"),
    (2.5, 0, "2,5"),  # not whole: one decimal
    (1234, 0, "1.234"),
    (10000, 0, "10.000"),
    (1234.5, 1, "1.234,5"),
    (2.25, 2, "2,25"),
    (3.0, 1, "3,0"),
    (-16.04, 1, "-16,0"),
    (1234567.891, 2, "1.234.567,89"),
])
def test_vn_number(value, decimals, text):
    assert vn_number(value, decimals) == text


@pytest.mark.parametrize("seconds, decimals, text", [
    (90, 1, "1,5"),
    (1800, 1, "30,0"),
    (1788, 0, "30"),  # 29.8 minutes rounded to whole minutes
    (60 * 1500, 0, "1.500"),
    (45, 2, "0,75"),
])
def test_vn_minutes(seconds, decimals, text):
    assert vn_minutes(seconds, decimals) == text


@pytest.mark.parametrize("value, text", [(2.5, "2,5"), (None, "0,0"), (1234.56, "1.234,6")])
def test_panel_decimal_filter_is_the_same_notation(value, text):
    assert decimal(value) == text  # the panel once wrote 1234,6 where reports wrote 1.234,6


@pytest.mark.parametrize("value, text", [(1200, "1.200"), (29.6, "30"), (None, "0"), (99.5, "100")])
def test_panel_whole_filter(value, text):
    assert whole(value) == text  # the panel's '%.0f' wrote 1200


@pytest.mark.parametrize("seconds, decimals, text", [(72000, 0, "1.200"), (1788, 0, "30"), (90, 1, "1,5"), (None, 0, "0")])
def test_panel_minutes_filter(seconds, decimals, text):
    assert minutes(seconds, decimals) == text
