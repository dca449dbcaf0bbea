"""Jinja filters that show times and numbers the Vietnamese way."""

from __future__ import annotations

from datetime import datetime, time

from broadcast.models import item_type_label, status_label
from broadcast.numbers import vn_minutes, vn_number
from broadcast.planning.planner import end_of
from broadcast.planning.windows import short_days
from broadcast.stations.lookup import zone_codes
from broadcast.timeutil import fmt_local
from web.helpers import tz



def local_time(value: datetime | None, pattern: str = "%H:%M:%S") -> str:
    """Time in the station's zone."""
    return fmt_local(value, tz(), pattern)


def duration(seconds: float | None) -> str:
    """m:ss for a duration."""
    total = int(round(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


def slot_end(start: time, seconds: int) -> str:
    """HH:MM when a slot starting at `start` ends."""
    return f"{end_of(start, seconds):%H:%M}"


def weekday_names(days: str) -> str:
    """ISO weekday digits as the Vietnamese short names (T2 … CN); every day is "Hằng ngày"."""
    return short_days(days) or "Hằng ngày"


def decimal(value: float | None, digits: int = 1) -> str:
    """A number with the Vietnamese decimal comma and thousands dot (1.234,5)."""
    return vn_number(value or 0, digits)


def whole(value: float | None) -> str:
    """A number rounded to a whole one, with the Vietnamese thousands dot (1.200)."""
    return vn_number(round(value or 0))


def minutes(seconds: float | None, decimals: int = 1) -> str:
    """Seconds as minutes with the Vietnamese decimal comma."""
    return vn_minutes(seconds or 0, decimals)


def init_app(app) -> None:  # type: ignore[no-untyped-def]
    """Register the filters."""
    app.jinja_env.filters.update(
        local_time=local_time,
        local_datetime=lambda v: local_time(v, "%d/%m/%Y %H:%M"),
        local_date=lambda v: local_time(v, "%d/%m/%Y"),
        duration=duration,
        slot_end=slot_end,
        decimal=decimal,
        whole=whole,
        minutes=minutes,
        weekday_names=weekday_names,
        every_zone=lambda zones: zone_codes(zones) is None,
        status_label=status_label,
        type_label=item_type_label,
    )
