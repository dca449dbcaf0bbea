"""Jinja filters that show times and numbers the Vietnamese way."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from broadcast.timeutil import fmt_local
from web.helpers import tz

STATUS_LABELS = {
    "played": "Đã phát", "late": "Phát muộn", "interrupted": "Bị ngắt", "missed": "Bỏ lỡ", "failed": "Lỗi", "skipped": "Bỏ qua",
    "planned": "Đã lên lịch", "ready": "Sẵn sàng", "playing": "Đang phát", "done": "Đã phát xong", "cancelled": "Đã hủy",
    "draft": "Bản nháp", "approved": "Đã duyệt", "returned": "Trả lại", "archived": "Lưu trữ",
}
TYPE_LABELS = {"jingle": "Nhạc hiệu", "script": "Bài", "relay": "Tiếp sóng", "filler": "Nhạc nền", "emergency": "Khẩn cấp", "live": "Trực tiếp"}


def local_time(value: datetime | None, pattern: str = "%H:%M:%S") -> str:
    """Time in the station's zone."""
    return fmt_local(value, tz(), pattern)


def duration(seconds: float | None) -> str:
    """m:ss for a duration."""
    total = int(round(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


WEEKDAY_SHORT = {"1": "T2", "2": "T3", "3": "T4", "4": "T5", "5": "T6", "6": "T7", "7": "CN"}


def slot_end(start: time, seconds: int) -> str:
    """HH:MM when a slot starting at `start` ends."""
    return f"{(datetime.combine(date.min, start) + timedelta(seconds=seconds)).time():%H:%M}"


def weekday_names(days: str) -> str:
    """ISO weekday digits as the Vietnamese short names (T2 … CN); every day is "Hằng ngày"."""
    return "Hằng ngày" if set(days) >= set("1234567") else ", ".join(WEEKDAY_SHORT[d] for d in days if d in WEEKDAY_SHORT)


def decimal(value: float | None, digits: int = 1) -> str:
    """A number with the Vietnamese decimal comma (2,5)."""
    return f"{value or 0:.{digits}f}".replace(".", ",")


def init_app(app) -> None:  # type: ignore[no-untyped-def]
    """Register the filters."""
    app.jinja_env.filters.update(
        local_time=local_time,
        local_datetime=lambda v: local_time(v, "%d/%m/%Y %H:%M"),
        local_date=lambda v: local_time(v, "%d/%m/%Y"),
        duration=duration,
        slot_end=slot_end,
        decimal=decimal,
        weekday_names=weekday_names,
        status_label=lambda v: STATUS_LABELS.get(getattr(v, "value", v), v),
        type_label=lambda v: TYPE_LABELS.get(getattr(v, "value", v), v),
    )
