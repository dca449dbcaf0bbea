"""Live talks in the playout process: clear the air on their zones, optional jingle, carry the spooled audio to the outputs."""
# One thread per talk, spawning its own ffmpeg (PR_SET_PDEATHSIG fires when the spawning thread ends, so the thread
# lives as long as the ffmpeg). A talk is an OnAir like a broadcast: an emergency cuts it through the same flag.

from __future__ import annotations

import logging
import os
import threading
import time as _time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from audio.errors import AudioError
from audio.loudness import normalize
from audio.player import Player
from audio.sinks import NullSink
from broadcast.campaigns.media import add_media
from broadcast.content.assets import station_assets, usable_assets
from broadcast.content.rendering import loudness_target
from broadcast.db import transaction
from broadcast.errors import LoaxaError
from broadcast.models import Asset, Broadcast, LiveSession, User
from broadcast.planning.planner import zones_meet
from broadcast.playout import live as rules
from broadcast.stations.lookup import get_station, station_tz
from scheduler import sinks as sinks_mod
from scheduler.airing import heartbeat
from scheduler.context import OnAir, PlayoutContext

log = logging.getLogger("loaxa.live")

POLL_S = 0.02  # how often the spool is looked at for the next chunk (bounds the added latency)
CHECK_EVERY_S = 0.25  # stop requests (database) and the sender's pid are checked this often
CLEAR_TIMEOUT_S = 3.0  # a cut broadcast releases the air within a second; never wait longer than this
DRAIN_TIMEOUT_S = 10.0  # after the last chunk, ffmpeg airs what it holds and exits well within this


@dataclass
class Outcome:
    """How a talk went on air, for its log row."""

    actual_start: datetime | None
    seconds: float
    sinks: str
    reason: str
    raw: Path | None


def watch_live(ctx: PlayoutContext) -> list[threading.Thread]:
    """Start a thread for each requested talk the player can claim; returns the threads started."""
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        waiting = [s.id for s in rules.requested(session, station)]
    started = []
    for live_id in waiting:
        with ctx.lock:
            with transaction(ctx.factory) as session:
                live = session.get(LiveSession, live_id)
                taken = next((o for o in ctx.on_air.values() if o.live and zones_meet(o.zone_ids, live.zone_ids or [])), None)
                if taken is not None:
                    # Two panels asked at once: the first one holds the zones, the second is refused and logged.
                    station = get_station(session, ctx.settings.station)
                    rules.finish(session, station, live, None, ctx.clock.now(), 0.0, "", rules.REASON_ZONE_TAKEN)
                    continue
                if not rules.claim(session, live_id):
                    continue
                on_air = OnAir(-live_id, list(live.zone_ids or []), live=True)
            ctx.on_air[-live_id] = on_air  # negative keys: broadcast ids stay free
        thread = threading.Thread(target=run_talk, args=(ctx, live_id, on_air), name=f"live-{live_id}", daemon=True)
        thread.start()
        started.append(thread)
    return started


def _clear_air(ctx: PlayoutContext, on_air: OnAir) -> list[str]:
    """Cut what airs on the talk's zones (logged interrupted by the airing itself); returns their titles."""
    with ctx.lock:
        victims = [o for o in ctx.on_air.values() if o is not on_air and not o.emergency and not o.live
                   and not o.interrupt.is_set() and zones_meet(o.zone_ids, on_air.zone_ids)]
        for victim in victims:
            victim.cut_reason = rules.REASON_CUT
            victim.interrupt.set()
        on_air.victims.extend(victims)
    for victim in victims:
        victim.stopped.wait(timeout=CLEAR_TIMEOUT_S)
    if not victims:
        return []
    with transaction(ctx.factory) as session:
        return [b.title for v in victims if (b := session.get(Broadcast, v.broadcast_id)) is not None]


def _jingle(ctx: PlayoutContext, live_id: int, on_air: OnAir, sinks: list) -> float:
    """Play the station's opening jingle to the zone outputs first and log it; returns its seconds (0 when none)."""
    with transaction(ctx.factory) as session:
        jingle = usable_assets(station_assets(session, get_station(session, ctx.settings.station))).get("jingle_open")
        path, asset_id = (jingle.path, jingle.id) if jingle else ("", None)
    if not path:
        return 0.0
    player = Player(ctx.settings.tools)
    player.start(path, sinks)
    while True:
        try:
            result = player.wait(timeout=0.1)
            break
        except TimeoutError:
            if on_air.interrupt.is_set():
                result = player.stop(grace_s=1.0)
                break
    first = player.first_audio_at()
    if first is not None and result.seconds_played > 0:
        start = ctx.clock.now() - timedelta(seconds=_time.monotonic() - first)
        with transaction(ctx.factory) as session:
            station = get_station(session, ctx.settings.station)
            rules.log_jingle(session, station, session.get(LiveSession, live_id), session.get(Asset, asset_id), start,
                             result.seconds_played, sinks_mod.describe(sinks))
    return result.seconds_played


def _sender_alive(pid: int | None) -> bool:
    """Whether the process writing the chunks still exists on this machine (no pid: cannot tell, assume yes)."""
    if not pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _carry(ctx: PlayoutContext, live_id: int, on_air: OnAir, sinks: list, spool: Path) -> tuple[Player | None, str, bool]:
    """Feed the spooled chunks to one ffmpeg until the talk must end; returns the player, why, and whether it was cut."""
    silence_s = ctx.settings.live_silence_s
    player: Player | None = None
    seq, last_data, last_check = 0, _time.monotonic(), 0.0
    stop_requested, pid = False, None
    while True:
        chunk = spool / rules.chunk_name(seq)
        if chunk.is_file():
            data = chunk.read_bytes()
            if player is None:
                player = Player(ctx.settings.tools)
                player.open_stream(sinks)
            if not player.feed(data):
                return player, rules.REASON_PLAYER_FAILED, False
            seq, last_data = seq + 1, _time.monotonic()
            continue
        now = _time.monotonic()
        if now - last_check >= CHECK_EVERY_S:
            last_check = now
            with transaction(ctx.factory) as session:
                row = session.get(LiveSession, live_id)
                stop_requested, pid = bool(row.stop_requested), row.sender_pid
            if player is not None and not player.running:
                return player, rules.REASON_PLAYER_FAILED, False
        reason = rules.end_reason(stop_requested, now - last_data, silence_s, _sender_alive(pid), on_air.interrupt.is_set())
        if reason:
            if reason == rules.REASON_SPEAKER_ENDED and (spool / rules.chunk_name(seq)).is_file():
                continue  # the last chunks the sender posted before pressing end still air
            return player, reason, reason == rules.REASON_EMERGENCY
        _time.sleep(POLL_S)


def _air(ctx: PlayoutContext, live_id: int, on_air: OnAir) -> Outcome:
    """Clear the air, play the jingle if asked, then carry the talk until it ends."""
    with transaction(ctx.factory) as session:
        station = get_station(session, ctx.settings.station)
        live = session.get(LiveSession, live_id)
        override = ctx.sinks_override is not None  # simulation and benchmarks: their outputs, nothing kept
        sinks = list(ctx.sinks_override) if override else sinks_mod.live_sinks(session, ctx.settings, station, live)
        jingle_sinks = [s for s in sinks if not sinks_mod.is_file_sink(s)]
        spool, wants_jingle = Path(live.spool_dir), live.jingle
    titles = _clear_air(ctx, on_air)
    with transaction(ctx.factory) as session:
        session.get(LiveSession, live_id).interrupted = "; ".join(titles)[:2000]
    if wants_jingle and not on_air.interrupt.is_set():
        _jingle(ctx, live_id, on_air, jingle_sinks or [NullSink()])
    with transaction(ctx.factory) as session:
        row = session.get(LiveSession, live_id)
        row.status, row.started_at = rules.ON_AIR, ctx.clock.now()  # the sender starts speaking now (the page's clock)
    player, reason, cut = _carry(ctx, live_id, on_air, sinks, spool)
    if player is None:
        return Outcome(None, 0.0, "", reason, None)
    if cut:
        result = player.stop(grace_s=1.0)
        on_air.stopped.set()
    else:
        player.end_stream()
        try:
            result = player.wait(timeout=DRAIN_TIMEOUT_S)
        except TimeoutError:
            result = player.stop(grace_s=1.0)
    first = player.first_audio_at()
    start = None
    if first is not None:
        start = ctx.clock.now() - timedelta(seconds=_time.monotonic() - first)
    if result.error and not cut and reason != rules.REASON_PLAYER_FAILED:
        reason = f"{reason}; {result.error}"
    raw = None if override else next((Path(s.path) for s in sinks if sinks_mod.is_file_sink(s) and str(s.path).endswith(".wav")), None)
    return Outcome(start, result.seconds_played, sinks_mod.describe([s for s in sinks if not str(getattr(s, "path", "")).endswith(".wav")]), reason, raw)


def _keep(ctx: PlayoutContext, live_id: int, raw: Path | None) -> str:
    """Loudness-normalize the recorded talk into the station format beside its spool; '' when nothing was recorded."""
    if raw is None or not raw.is_file():
        return ""
    with transaction(ctx.factory) as session:
        target = loudness_target(get_station(session, ctx.settings.station))
    kept = raw.with_name(raw.name.replace("-raw.wav", ".wav"))
    try:
        normalize(raw, kept, target, tools=ctx.settings.tools)
    except AudioError as exc:
        log.warning("live %s: kept as recorded, not normalized: %s", live_id, exc)
        return str(raw)
    raw.unlink(missing_ok=True)
    return str(kept)


def _add_to_library(ctx: PlayoutContext, live_id: int, kept: Path) -> None:
    """The kept talk becomes a draft media item (kind live) in the library, to be approved and aired again like a script."""
    # Not put in its campaign's pool: a pool change sends an approved campaign back to approval. The talk's own
    # seconds already count for the campaign through its log row.
    try:
        with transaction(ctx.factory) as session:
            station = get_station(session, ctx.settings.station)
            live = session.get(LiveSession, live_id)
            local = (live.started_at or live.requested_at).astimezone(station_tz(station))
            title = f"Phát trực tiếp: {live.speaker or 'không rõ người nói'}, {local:%H:%M %d/%m/%Y}"
            speaker = session.get(User, live.user_id) if live.user_id else None
            add_media(session, station, kept, title, kind="live", by=speaker, settings=ctx.settings)
    except (AudioError, LoaxaError) as exc:  # the talk is on air and logged already: the library copy is a convenience
        log.warning("live %s: not added to the library: %s", live_id, exc)


def run_talk(ctx: PlayoutContext, live_id: int, on_air: OnAir) -> None:
    """Air one claimed talk and log it as one row; what it cut resumes by the station's rules afterwards."""
    outcome = Outcome(None, 0.0, "", rules.REASON_PLAYER_FAILED, None)
    try:
        outcome = _air(ctx, live_id, on_air)
    except Exception:  # noqa: BLE001 - a talk must never stay "on air" in the database, nor hold its zones
        log.exception("live %s: playout failed", live_id)
    finally:
        with ctx.lock:
            ctx.on_air.pop(-live_id, None)
        try:
            with transaction(ctx.factory) as session:
                station = get_station(session, ctx.settings.station)
                live = session.get(LiveSession, live_id)
                rules.finish(session, station, live, outcome.actual_start, ctx.clock.now(), outcome.seconds, outcome.sinks, outcome.reason)
                spool = live.spool_dir
        except Exception:  # noqa: BLE001
            log.exception("live %s: could not log the talk", live_id)
            spool = ""
        for victim in on_air.victims:
            # Those an emergency cut too are resumed by the emergency when it is over.
            if on_air.cut_by_zones is None or not zones_meet(victim.zone_ids, on_air.cut_by_zones):
                victim.resume.set()
        heartbeat(ctx, None)
    kept = _keep(ctx, live_id, outcome.raw)
    with transaction(ctx.factory) as session:
        live = session.get(LiveSession, live_id)
        live.kept_path = kept
        rules.discard_spool(live)
    if kept:
        _add_to_library(ctx, live_id, Path(kept))
    log.info("live %s ended after %.1f s: %s (spool %s)", live_id, outcome.seconds, outcome.reason, spool)
