"""Pure planning rules: slot occurrences and fitting items into a slot (time is passed in)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Iterable, Sequence
from zoneinfo import ZoneInfo

from broadcast.timeutil import local_at


@dataclass(frozen=True)
class SlotRule:
    """The recurrence of a slot, in local wall-clock terms."""

    slot_id: int
    start_time: time
    duration_s: int
    weekdays: str = "1234567"
    valid_from: date | None = None
    valid_to: date | None = None
    exceptions: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Occurrence:
    """One airing of a slot, in UTC."""

    slot_id: int
    start: datetime
    end: datetime


def days(first: date, last: date) -> Iterable[date]:
    """Every local day from first to last inclusive."""
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def occurs_on(rule: SlotRule, day: date) -> bool:
    """Whether the slot airs on a local day."""
    if str(day.isoweekday()) not in rule.weekdays:
        return False
    if rule.valid_from and day < rule.valid_from:
        return False
    if rule.valid_to and day > rule.valid_to:
        return False
    return day not in rule.exceptions


def occurrences(rules: Sequence[SlotRule], first: date, last: date, tz: ZoneInfo) -> list[Occurrence]:
    """All occurrences of the rules between two local days, sorted by start."""
    found = []
    for day in days(first, last):
        for rule in rules:
            if occurs_on(rule, day):
                start = local_at(day, rule.start_time, tz)
                found.append(Occurrence(rule.slot_id, start, start + timedelta(seconds=rule.duration_s)))
    return sorted(found, key=lambda o: (o.start, o.slot_id))


@dataclass(frozen=True)
class Candidate:
    """Something that could go into a broadcast, with its real duration."""

    key: str
    duration_s: float
    reason: str = ""


@dataclass
class Fit:
    """The outcome of fitting candidates into a slot."""

    chosen: list[Candidate] = field(default_factory=list)
    left_out: list[Candidate] = field(default_factory=list)
    used_s: float = 0.0


def fit(candidates: Sequence[Candidate], capacity_s: float) -> Fit:
    """Take candidates in order while they fit; never overrun the capacity."""
    result = Fit()
    for candidate in candidates:
        if result.used_s + candidate.duration_s <= capacity_s + 1e-6:
            result.chosen.append(candidate)
            result.used_s += candidate.duration_s
        else:
            result.left_out.append(candidate)
    return result
