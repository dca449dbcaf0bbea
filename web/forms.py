"""Turning typed form text into values for the use cases, with Vietnamese field errors."""

from __future__ import annotations

import re
from datetime import date, time

from broadcast.errors import InvalidInput
from broadcast.timeutil import parse_local_date


def form_date(text: str | None, field: str, label: str = "Ngày", required: bool = False) -> date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); None when empty and optional."""
    text = (text or "").strip()
    if not text:
        if required:
            raise InvalidInput(f"{label} đang để trống: hãy nhập ngày dạng ngày/tháng/năm, ví dụ 15/11/2024.", field=field)
        return None
    try:
        return parse_local_date(text)
    except ValueError:
        raise InvalidInput(f"{label} «{text}» không đúng dạng: hãy nhập ngày/tháng/năm, ví dụ 15/11/2024.", field=field) from None


def form_dates(text: str | None, field: str) -> list[date]:
    """Several dates separated by commas, spaces or new lines."""
    return [form_date(part, field, "Ngày ngoại lệ") for part in re.split(r"[,;\s]+", text or "") if part]  # type: ignore[misc]


def form_time(text: str | None, field: str, label: str = "Giờ") -> time:
    """A time typed as HH:MM (also 5h30 or 5.30)."""
    match = re.match(r"^\s*(\d{1,2})\s*[:hH.]\s*(\d{2})\s*$", text or "")
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise InvalidInput(f"{label} «{(text or '').strip()}» không đúng dạng: hãy nhập giờ:phút theo 24 giờ, ví dụ 05:30.", field=field)
    return time(int(match.group(1)), int(match.group(2)))


def form_number(text: str | None, field: str, label: str, default: float | None = None) -> float:
    """A number typed with a dot or a Vietnamese decimal comma."""
    text = (text or "").strip().replace(",", ".")
    if not text and default is not None:
        return default
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(f"{label} «{text}» không phải là số: hãy nhập một số, ví dụ 10.", field=field) from None
