"""Plans -> jobs: recover after a start, keep days planned, and give every due broadcast one air job with a stable id."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.models import PlayerHeartbeat
from broadcast.planning.programmes import assemble_broadcast, plan_days
from broadcast.playout import rules as playout
from broadcast.stations.lookup import get_station, station_tz
from scheduler import airing
from scheduler.context import PlayoutContext

log = logging.getLogger("loaxa.playout")
# Air jobs name their function by text reference (APScheduler resolves it), so this module need not
# import scheduler.jobs, whose sync job calls this module.
AIR_JOB = "scheduler.jobs:air"
AIR_JOB_PREFIX = "air-"


def air_job_id(broadcast_id: int) -> str:
    """The stable job id of a broadcast: re-syncing replaces it instead of adding a second one."""
    return f"{AIR_JOB_PREFIX}{broadcast_id}"


def _horizon(ctx: PlayoutContext, now: datetime) -> datetime:
    """Air jobs exist for broadcasts starting before this instant (well beyond the next sync)."""
    return now + timedelta(seconds=max(ctx.settings.sync_interval_s * 3, 120, ctx.settings.preload_s * 3))


def _recover(ctx: PlayoutContext, now: datetime) -> None:
    """Log what a crash cut (interrupted) or what passed while the player was down (missed); resume the rest."""
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        beat = None if ctx.simulated else session.get(PlayerHeartbeat, station.id)
        found = playout.recover(session, station, now, ctx.settings.late_grace_s, beat.beat_at if beat else None)
    for broadcast_id in found.interrupted:
        log.warning("broadcast %s was cut by a crash: logged as interrupted", broadcast_id)
    for broadcast_id in found.missed:
        log.warning("broadcast %s could not air in time: logged as missed", broadcast_id)
    for broadcast_id in found.resume:
        log.warning("broadcast %s resumes late within its slot", broadcast_id)
        ctx.scheduler.add_job(AIR_JOB, "date", run_date=now, args=[broadcast_id], id=air_job_id(broadcast_id),
                              replace_existing=True, misfire_grace_time=None)


def _plan(ctx: PlayoutContext, now: datetime) -> None:
    """Keep the next days planned."""
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        today = now.astimezone(station_tz(station)).date()
        if ctx.planned_at is not None and now - ctx.planned_at < ctx.replan_every and ctx.planned_at.astimezone(station_tz(station)).date() == today:
            return
        last = today + timedelta(days=ctx.settings.plan_days_ahead)
        if ctx.plan_until is not None:
            last = min(last, ctx.plan_until)
        if last >= today:
            plan_days(session, ctx.settings, station, today, last, now)
    ctx.planned_at = now


def sync(ctx: PlayoutContext) -> None:
    """One synchronisation pass."""
    now = ctx.clock.now()
    if not ctx.recovered:
        _recover(ctx, now)
        ctx.recovered = True
    try:
        _plan(ctx, now)
    except operator_errors() as exc:
        log.error("planning failed: %s", exc)
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        for broadcast_id in playout.mark_missed(session, station, now, ctx.settings.late_grace_s):
            log.warning("broadcast %s could not air in time: logged as missed", broadcast_id)
    wanted: dict[str, datetime] = {}
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        for broadcast in playout.airable(session, station, now, _horizon(ctx, now), ctx.settings.late_grace_s):
            try:
                with session.begin_nested():
                    assemble_broadcast(session, ctx.settings, station, broadcast)
            except operator_errors() as exc:
                # It still gets its air job: at air time the filler covers it and the log says why.
                log.error("broadcast %s cannot be assembled: %s", broadcast.id, exc)
            wanted[air_job_id(broadcast.id)] = max(now, broadcast.planned_start - timedelta(seconds=ctx.settings.preload_s))
    for job in ctx.scheduler.get_jobs():
        if job.id.startswith(AIR_JOB_PREFIX) and job.id not in wanted:
            ctx.scheduler.remove_job(job.id)  # cancelled or moved away: its plan changed
    for job_id, run_at in wanted.items():
        existing = ctx.scheduler.get_job(job_id)
        if existing is not None and existing.next_run_time == run_at:
            continue
        ctx.scheduler.add_job(AIR_JOB, "date", run_date=run_at, args=[int(job_id[len(AIR_JOB_PREFIX):])], id=job_id,
                              replace_existing=True, misfire_grace_time=None)
    if not ctx.filler_ready:
        _ensure_filler(ctx)  # after the air jobs: generating it must not delay a broadcast that is due
    airing.idle_heartbeat(ctx)


def _ensure_filler(ctx: PlayoutContext) -> None:
    """Make sure the station has a filler to cover dead air."""
    try:
        with transaction(ctx.factory) as session:
            playout.ensure_filler(session, ctx.settings, get_station(session, ctx.settings.station))
        ctx.filler_ready = True
    except operator_errors() as exc:
        log.error("no station filler: dead air cannot be covered (%s)", exc)
