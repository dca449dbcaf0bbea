"""Builds and runs the playout scheduler (APScheduler 3.x) as one dedicated process per station."""

from __future__ import annotations

import logging
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from filelock import FileLock, Timeout

from broadcast.errors import Conflict
from broadcast.timeutil import UTC
from scheduler import context, jobs

_scheduler: BlockingScheduler | None = None


def scheduler_instance() -> BlockingScheduler:
    """The running scheduler (jobs reschedule through it)."""
    if _scheduler is None:
        raise RuntimeError("scheduler not built")
    return _scheduler


def build_scheduler(ctx: context.PlayoutContext) -> BlockingScheduler:
    """A scheduler in UTC whose sync job keeps air jobs in step with the database."""
    global _scheduler
    context.install(ctx)
    scheduler = BlockingScheduler(timezone=UTC, executors={"default": ThreadPoolExecutor(4)}, job_defaults={"max_instances": 1})
    scheduler.add_job(jobs.sync, "interval", seconds=ctx.settings.sync_interval_s, id="sync", next_run_time=ctx.clock.now(), coalesce=True, replace_existing=True)
    _scheduler = scheduler
    return scheduler


def single_instance_lock(data_dir: Path, station: str) -> FileLock:
    """Hold the station's playout lock, or refuse with a clear sentence if another player has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / f"play-{station}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise Conflict(f"Trình phát của đài {station} đang chạy ở một tiến trình khác: không chạy hai trình phát cho một đài.") from None
    return lock


def run(ctx: context.PlayoutContext) -> None:
    """Run playout until interrupted."""
    logging.basicConfig(level=ctx.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    lock = single_instance_lock(ctx.settings.data_dir, ctx.settings.station)
    try:
        build_scheduler(ctx).start()
    finally:
        lock.release()
