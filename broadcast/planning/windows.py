"""Campaign time windows: when in the day (and week) a campaign's content may air. Pure rules, no database."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterable, Mapping, Sequence

from broadcast.errors import InvalidInput

ALL_DAYS = "1234567"
MAX_WINDOWS = 12
SHORT_NAMES = {"1": "T2", "2": "T3", "3": "T4", "4": "T5", "5": "T6", "6": "T7", "7": "CN"}
# Vietnamese short names: thứ Hai is T2 (ISO 1) … thứ Bảy T7 (ISO 6), Chủ nhật CN (ISO 7).
_NAMED = {"t2": 1, "t3": 2, "t4": 3, "t5": 4, "t6": 5, "t7": 6, "cn": 7}
_TIME = r"(\d{1,2})\s*[:hH.]\s*(\d{2})"
_SPAN = re.compile(rf"^\s*{_TIME}\s*[-–—]\s*{_TIME}\s*$")
_WEEKDAY_HELP = "thứ trong tuần ghi bằng số 1 (thứ Hai) đến 7 (Chủ nhật) hoặc T2…T7, CN, ví dụ 1-5 hoặc T2-T6"


def short_days(days: str) -> str:
    """ISO weekday digits as the Vietnamese short names, "T2, T3, …, CN" ('' for every day or none given)."""
    if not days or set(days) >= set(ALL_DAYS):
        return ""
    return ", ".join(SHORT_NAMES[d] for d in days if d in SHORT_NAMES)


@dataclass(frozen=True)
class TimeWindow:
    """A local time span [start, end) on some ISO weekdays (all days when weekdays is empty)."""

    start: time
    end: time
    weekdays: str = ""

    @property
    def days(self) -> str:
        """The ISO weekday digits the window applies on."""
        return self.weekdays or ALL_DAYS

    def label(self) -> str:
        """The window as an operator writes it, e.g. 05:30–06:00 (T2–T6)."""
        text = f"{self.start:%H:%M}–{self.end:%H:%M}"
        names = short_days(self.weekdays)
        return f"{text} ({names})" if names else text

    def as_json(self) -> dict[str, str]:
        """The stored form of the window."""
        return {"start": f"{self.start:%H:%M}", "end": f"{self.end:%H:%M}", "weekdays": self.weekdays}

    def meets(self, day: date, start_time: time, duration_s: float) -> bool:
        """Whether a slot airing on a local day from start_time for duration_s overlaps the window."""
        if str(day.isoweekday()) not in self.days:
            return False
        s = datetime.combine(day, start_time)
        e = s + timedelta(seconds=duration_s)
        return s < datetime.combine(day, self.end) and datetime.combine(day, self.start) < e


def parse_weekdays(text: str | Iterable[int] | None, field: str = "weekdays") -> str:
    """ISO weekday digits from '1-5', '12345', '1,3,5', 'T2-T6' or 'CN' ('' when nothing is given = every day)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        text = ",".join(str(v) for v in text)
    text = text.strip().lower().replace("–", "-")
    if not text:
        return ""
    chosen: set[int] = set()
    for part in re.split(r"[,;\s]+", text):
        if not part:
            continue
        ends = part.split("-")
        if len(ends) == 1 and part.isdigit():  # "12345" as the slots write it
            numbers = [int(c) for c in part]
        elif len(ends) == 2:
            lo, hi = (_day_number(e) for e in ends)
            if lo is None or hi is None or hi < lo:
                raise InvalidInput(f"Các ngày «{part}» không đúng: {_WEEKDAY_HELP}.", field=field)
            numbers = list(range(lo, hi + 1))
        else:
            numbers = [_day_number(part)]  # type: ignore[list-item]
        if any(n is None or not 1 <= n <= 7 for n in numbers):
            raise InvalidInput(f"Các ngày «{part}» không đúng: {_WEEKDAY_HELP}.", field=field)
        chosen.update(numbers)
    days = "".join(str(n) for n in sorted(chosen))
    return "" if days == ALL_DAYS else days


def _day_number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit() and len(text) == 1:
        return int(text)
    return _NAMED.get(text)


def _time(hours: str, minutes: str, text: str, field: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(23, 59, 59)  # "… –24:00" means to the end of the day
    if h > 23 or m > 59:
        raise InvalidInput(f"Khung giờ «{text.strip()}» có giờ không đúng: hãy ghi giờ:phút theo 24 giờ, ví dụ 05:30-06:00.", field=field)
    return time(h, m)


def parse_window(value: TimeWindow | str | Mapping[str, Any], weekdays: str | None = None, field: str = "windows") -> TimeWindow:
    """A window from 'HH:MM-HH:MM' (and weekdays) or its stored dict; refused when it ends before it starts."""
    if isinstance(value, TimeWindow):
        window = value
    elif isinstance(value, Mapping):
        window = parse_window(f"{value.get('start', '')}-{value.get('end', '')}", value.get("weekdays") or "", field)
    else:
        match = _SPAN.match(str(value or ""))
        if not match:
            raise InvalidInput(f"Khung giờ «{str(value or '').strip()}» không đúng dạng: hãy ghi giờ bắt đầu-giờ kết thúc, ví dụ 05:30-06:00.", field=field)
        window = TimeWindow(_time(match[1], match[2], str(value), field), _time(match[3], match[4], str(value), field), parse_weekdays(weekdays, field))
    if window.end <= window.start:
        raise InvalidInput(f"Khung giờ {window.start:%H:%M}–{window.end:%H:%M} kết thúc trước hoặc đúng lúc bắt đầu: "
                           "hãy sửa giờ (khung giờ qua nửa đêm thì chia làm hai khung).", field=field)
    return window


def validate_windows(windows: Sequence[TimeWindow | str | Mapping[str, Any]], field: str = "windows") -> list[TimeWindow]:
    """Parsed windows sorted by start; refused when two share a weekday and overlap in time."""
    parsed = sorted((parse_window(w, field=field) for w in windows), key=lambda w: (w.start, w.end, w.weekdays))
    if len(parsed) > MAX_WINDOWS:
        raise InvalidInput(f"Một chiến dịch có nhiều nhất {MAX_WINDOWS} khung giờ: hãy gộp bớt.", field=field)
    for n, a in enumerate(parsed):
        for b in parsed[n + 1:]:
            if set(a.days) & set(b.days) and a.start < b.end and b.start < a.end:
                raise InvalidInput(f"Khung giờ {a.label()} chồng lên khung giờ {b.label()}: hãy gộp hai khung hoặc sửa giờ cho khỏi chồng nhau.", field=field)
    return parsed


def load_windows(stored: Sequence[Mapping[str, Any]] | None) -> tuple[TimeWindow, ...]:
    """Windows from the stored JSON list (already validated when saved)."""
    return tuple(parse_window(w) for w in stored or ())


def allows(windows: Sequence[TimeWindow], day: date, start_time: time, duration_s: float) -> TimeWindow | None:
    """The first window that lets a slot airing carry the campaign; None when none does (no windows: any slot, returned as None too)."""
    return next((w for w in windows if w.meets(day, start_time, duration_s)), None)


def eligible(windows: Sequence[TimeWindow], day: date, start_time: time, duration_s: float) -> bool:
    """Whether a slot airing may carry the campaign (always, when the campaign has no windows)."""
    return not windows or allows(windows, day, start_time, duration_s) is not None


def on_day(windows: Sequence[TimeWindow], day: date) -> bool:
    """Whether any window applies on the local day's weekday (always, without windows)."""
    return not windows or any(str(day.isoweekday()) in w.days for w in windows)


def weekdays_on(windows: Sequence[TimeWindow]) -> int:
    """How many weekdays the windows cover (7 without windows)."""
    return len(set("".join(w.days for w in windows))) if windows else 7


def describe(windows: Sequence[TimeWindow]) -> str:
    """All windows as one line, or the no-window rule."""
    return ", ".join(w.label() for w in windows) if windows else "mọi buổi phát"
