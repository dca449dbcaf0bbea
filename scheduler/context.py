"""The playout process's collaborators, set once by the composition root (jobs look them up by id)."""

from __future__ import annotations

import statistics
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

from sqlalchemy.orm import Session, sessionmaker

from broadcast.config import Settings
from broadcast.timeutil import Clock, SystemClock


class StartLead:
    """How long before the planned instant to release armed audio: the median of recent release-to-first-audio latencies."""

    def __init__(self, initial_s: float = 0.01, keep: int = 15) -> None:
        """Start from a typical latency until real ones are measured."""
        self._seen: deque[float] = deque([initial_s], maxlen=keep)
        self._lock = threading.Lock()

    def add(self, latency_s: float | None) -> None:
        """Learn from one measured latency (outliers above 0.5 s are ignored)."""
        if latency_s is not None and 0 < latency_s < 0.5:
            with self._lock:
                self._seen.append(latency_s)

    @property
    def seconds(self) -> float:
        """The lead to use now."""
        with self._lock:
            return statistics.median(self._seen)


@dataclass
class OnAir:
    """A broadcast being aired by this process: its zones and the signals an emergency uses."""

    broadcast_id: int
    zone_ids: list[int]
    emergency: bool = False
    live: bool = False
    # Why whoever set interrupt cut it (logged on the cut item), and the zones of an emergency cutting a live talk.
    cut_reason: str = ""
    cut_by_zones: list[int] | None = None
    # What a live talk has cut and must let resume when it ends.
    victims: list["OnAir"] = field(default_factory=list)
    interrupt: threading.Event = field(default_factory=threading.Event)
    stopped: threading.Event = field(default_factory=threading.Event)
    resume: threading.Event = field(default_factory=threading.Event)


@dataclass
class PlayoutContext:
    """Settings, database, clock, scheduler and sinks of the running (or simulated) player."""

    settings: Settings
    factory: sessionmaker[Session]
    clock: Clock = field(default_factory=SystemClock)
    # Simulation: a sleep that advances virtual time, faster-than-real-time play and a forced sink.
    sleep: Callable[[float], None] | None = None
    realtime: bool = True
    sinks_override: list[Any] | None = None
    plan_until: date | None = None
    scheduler: Any = None
    recovered: bool = False
    filler_ready: bool = False
    planned_at: datetime | None = None
    # Planning rebuilds every future broadcast, so the player refreshes it hourly (and at each new day),
    # not at every sync; the panel plans on its own when an operator changes something.
    replan_every: timedelta = timedelta(hours=1)
    lead: StartLead = field(default_factory=StartLead)
    on_air: dict[int, OnAir] = field(default_factory=dict)
    # Outputs that failed during a broadcast (by sinks.describe name) and why: later stretches skip them.
    dropped_sinks: dict[int, dict[str, str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def simulated(self) -> bool:
        """Whether time is virtual (loaxa simulate)."""
        return self.sleep is not None


_current: PlayoutContext | None = None


def install(context: PlayoutContext) -> None:
    """Make the context visible to job functions."""
    global _current
    _current = context


def current() -> PlayoutContext:
    """The installed context; jobs cannot run without one."""
    if _current is None:
        raise RuntimeError("playout context not installed; build the scheduler with scheduler.runner.build_scheduler")
    return _current
