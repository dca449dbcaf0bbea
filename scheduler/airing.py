"""Airing one claimed broadcast: wait precisely, play its segments, log each item as it ends, yield to emergencies."""

from __future__ import annotations

import dataclasses
import logging
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from audio.player import Player, PlayResult
from audio.sinks import IcecastSink, NullSink, redact
from broadcast.content.assets import filler_asset
from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.models import Broadcast, BroadcastKind, BroadcastStatus, LogStatus, PlayerHeartbeat
from broadcast.playout import rules as playout
from broadcast.playout.assembly import assemble_broadcast
from broadcast.playout.rules import Airing, Segment
from broadcast.stations.lookup import get_station
from scheduler import sinks as sinks_mod
from scheduler.context import OnAir, PlayoutContext

log = logging.getLogger("loaxa.playout")

POLL_S = 0.1  # how often the air loop looks at progress and at the emergency flag
PERSIST_EVERY_S = 0.5  # progress (seconds aired) reaches the database at least this often
FIRST_AUDIO_TIMEOUT_S = 5.0
STALL_S = 8.0  # ffmpeg alive but no audio progress this long: it is stuck, and the air is silent
REASON_STALLED = "Trình phát bị treo (không ra tiếng quá {:.0f} giây): đã dừng nó và phát tiếp phần sau."
# ffmpeg is spawned this long before the planned instant (it takes 50-150 ms to start, more under load)
# and then waits on a pipe; the audio is released on the instant minus the learned pipe-to-output latency.
ARM_AHEAD_S = 0.6
_EPS = 1e-3


@dataclass
class Prepared:
    """What the air loop needs, read in one transaction before the planned time."""

    broadcast_id: int
    planned_start: datetime
    slot_end: datetime
    segments: list[Segment]
    total_s: float
    logged_s: float
    emergency_resume: bool
    filler_path: str
    problem: str = ""


@dataclass
class Stretch:
    """How one ffmpeg run ended."""

    end_s: float
    error: str = ""
    interrupted: bool = False
    retry: bool = False  # an output failed: play on from end_s without it


def heartbeat(ctx: PlayoutContext, now_playing: int | None = None, position_s: float | None = None) -> None:
    """Record that the player is alive, what it plays and how far (crash recovery reads this)."""
    import os
    import socket

    with transaction(ctx.factory) as session:
        if now_playing is not None and position_s is not None:
            broadcast = session.get(Broadcast, now_playing)
            if broadcast is not None:
                broadcast.seconds_aired = max(broadcast.seconds_aired or 0.0, position_s)
        if ctx.simulated:
            return  # a simulation must not pretend that a real player is alive
        station = get_station(session, ctx.settings.station)
        now = ctx.clock.now()
        beat = session.get(PlayerHeartbeat, station.id)
        if beat is None:
            beat = PlayerHeartbeat(station_id=station.id, pid=os.getpid(), host=socket.gethostname(), started_at=now, beat_at=now)
            session.add(beat)
        beat.pid, beat.beat_at, beat.now_playing_id = os.getpid(), now, now_playing


def idle_heartbeat(ctx: PlayoutContext) -> None:
    """A sign of life when nothing is on air (while a broadcast airs, its playout beats with the position)."""
    with ctx.lock:
        playing = next(iter(ctx.on_air), None)
    if playing is None:
        heartbeat(ctx, None)


def _wait_until(ctx: PlayoutContext, target: datetime, on_air: OnAir) -> None:
    """Sleep until an instant with millisecond precision (coarse sleeps, then a short spin); an emergency wakes it."""
    if ctx.sleep is not None:
        ctx.sleep(max(0.0, (target - ctx.clock.now()).total_seconds()))
        return
    while not on_air.interrupt.is_set():
        remaining = (target - ctx.clock.now()).total_seconds()
        if remaining <= 0:
            return
        if remaining > 0.2:
            _time.sleep(min(POLL_S, remaining - 0.1))
        elif remaining > 0.004:
            _time.sleep(remaining - 0.003)
        # the last few ms are spun: sleep() overshoots by up to a millisecond or two


def _prepare(ctx: PlayoutContext, broadcast_id: int) -> Prepared:
    """Read the programme; re-assemble a missing file from its items while there is still time."""
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        broadcast = session.get(Broadcast, broadcast_id)
        problem = ""
        files_missing = any(seg.get("kind") == "file" and not Path(seg.get("path", "")).is_file() for seg in broadcast.segments or [])
        if files_missing or (not broadcast.segments and (not broadcast.audio_path or not Path(broadcast.audio_path).is_file())):
            try:
                with session.begin_nested():
                    assemble_broadcast(session, ctx.settings, station, broadcast)
            except operator_errors() as exc:
                problem = str(exc)
            except OSError as exc:
                problem = f"Không ghép được âm thanh của buổi phát ({exc.strerror}): hãy tạo lại âm thanh các bài."
            broadcast.status = BroadcastStatus.PLAYING  # assembly marks it ready; it is ours now
        filler = filler_asset(session, station)
        return Prepared(
            broadcast.id, broadcast.planned_start, broadcast.slot_end, playout.segments_of(broadcast),
            playout.programme_length(broadcast), broadcast.logged_s, bool(station.emergency_resume),
            filler.path if filler else "", problem,
        )


def _sinks(ctx: PlayoutContext, broadcast_id: int, from_s: float) -> list:
    if ctx.sinks_override is not None:
        sinks = list(ctx.sinks_override)
    else:
        with transaction(ctx.factory) as session:
            station = get_station(session, ctx.settings.station)
            sinks = sinks_mod.sinks_for(session, ctx.settings, station, session.get(Broadcast, broadcast_id), from_s)
    dropped = ctx.dropped_sinks.get(broadcast_id, {})
    kept = [s for s in sinks if sinks_mod.describe([s]) not in dropped]
    return kept or ([NullSink()] if sinks else [])


def _drop_failed_sink(ctx: PlayoutContext, broadcast_id: int, sinks: list, result: PlayResult) -> bool:
    """Remember the output ffmpeg blamed (and every mount of the same Icecast server) so playout goes on without it."""
    if result.failed_sink is None or result.stopped:
        return False
    blamed = sinks[result.failed_sink]
    if isinstance(blamed, NullSink):
        return False
    dropped = ctx.dropped_sinks.setdefault(broadcast_id, {})
    server = urlsplit(blamed.url).netloc if isinstance(blamed, IcecastSink) else None
    for sink in sinks:
        if sink is blamed or (server and isinstance(sink, IcecastSink) and urlsplit(sink.url).netloc == server):
            dropped[sinks_mod.describe([sink])] = result.sink_error
    log.error("broadcast %s: %s (playout goes on without this output)", broadcast_id, redact(result.sink_error))
    return True


def _note(ctx: PlayoutContext, broadcast_id: int) -> str:
    """Why outputs were dropped during a broadcast, for its log rows."""
    return " ".join(dict.fromkeys(ctx.dropped_sinks.get(broadcast_id, {}).values()))[:2000]


def _with_broadcast(ctx: PlayoutContext, broadcast_id: int, action) -> None:  # type: ignore[no-untyped-def]
    """Run a log rule on the broadcast in its own transaction (a crash loses nothing already written)."""
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        action(session, station, session.get(Broadcast, broadcast_id))


def _start(ctx: PlayoutContext, player: Player, source: str, sinks: list, start_in_source: float, limit: float,
           loop: bool = False) -> tuple[datetime, float | None]:
    """Spawn ffmpeg and return when its first audio went out (wall clock) and the monotonic instant of that."""
    wall = ctx.clock.now()
    spawned = player.start(source, sinks, start_at_s=start_in_source, realtime=ctx.realtime, duration_s=limit, loop=loop)
    if not ctx.realtime:
        return wall, None
    first = player.wait_first_audio(FIRST_AUDIO_TIMEOUT_S)
    if first is None:
        return wall, None
    return wall + timedelta(seconds=first - spawned), first


def _follow(ctx: PlayoutContext, player: Player, on_air: OnAir, on_progress) -> tuple[PlayResult, bool]:  # type: ignore[no-untyped-def]
    """Wait for the player, reporting progress; stop it at once when an emergency needs the air."""
    if not ctx.realtime:
        return player.wait(), False
    last_persist = 0.0
    last_position, moved_at = player.position(), _time.monotonic()
    while True:
        try:
            return player.wait(timeout=POLL_S), False
        except TimeoutError:
            pass
        if on_air.interrupt.is_set():
            result = player.stop(grace_s=1.0)
            on_air.stopped.set()  # the air is free: the emergency need not wait for the log rows
            return result, True
        now = _time.monotonic()
        if player.position() != last_position:
            last_position, moved_at = player.position(), now
        elif now - moved_at >= STALL_S:
            # A hung output or an input that stopped feeding would otherwise hold the air silent for ever.
            log.error("playout stalled at %.1f s for %.0f s: stopping ffmpeg", last_position, STALL_S)
            result = player.stop(grace_s=1.0)
            return dataclasses.replace(result, error=REASON_STALLED.format(STALL_S)), False
        if now - last_persist >= PERSIST_EVERY_S:
            on_progress(player.position())
            last_persist = now


def _start_armed(ctx: PlayoutContext, player: Player, on_air: OnAir, source: str, sinks: list, start_in_source: float,
                 limit: float, target: datetime) -> tuple[datetime, float | None] | None:
    """Spawn ffmpeg just before the planned instant and release the audio exactly on it; None if an emergency came first."""
    _wait_until(ctx, target - timedelta(seconds=ARM_AHEAD_S), on_air)
    if on_air.interrupt.is_set():
        return None
    player.arm(Path(source), sinks, start_in_source, limit)
    _wait_until(ctx, target - timedelta(seconds=ctx.lead.seconds), on_air)
    if on_air.interrupt.is_set():
        player.stop(grace_s=1.0)
        return None
    wall = ctx.clock.now()
    released = player.go()
    first = player.wait_first_audio(FIRST_AUDIO_TIMEOUT_S)
    if first is None:
        return wall, None
    ctx.lead.add(player.start_latency())
    return wall + timedelta(seconds=first - released), first


def _play_segment(ctx: PlayoutContext, prep: Prepared, on_air: OnAir, segment: Segment, position: float,
                  limit: float, target: datetime | None) -> Stretch:
    """One ffmpeg run of a file or relay segment from a programme position; logs items as they end."""
    sinks = _sinks(ctx, prep.broadcast_id, position)
    described = sinks_mod.describe(sinks)
    player = Player(ctx.settings.tools)
    start_in = 0.0 if segment.kind == "relay" else position - segment.offset_s
    try:
        if target is not None and ctx.realtime and segment.kind == "file" and target > ctx.clock.now():
            started = _start_armed(ctx, player, on_air, segment.source, sinks, start_in, limit, target)
            if started is None:
                return Stretch(position, interrupted=True)
            actual_start, first_mono = started
        else:
            if target is not None:
                _wait_until(ctx, target, on_air)  # simulated clock, or a relay: no pre-spawn possible
                if on_air.interrupt.is_set():
                    return Stretch(position, interrupted=True)
            actual_start, first_mono = _start(ctx, player, segment.source, sinks, start_in, limit)
    except operator_errors() as exc:
        return Stretch(position, error=str(exc))
    offset_ms = None
    if target is not None and first_mono is not None:
        offset_ms = (actual_start - target).total_seconds() * 1000.0
    with transaction(ctx.factory) as session:
        broadcast = session.get(Broadcast, prep.broadcast_id)
        airing = Airing(position, actual_start, described, playout.is_late(broadcast, position, actual_start), offset_ms,
                        _note(ctx, prep.broadcast_id))
        if broadcast.started_at is None:
            broadcast.started_at = actual_start

    def progress(played: float) -> None:
        pos = position + played
        _with_broadcast(ctx, prep.broadcast_id, lambda s, st, b: playout.log_through(s, st, b, airing, pos))
        heartbeat(ctx, prep.broadcast_id, pos)

    result, interrupted = _follow(ctx, player, on_air, progress)
    aired = min(result.seconds_played, limit)
    retry = False
    if not interrupted and _drop_failed_sink(ctx, prep.broadcast_id, sinks, result):
        airing = dataclasses.replace(airing, note=_note(ctx, prep.broadcast_id))
        if result.error:
            # One output failed (Icecast down, air-check disk full): the others must not go silent with it.
            retry = True
            result = dataclasses.replace(result, error=None)
    completed = not interrupted and not result.error and not retry and aired >= limit - playout.PLAYED_TOLERANCE_S
    end = position + (limit if completed else aired)
    error = ""
    if result.error and not interrupted:
        error = result.error if segment.kind != "relay" else (
            f"Không nhận được luồng tiếp sóng {segment.source}: đã phát nhạc nền thay thế; hãy kiểm tra nguồn tiếp sóng.")

    def settle(session, station, broadcast) -> None:  # type: ignore[no-untyped-def]
        playout.log_through(session, station, broadcast, airing, end)
        if interrupted:
            playout.log_cut(session, station, broadcast, airing, end, on_air.cut_reason or playout.REASON_EMERGENCY)
        elif error and aired > 0:
            playout.log_cut(session, station, broadcast, airing, end, error)
        elif not error and not retry and end < segment.end_s - playout.PLAYED_TOLERANCE_S:
            # The slot ended first: never bleed into the next programme.
            playout.log_cut(session, station, broadcast, airing, end, playout.REASON_SLOT_OVER)
        broadcast.seconds_aired = max(broadcast.seconds_aired or 0.0, end)
        broadcast.ended_at = airing.at(end)

    _with_broadcast(ctx, prep.broadcast_id, settle)
    if ctx.simulated:
        ctx.clock.advance_to(airing.at(end))  # type: ignore[attr-defined]
    return Stretch(end, error, interrupted, retry)


def _play_filler(ctx: PlayoutContext, prep: Prepared, on_air: OnAir, begin_s: float, seconds: float, reason: str) -> bool:
    """Cover a gap with the station filler (looped) and log it; returns whether an emergency cut it."""
    if seconds <= 0.05:
        return False
    if not prep.filler_path or not Path(prep.filler_path).is_file():
        log.error("broadcast %s: no filler to cover %.1f s of dead air", prep.broadcast_id, seconds)
        return False
    sinks = _sinks(ctx, prep.broadcast_id, begin_s)
    player = Player(ctx.settings.tools)
    try:
        actual_start, _ = _start(ctx, player, prep.filler_path, sinks, 0.0, seconds, loop=True)
    except operator_errors() as exc:
        log.error("broadcast %s: filler could not play: %s", prep.broadcast_id, exc)
        return False
    airing = Airing(begin_s, actual_start, sinks_mod.describe(sinks), late=False)
    result, interrupted = _follow(ctx, player, on_air, lambda played: heartbeat(ctx, prep.broadcast_id, None))
    aired = min(result.seconds_played, seconds)

    def settle(session, station, broadcast) -> None:  # type: ignore[no-untyped-def]
        playout.log_filler(session, station, broadcast, filler_asset(session, station), airing, begin_s, aired, reason)
        broadcast.ended_at = airing.at(begin_s + aired)

    _with_broadcast(ctx, prep.broadcast_id, settle)
    if ctx.simulated:
        ctx.clock.advance_to(airing.at(begin_s + aired))  # type: ignore[attr-defined]
    return interrupted


def _yield_to_emergency(ctx: PlayoutContext, prep: Prepared, on_air: OnAir) -> bool:
    """Tell the emergency the air is free, wait for it to end; returns whether to carry on."""
    on_air.stopped.set()
    heartbeat(ctx, None)
    on_air.resume.wait(timeout=max(1.0, (prep.slot_end - ctx.clock.now()).total_seconds()))
    on_air.interrupt.clear()
    on_air.stopped.clear()
    on_air.resume.clear()
    return prep.emergency_resume


def air_claimed(ctx: PlayoutContext, broadcast_id: int, on_air: OnAir) -> None:
    """Air a broadcast this process has claimed, from its logged position to the end of its programme."""
    prep = _prepare(ctx, broadcast_id)
    position = prep.logged_s
    first = True
    end_note = ""
    while position < prep.total_s - _EPS:
        segment = playout.segment_at(prep.segments, position)
        target = prep.planned_start + timedelta(seconds=position) if first else None
        starts = max(target, ctx.clock.now()) if target is not None else ctx.clock.now()
        slot_left = (prep.slot_end - starts).total_seconds()
        if slot_left <= 0.05:
            end_note = playout.REASON_SLOT_OVER
            _with_broadcast(ctx, broadcast_id, lambda s, st, b: playout.log_rest(s, st, b, LogStatus.SKIPPED, playout.REASON_SLOT_OVER))
            break
        if segment is None or prep.problem or (segment.kind == "file" and not Path(segment.source).is_file()):
            # Dead air is never an option: the filler covers what cannot play, and the log says why.
            seg_end = segment.end_s if segment is not None else prep.total_s
            reason = prep.problem or f"Không tìm thấy tệp âm thanh '{Path(segment.source).name if segment else ''}' lúc phát: đã phát nhạc nền thay thế; hãy tạo lại âm thanh."
            if target is not None:
                _wait_until(ctx, target, on_air)
            _with_broadcast(ctx, broadcast_id, lambda s, st, b: playout.log_rest(s, st, b, LogStatus.FAILED, reason, until_s=seg_end, sinks=""))
            cut = _play_filler(ctx, prep, on_air, position, min(seg_end - position, slot_left), reason)
            position, first, end_note = seg_end, False, reason
            if cut and not _yield_to_emergency(ctx, prep, on_air):
                break
            continue
        limit = min(segment.end_s - position, slot_left)
        stretch = _play_segment(ctx, prep, on_air, segment, position, limit, target)
        if stretch.retry:
            # Nothing aired yet: the retry still waits for the planned instant.
            first = first and stretch.end_s - position < _EPS
            position = stretch.end_s
            continue
        first = False
        if stretch.interrupted:
            position = stretch.end_s
            if not _yield_to_emergency(ctx, prep, on_air):
                end_note = playout.REASON_EMERGENCY_NO_RESUME
                _with_broadcast(ctx, broadcast_id, lambda s, st, b: playout.log_rest(s, st, b, LogStatus.SKIPPED, playout.REASON_EMERGENCY_NO_RESUME))
                break
            continue
        if stretch.error:
            end_note = stretch.error
            seg_end = segment.end_s
            _with_broadcast(ctx, broadcast_id, lambda s, st, b: playout.log_rest(s, st, b, LogStatus.FAILED, stretch.error, until_s=seg_end))
            slot_left = (prep.slot_end - ctx.clock.now()).total_seconds()
            cut = _play_filler(ctx, prep, on_air, stretch.end_s, min(seg_end - stretch.end_s, slot_left), stretch.error)
            position = seg_end
            if cut and not _yield_to_emergency(ctx, prep, on_air):
                break
            continue
        if stretch.end_s < segment.end_s - playout.PLAYED_TOLERANCE_S:
            end_note = playout.REASON_SLOT_OVER
            break
        position = segment.end_s
    _with_broadcast(ctx, broadcast_id, lambda s, st, b: (
        playout.log_rest(s, st, b, LogStatus.SKIPPED, end_note or playout.REASON_SLOT_OVER),
        playout.finish(s, b, None, end_note)))
    heartbeat(ctx, None)
    log.info("broadcast %s ended at programme position %.1f s", broadcast_id, position)


def is_emergency(kind: BroadcastKind) -> bool:
    """Whether a broadcast kind pre-empts others."""
    return kind == BroadcastKind.EMERGENCY
