"""Module-level playout jobs (APScheduler keeps references by name); each opens its own session."""

from __future__ import annotations

import logging
import os
import socket
import time as _time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from audio.player import Player
from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.models import Broadcast, BroadcastStatus, PlayerHeartbeat
from broadcast.playout import AirResult, due_broadcasts, log_broadcast
from broadcast.programmes import assemble_broadcast, plan_days
from broadcast.stations import get_station, station_tz
from scheduler import context
from scheduler.sinks import describe, sinks_for

log = logging.getLogger("loaxa.playout")
AIR_JOB_PREFIX = "air-"


def _sleep_until(target: datetime) -> None:
    """Sleep until an instant with millisecond precision (coarse sleep, then a short spin)."""
    ctx = context.current()
    if ctx.sleep is not None:  # simulated clock
        ctx.sleep(max(0.0, (target - ctx.clock.now()).total_seconds()))
        return
    while True:
        remaining = (target - ctx.clock.now()).total_seconds()
        if remaining <= 0:
            return
        _time.sleep(remaining - 0.003 if remaining > 0.01 else 0.0005)


def heartbeat(now_playing: int | None = None) -> None:
    """Record that the player is alive (and what it plays) for the panel and for crash recovery."""
    ctx = context.current()
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        beat = session.get(PlayerHeartbeat, station.id)
        now = ctx.clock.now()
        if beat is None:
            beat = PlayerHeartbeat(station_id=station.id, pid=os.getpid(), host=socket.gethostname(), started_at=now, beat_at=now)
            session.add(beat)
        beat.pid, beat.beat_at, beat.now_playing_id = os.getpid(), now, now_playing


def recover(now: datetime) -> None:
    """After a start: log broadcasts cut by a crash as interrupted and those whose time has passed as missed."""
    ctx = context.current()
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        beat = session.get(PlayerHeartbeat, station.id)
        playing = session.scalars(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.status == BroadcastStatus.PLAYING))
        for broadcast in playing:
            last_sign = beat.beat_at if beat else broadcast.started_at
            seconds = max(0.0, (last_sign - broadcast.started_at).total_seconds()) if broadcast.started_at else 0.0
            log_broadcast(session, station, broadcast, AirResult(broadcast.started_at, seconds, "", error="phát bị ngắt do trình phát dừng đột ngột"))
            log.warning("broadcast %s was cut after %.1f s by a crash: logged as interrupted", broadcast.id, seconds)
        grace = timedelta(seconds=ctx.settings.late_grace_s)
        for broadcast in due_broadcasts(session, station, now - timedelta(days=7), now):
            if now - broadcast.planned_start > grace or now >= broadcast.slot_end:
                log_broadcast(session, station, broadcast, AirResult(None, 0.0, "", error="quá giờ phát khi trình phát không chạy"))
                log.warning("broadcast %s missed its time: logged as missed", broadcast.id)


def sync() -> None:
    """Plan ahead, assemble what is due soon and (re)schedule air jobs with stable ids."""
    from scheduler.runner import scheduler_instance

    ctx = context.current()
    now = ctx.clock.now()
    if not ctx.recovered:
        recover(now)
        ctx.recovered = True
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        today = now.astimezone(station_tz(station)).date()
        plan_days(session, ctx.settings, station, today, today + timedelta(days=ctx.settings.plan_days_ahead), now)
    horizon = now + timedelta(seconds=max(ctx.settings.sync_interval_s * 3, 120))
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        grace = timedelta(seconds=ctx.settings.late_grace_s)
        for broadcast in due_broadcasts(session, station, now - grace, horizon):
            try:
                with session.begin_nested():
                    assemble_broadcast(session, ctx.settings, station, broadcast)
            except operator_errors() as exc:
                log.error("broadcast %s cannot be assembled: %s", broadcast.id, exc)
                continue
            run_at = max(now, broadcast.planned_start - timedelta(seconds=ctx.settings.preload_s))
            scheduler_instance().add_job(
                air, "date", run_date=run_at, args=[broadcast.id], id=f"{AIR_JOB_PREFIX}{broadcast.id}",
                replace_existing=True, misfire_grace_time=ctx.settings.late_grace_s, coalesce=True,
            )
    heartbeat()


def air(broadcast_id: int) -> None:
    """Play one broadcast at its planned time to its sinks and log every item."""
    ctx = context.current()
    with transaction(ctx.factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        if broadcast is None or broadcast.status not in (BroadcastStatus.PLANNED, BroadcastStatus.READY):
            return  # already aired, cancelled or being aired: never double a broadcast
        station = get_station(session, ctx.settings.station)
        if not broadcast.audio_path:
            assemble_broadcast(session, ctx.settings, station, broadcast)
        src, planned = broadcast.audio_path, broadcast.planned_start
        sinks = sinks_for(ctx.settings, station, broadcast)
    _sleep_until(planned)
    started = ctx.clock.now()
    late = (started - planned).total_seconds() > 1.0
    with transaction(ctx.factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        broadcast.status, broadcast.started_at = BroadcastStatus.PLAYING, started
    player = Player()
    try:
        player.start(Path(src), sinks)
    except operator_errors() as exc:
        _log_failure(broadcast_id, started, str(exc), describe(sinks))
        return
    heartbeat(broadcast_id)
    while True:
        try:
            result = player.wait(timeout=1.0)
            break
        except TimeoutError:
            heartbeat(broadcast_id)
    with transaction(ctx.factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        station = get_station(session, ctx.settings.station)
        log_broadcast(session, station, broadcast, AirResult(started, result.seconds_played, describe(sinks), late=late, error=result.error or ""))
    heartbeat(None)
    log.info("broadcast %s aired %.1f s", broadcast_id, result.seconds_played)


def _log_failure(broadcast_id: int, started: datetime, reason: str, sinks: str) -> None:
    """Log a broadcast that could not start at all (its items as failed, with the reason)."""
    ctx = context.current()
    with transaction(ctx.factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        station = get_station(session, ctx.settings.station)
        log_broadcast(session, station, broadcast, AirResult(started, 0.0, sinks, error=reason))
    log.error("broadcast %s failed to start: %s", broadcast_id, reason)
