"""Virtual time for `loaxa simulate`: a clock whose sleep advances it, and a scheduler that runs jobs in its order."""

from __future__ import annotations

import heapq
import importlib
import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from broadcast.timeutil import require_aware


class SimulatedClock:
    """A clock that only moves when told to (sleep or advance_to)."""

    def __init__(self, start: datetime) -> None:
        """Start at an aware instant."""
        self._now = require_aware(start, "start")
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The virtual now."""
        with self._lock:
            return self._now

    def advance_to(self, instant: datetime) -> None:
        """Move forward to an instant (never backwards)."""
        with self._lock:
            self._now = max(self._now, instant)

    def jump_to(self, instant: datetime) -> None:
        """Set the clock to any instant, backwards too: a wall clock corrected by NTP or by hand."""
        with self._lock:
            self._now = require_aware(instant, "instant")

    def sleep(self, seconds: float) -> None:
        """Sleeping costs no real time: it moves virtual time on."""
        if seconds > 0:
            self.advance_to(self.now() + timedelta(seconds=seconds))


def resolve(reference: str) -> Callable[..., Any]:
    """The function a "package.module:name" text reference names, as APScheduler resolves one."""
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(order=True)
class _Entry:
    run_at: datetime
    order: int
    job_id: str = field(compare=False)


@dataclass
class SimJob:
    """A job as APScheduler would hold it: id, function, args, next run and optional interval."""

    id: str
    func: Callable[..., Any]
    args: tuple
    next_run_time: datetime
    interval: timedelta | None = None


class SimulatedScheduler:
    """The part of APScheduler's API playout uses (add_job/get_job/get_jobs/remove_job), run on a simulated clock."""

    def __init__(self, clock: SimulatedClock, min_interval_s: float = 0.0) -> None:
        """Jobs run one after the other in virtual time; interval jobs never run more often than min_interval_s."""
        self.clock = clock
        self.min_interval = timedelta(seconds=min_interval_s)
        self._jobs: dict[str, SimJob] = {}
        self._heap: list[_Entry] = []
        self._order = itertools.count()

    def add_job(self, func: Callable[..., Any] | str, trigger: str = "date", args: Any = (), id: str | None = None,
                replace_existing: bool = False, run_date: datetime | None = None, seconds: float | None = None,
                hours: float | None = None, next_run_time: datetime | None = None, **_: Any) -> SimJob:
        """Add (or with replace_existing, replace) a date or interval job; func may be a "module:name" text reference."""
        job_id = id or f"job-{next(self._order)}"
        if job_id in self._jobs and not replace_existing:
            raise ValueError(f"job {job_id} exists")
        interval = None
        if trigger == "interval":
            interval = max(timedelta(seconds=seconds or 0, hours=hours or 0), self.min_interval)
            first = next_run_time or self.clock.now() + interval
        else:
            first = run_date or self.clock.now()
        job = SimJob(job_id, resolve(func) if isinstance(func, str) else func, tuple(args), first, interval)
        self._jobs[job_id] = job
        heapq.heappush(self._heap, _Entry(first, next(self._order), job_id))
        return job

    def get_job(self, job_id: str) -> SimJob | None:
        """A pending job by id."""
        return self._jobs.get(job_id)

    def get_jobs(self) -> list[SimJob]:
        """All pending jobs."""
        return list(self._jobs.values())

    def remove_job(self, job_id: str) -> None:
        """Drop a pending job."""
        self._jobs.pop(job_id, None)

    def run_until(self, end: datetime) -> int:
        """Run due jobs in time order until the clock would pass end; returns how many ran."""
        ran = 0
        while self._heap:
            entry = heapq.heappop(self._heap)
            job = self._jobs.get(entry.job_id)
            if job is None or job.next_run_time != entry.run_at:
                continue  # removed or replaced since it was queued
            if entry.run_at >= end:
                heapq.heappush(self._heap, entry)
                break
            self.clock.advance_to(entry.run_at)
            if job.interval is None:
                del self._jobs[job.id]
            job.func(*job.args)
            ran += 1
            if job.interval is not None and self._jobs.get(job.id) is job:
                next_run = job.next_run_time + job.interval
                while next_run <= self.clock.now():  # coalesce runs missed while a broadcast played
                    next_run += job.interval
                job.next_run_time = next_run
                heapq.heappush(self._heap, _Entry(next_run, next(self._order), job.id))
        self.clock.advance_to(end)
        return ran
