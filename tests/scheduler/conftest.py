"""Helpers for playout tests: short broadcasts on the demo station and an in-process player context."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from broadcast.db import transaction
from broadcast.models import AsRunEntry, Broadcast, BroadcastKind
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.playout.assembly import assemble_broadcast
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock

SHORT_TEXT = "Kính thưa bà con, đây là tin ngắn."


def make_broadcast(settings, factory, start: datetime, with_jingles: bool = True, slot_s: float = 120.0,
                   zone_ids: list[int] | None = None, title: str = "Bản tin thử") -> int:
    """A short assembled broadcast at an instant whose slot leaves room to resume late."""
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        broadcast = create_message_broadcast(session, settings, station, title, SHORT_TEXT, start,
                                             kind=BroadcastKind.ONE_OFF, zone_ids=zone_ids, with_jingles=with_jingles)
        broadcast.slot_end = start + timedelta(seconds=slot_s)
        assemble_broadcast(session, settings, station, broadcast)
        return broadcast.id


def rows_of(factory, broadcast_id: int) -> list[AsRunEntry]:
    """Log rows of one broadcast in log order."""
    with transaction(factory) as session:
        return list(session.scalars(select(AsRunEntry).where(AsRunEntry.broadcast_id == broadcast_id).order_by(AsRunEntry.seq)))


def get_broadcast(factory, broadcast_id: int) -> Broadcast:
    """A fresh copy of a broadcast row with its items."""
    with transaction(factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        list(broadcast.items)
        return broadcast


@pytest.fixture
def now() -> datetime:
    return SystemClock().now()


def sim_context(settings, factory, start: datetime, sinks=None):
    """An installed playout context on a simulated clock with a null sink (faster than real time)."""
    from audio.sinks import NullSink
    from scheduler import context
    from scheduler.clock import SimulatedClock, SimulatedScheduler

    clock = SimulatedClock(start)
    # No planning pass: the demo's daily programmes (05:30 and 17:00) stay off the air, so a test airs only what it made
    # whatever the time of day it runs at (a run at 17:00 once found its broadcast queued behind the demo's).
    ctx = context.PlayoutContext(settings, factory, clock=clock, sleep=clock.sleep, realtime=False,
                                 sinks_override=sinks if sinks is not None else [NullSink()], plan_until=start.date() - timedelta(days=1))
    ctx.scheduler = SimulatedScheduler(clock)
    context.install(ctx)
    return ctx


def with_filler(settings, factory) -> str:
    """Make sure the demo station has its filler; returns its path."""
    from broadcast.content.assets import ensure_filler

    with transaction(factory) as session:
        return ensure_filler(session, settings, get_station(session, settings.station)).path
