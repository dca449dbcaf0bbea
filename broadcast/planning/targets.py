"""The daily campaign need: seconds of campaign airtime one local day owes, however the office stated the target. Pure rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from broadcast.errors import InvalidInput
from broadcast.planning.windows import TimeWindow, on_day, weekdays_on

TARGET_KINDS = ("minutes_per_day", "plays_per_script_week", "share_of_slot")
# The kinds as the panel, the CLI and the operator guide name them (after the number: "10 phút mỗi ngày").
TARGET_LABELS = {"minutes_per_day": "phút mỗi ngày", "plays_per_script_week": "lượt mỗi bài mỗi tuần", "share_of_slot": "% thời lượng buổi phát"}


@dataclass(frozen=True)
class CampaignTarget:
    """A campaign's target as the office stated it, with the windows that decide its days off."""

    kind: str
    value: float
    windows: tuple[TimeWindow, ...] = ()


def validate_kind(kind: str) -> None:
    """Refuse a target kind the station does not know, naming the ones it does."""
    if kind not in TARGET_KINDS:
        raise InvalidInput(f"Kiểu chỉ tiêu {kind!r} không có: chọn một trong {', '.join(TARGET_KINDS)}.", field="target_kind")


def daily_need_s(target: CampaignTarget, day: date, slot_seconds: float = 0.0, script_seconds: Sequence[float] = ()) -> float:
    """Seconds of campaign airtime a local day of the campaign needs.

    slot_seconds: the seconds of that day's slots that carry the campaign (share targets);
    script_seconds: the length of each pool script (weekly play targets).
    """
    validate_kind(target.kind)
    if not on_day(target.windows, day):
        return 0.0  # no window on this weekday: the campaign is off today by design
    if target.kind == "minutes_per_day":
        return target.value * 60.0
    if target.kind == "plays_per_script_week":
        # Every pool script `value` times a week, spread evenly over the weekdays the windows leave on.
        return target.value * sum(script_seconds) / weekdays_on(target.windows)
    return slot_seconds * target.value / 100.0
