"""Builds and runs the playout scheduler (APScheduler 3.x) as one dedicated process per station."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from filelock import FileLock

from broadcast.stations.instance import hold_exclusive
from broadcast.timeutil import UTC
from scheduler import context, jobs

# Emergencies and live talks are looked for this often (the contract asks for at least every 0.5 s).
EMERGENCY_POLL_S = 0.25
# Receivers are swept this often (outages, alerts); a report interval is normally 60 s.
RECEIVERS_POLL_S = 2.0


def register_jobs(ctx: context.PlayoutContext, scheduler: Any) -> Any:
    """Install the context and add the standing jobs (sync, emergency watch, retention) to a scheduler."""
    context.install(ctx)
    ctx.scheduler = scheduler
    now = ctx.clock.now()
    common = {"coalesce": True, "replace_existing": True, "misfire_grace_time": None}
    scheduler.add_job(jobs.sync, "interval", seconds=ctx.settings.sync_interval_s, id="sync", next_run_time=now, **common)
    scheduler.add_job(jobs.watch_emergencies, "interval", seconds=EMERGENCY_POLL_S, id="emergencies", next_run_time=now, **common)
    scheduler.add_job(jobs.watch_live, "interval", seconds=EMERGENCY_POLL_S, id="live", next_run_time=now, **common)
    scheduler.add_job(jobs.purge_airchecks, "interval", hours=24, id="aircheck-retention", next_run_time=now, **common)
    scheduler.add_job(jobs.watch_receivers, "interval", seconds=RECEIVERS_POLL_S, id="receivers", next_run_time=now, **common)
    return scheduler


def build_scheduler(ctx: context.PlayoutContext, scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler in UTC whose jobs keep air jobs in step with the database; one instance per job id."""
    scheduler = scheduler_class(
        timezone=UTC,
        # Air jobs hold a thread for a whole broadcast; emergencies and syncs need threads of their own meanwhile.
        executors={"default": ThreadPoolExecutor(8)},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
    )
    return register_jobs(ctx, scheduler)


def single_instance_lock(data_dir: Path, station: str) -> FileLock:
    """Hold the station's playout lock, or refuse with a clear sentence if another player has it."""
    return hold_exclusive(data_dir, f"play-{station}",
                          f"Trình phát của đài {station} đang chạy ở một tiến trình khác: không chạy hai trình phát cho một đài.")


def run(ctx: context.PlayoutContext, lock: FileLock | None = None) -> None:
    """Run playout until interrupted, holding the station's single-instance lock (taken here unless given)."""
    logging.basicConfig(level=ctx.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # The emergency watch runs 4 times a second and is skipped while it airs one: not worth a warning each time,
    # nor two INFO lines each run (they buried the panel's address `loaxa serve` prints under 8 lines a second).
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    held = lock or single_instance_lock(ctx.settings.data_dir, ctx.settings.station)
    try:
        build_scheduler(ctx).start()
    finally:
        if lock is None:
            held.release()
