"""Aware-datetime helpers: UTC inside, the station's zone at the edges."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

from broadcast.errors import InvalidInput

UTC = timezone.utc
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    """Anything that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Current time in UTC."""
        return datetime.now(UTC)


def require_aware(value: datetime, name: str = "datetime") -> datetime:
    """Refuse naive datetimes: they are how time-zone bugs get in."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value


def to_utc(value: datetime) -> datetime:
    """Convert an aware datetime to UTC."""
    return require_aware(value).astimezone(UTC)


def to_local(value: datetime, tz: ZoneInfo = VN_TZ) -> datetime:
    """Convert an aware datetime to the station's zone."""
    return require_aware(value).astimezone(tz)


def as_local(value: datetime | None, tz: ZoneInfo = VN_TZ) -> datetime | None:
    """A datetime given without an offset read as the station's wall clock (as its forms mean it); aware ones as they are."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=tz)


def local_at(day: date, at: time, tz: ZoneInfo = VN_TZ) -> datetime:
    """The UTC instant of a local wall-clock time on a local day."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


def local_day_bounds(day: date, tz: ZoneInfo = VN_TZ) -> tuple[datetime, datetime]:
    """UTC start (inclusive) and end (exclusive) of a local day."""
    start = local_at(day, time(0, 0), tz)
    return start, local_at(day + timedelta(days=1), time(0, 0), tz)


def check_day_order(first: date | None, last: date | None, field: str | None = None) -> None:
    """Refuse a range of days whose last day comes before its first (an open end is fine)."""
    if first is not None and last is not None and last < first:
        raise InvalidInput("Ngày kết thúc đứng trước ngày bắt đầu: hãy đổi lại thứ tự.", field=field)


def fmt_local(value: datetime | None, tz: ZoneInfo = VN_TZ, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """Vietnamese-style local display of an aware datetime; empty for None."""
    if value is None:
        return ""
    return to_local(value, tz).strftime(pattern)


def iso_local(value: datetime | None, tz: ZoneInfo = VN_TZ) -> str:
    """ISO 8601 with the local offset (as exports need); empty for None."""
    if value is None:
        return ""
    return to_local(value, tz).isoformat(timespec="seconds")


def parse_local_date(text: str) -> date:
    """Parse a date typed as YYYY-MM-DD or DD/MM/YYYY."""
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)
