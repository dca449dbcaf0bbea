"""Module-level playout jobs (APScheduler keeps references by name); each opens its own session."""
# Nothing here is imported by the modules the jobs call: sync.py schedules air() by its text reference.

from __future__ import annotations

import logging

from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.models import Broadcast, LogStatus
from broadcast.planning.planner import zones_meet
from broadcast.playout import live as live_rules
from broadcast.playout import rules as playout
from broadcast.receivers import board as receiver_board, listeners, webhook
from broadcast.stations.lookup import get_station, station_tz, zone_mount
from scheduler import airing, context, sinks
from scheduler import live as live_talks
from scheduler import sync as syncing
from scheduler.context import OnAir

log = logging.getLogger("loaxa.playout")


def air(broadcast_id: int) -> None:
    """Play one broadcast at its planned time to its sinks and log every item as it ends; never twice."""
    ctx = context.current()
    with ctx.lock:
        if broadcast_id in ctx.on_air:
            return  # this process is airing it already
        with transaction(ctx.factory) as session:
            if not playout.claim(session, broadcast_id):
                return  # aired, cancelled or being aired: never restart or double a broadcast
            broadcast = session.get(Broadcast, broadcast_id)
            on_air = OnAir(broadcast_id, list(broadcast.zone_ids or []), emergency=airing.is_emergency(broadcast.kind))
        # A live talk holds its zones: a broadcast due meanwhile waits for it (as behind an emergency), then airs late.
        holder = next((o for o in ctx.on_air.values() if o.live and zones_meet(o.zone_ids, on_air.zone_ids)), None)
        if holder is not None and not on_air.emergency:
            on_air.cut_reason = live_rules.REASON_CUT
            on_air.interrupt.set()
            holder.victims.append(on_air)
        ctx.on_air[broadcast_id] = on_air
    try:
        airing.air_claimed(ctx, broadcast_id, on_air)
    except Exception as exc:  # noqa: BLE001 - a job must never leave a broadcast stuck "playing" silently
        log.exception("broadcast %s: playout failed", broadcast_id)
        reason = str(exc) if isinstance(exc, operator_errors()) else f"Lỗi trình phát ({type(exc).__name__}): hãy xem nhật ký hệ thống."
        try:
            with transaction(ctx.factory) as session:
                station = get_station(session, ctx.settings.station)
                broadcast = session.get(Broadcast, broadcast_id)
                playout.log_rest(session, station, broadcast, LogStatus.FAILED, reason)
                playout.finish(session, broadcast, None, reason)
        except Exception:  # noqa: BLE001
            log.exception("broadcast %s: could not log the failure", broadcast_id)
    finally:
        with ctx.lock:
            ctx.on_air.pop(broadcast_id, None)
            ctx.dropped_sinks.pop(broadcast_id, None)


def watch_emergencies() -> None:
    """Air pending emergency bulletins now, interrupting what is on air in their zones."""
    ctx = context.current()
    now = ctx.clock.now()
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        pending = [(b.id, list(b.zone_ids or [])) for b in playout.pending_emergencies(session, station, now)]
    for emergency_id, zones in pending:
        with ctx.lock:
            victims = [o for o in ctx.on_air.values() if not o.emergency and zones_meet(o.zone_ids, zones)]
        for victim in victims:
            victim.cut_reason, victim.cut_by_zones = playout.REASON_EMERGENCY, zones
            victim.interrupt.set()
        for victim in victims:
            victim.stopped.wait(timeout=2.0)
        try:
            air(emergency_id)
        finally:
            with ctx.lock:
                held = {id(v) for o in ctx.on_air.values() if o.live for v in o.victims}
            for victim in victims:
                if id(victim) not in held:  # a live talk that cut it too lets it resume when the talk ends
                    victim.resume.set()


def watch_live() -> None:
    """Put requested live talks on air (each in its own thread), cutting what airs on their zones."""
    live_talks.watch_live(context.current())


def sync() -> None:
    """Keep air jobs in step with the database: recover after a start, plan ahead, (re)schedule with stable ids."""
    syncing.sync(context.current())


def purge_airchecks() -> None:
    """Delete air-check recordings older than the retention setting (daily)."""
    ctx = context.current()
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        today = ctx.clock.now().astimezone(station_tz(station)).date()
        slug = station.slug
    removed = sinks.purge_airchecks(ctx.settings.aircheck_dir / slug, today, ctx.settings.aircheck_days)
    if removed:
        log.info("deleted %d day(s) of air-check recordings older than %d days", len(removed), ctx.settings.aircheck_days)


def watch_receivers() -> None:
    """Sweep the receivers (outages, alerts) with Icecast's listener list, and send new alerts to the webhook."""
    ctx = context.current()
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        if not receiver_board.has_receivers(session, station.id):
            return
        mounts = [zone_mount(station, z) for z in station.zones]
    # Icecast is asked outside the transaction: a slow server must not hold the database.
    access = listeners.admin_access(ctx.settings.icecast_url, ctx.settings.icecast_admin_user, ctx.settings.icecast_admin_password)
    counts = listeners.receivers_listening(access, mounts)
    with transaction(ctx.factory) as session:
        events = receiver_board.sweep(session, get_station(session, ctx.settings.station), ctx.clock.now(), counts)
    for event in events:
        log.warning("receiver alert %s: %s %s (%s)", "raised" if event.raised else "cleared", event.zone, event.kind, event.reason)
    if events and ctx.settings.receiver_webhook_url:
        webhook.send(ctx.settings.receiver_webhook_url, events)
