"""What a user asks a token to be called and to last: cleaned and checked before anything is stored or queried."""

import pytest

from broadcast.errors import InvalidInput
from broadcast.stations.tokens import check_token_request


@pytest.mark.parametrize(("name", "days", "expected"), [
    ("hệ thống tỉnh", 30, ("hệ thống tỉnh", 30)),
    ("  hệ thống tỉnh  ", 1, ("hệ thống tỉnh", 1)),
    ("Bài\x00 thử\x01\x02\x1b[31m đỏ\x7f", 30, ("Bài thử[31m đỏ", 30)),  # control bytes dropped: PostgreSQL refuses NUL
])
def test_a_good_request_comes_back_cleaned(name, days, expected):
    assert check_token_request(name, days) == expected


@pytest.mark.parametrize(("name", "days", "field"), [("", 30, "name"), ("\x00\x01", 30, "name"), ("x" * 500, 30, "name")])
def test_a_bad_request_names_its_field(name, days, field):
    with pytest.raises(InvalidInput) as refused:
        check_token_request(name, days)
    assert refused.value.field == field
