"""A datetime without an offset is the station's wall clock; an aware one keeps its instant."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from broadcast.timeutil import as_local

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("given", "instant_utc"), [
    (datetime(2024, 11, 20, 5, 30), datetime(2024, 11, 19, 22, 30, tzinfo=timezone.utc)),  # 05:30 in the commune
    (datetime(2024, 11, 20, 5, 30, tzinfo=timezone.utc), datetime(2024, 11, 20, 5, 30, tzinfo=timezone.utc)),
    (datetime(2024, 11, 20, 5, 30, tzinfo=timezone(timedelta(hours=9))), datetime(2024, 11, 19, 20, 30, tzinfo=timezone.utc)),
    (None, None),
])
def test_as_local(given, instant_utc):
    found = as_local(given, HCM)
    assert found == instant_utc and (found is None or found.tzinfo is not None)
