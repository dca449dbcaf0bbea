"""Playout timing at the sink: planned start -> first non-silent sample in the air-check file, beside a plain APScheduler + ffmpeg player."""
# Run: python bench/playout_bench.py [--broadcasts 50] [--verbose]
# One timeline, three kinds of broadcast taking turns every SPACING_S seconds, so that all three meet the
# same load on a shared machine:
# - `playout_raw_ms_*`: loaxa's real playout jobs (armed ffmpeg, audio released by a pipe) with no lead:
#   the audio is released on the planned instant, so this is the raw latency of the chain;
# - `playout_offset_ms_*`: the same jobs with the lead the player learns (released early by the median of
#   recent release -> first progress report latencies): the compensated offset, negative = early;
# - `apscheduler_ffmpeg_ms_*` (baseline): a plain APScheduler date job at the planned instant that runs
#   `ffmpeg -re -i clip.wav` into the same kind of sink.
# Every figure is taken the same way, at the sink: all three write a WAV air-check file (the FileSink
# options loaxa uses) into one folder, and bench/sink_probe.py, a separate process, notes the wall-clock
# instant the clip's first non-silent sample lands in each file. `playout_logged_offset_ms_p50` is what
# the as-run log stored for the compensated broadcasts (the player's own estimate, from ffmpeg's progress).

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, ContextManager

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from audio import ffmpeg  # noqa: E402
from audio.format import OUTPUT_ARGS, SAMPLE_RATE  # noqa: E402
from audio.sinks import FileSink, output_args, part_path  # noqa: E402
from audio.tools import Tools  # noqa: E402
from broadcast.config import Settings, load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import AsRunEntry, Broadcast, BroadcastItem, BroadcastStatus, ItemType, Station  # noqa: E402
from broadcast.playout.assembly import assemble_broadcast  # noqa: E402
from broadcast.timeutil import UTC, SystemClock  # noqa: E402
from scheduler import context, runner  # noqa: E402
from scheduler.context import StartLead  # noqa: E402

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import sink_probe  # noqa: E402

CLIP_S = 0.5
SPACING_S = 2.0  # one broadcast every 2 s: armed 0.6 s ahead, 0.5 s of audio, never two at once
FIRST_AFTER_S = 8.0  # the scheduler starts and its first sync gives every broadcast its job before the first is due
KINDS = ("baseline", "raw", "compensated")


class SplitLead(StartLead):
    """The player's learned lead for broadcasts measured compensated, none for those measured raw."""

    def __init__(self, ctx_on_air: dict, raw_ids: set[int]) -> None:
        """Learns like the player's own lead; on_air tells which broadcast asks."""
        super().__init__()
        self._on_air = ctx_on_air
        self._raw_ids = raw_ids
        self.used: dict[int, float] = {}

    @property
    def seconds(self) -> float:
        """0 for a raw broadcast, the learned lead otherwise (noted per broadcast)."""
        on_air = list(self._on_air)
        if any(b in self._raw_ids for b in on_air):
            return 0.0
        lead = super().seconds
        for b in on_air:
            self.used[b] = lead
        return lead


def p95(values: list[float]) -> float:
    """The 95th percentile by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def percentiles(values: list[float], prefix: str) -> dict[str, float]:
    """p50, p95, min and max of a list of milliseconds."""
    return {f"{prefix}_p50": round(statistics.median(values), 2), f"{prefix}_p95": round(p95(values), 2),
            f"{prefix}_min": round(min(values), 2), f"{prefix}_max": round(max(values), 2)}


def _clip(path: Path, tools: Tools) -> float:
    """A 440 Hz tone of CLIP_S seconds in the broadcast format; returns the instant (s) of its first loud sample."""
    ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc='0.5*sin(2*PI*440*t)':s={SAMPLE_RATE}:c=mono:d={CLIP_S}", *OUTPUT_ARGS,
                "-y", str(path)], tools=tools)
    follower = sink_probe.WavFollower()
    index = follower.feed(path.read_bytes())
    if index is None:
        raise RuntimeError(f"{path} has no sample above the probe's threshold")
    return index / SAMPLE_RATE


class Probe:
    """bench/sink_probe.py watching a folder in its own process; its reports are collected as they come."""

    def __init__(self, folder: Path) -> None:
        """Start watching; returns once the probe is ready."""
        self._proc = subprocess.Popen([sys.executable, str(BENCH / "sink_probe.py"), str(folder)], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        if self._proc.stdout.readline().strip() != "ready":
            self._proc.kill()
            raise RuntimeError(f"sink probe did not start: {self._proc.communicate()[1][-500:]}")
        self.landed: list[tuple[str, float]] = []  # (file name, wall-clock instant of its first loud sample)
        self._reader = threading.Thread(target=self._collect, name="sink-probe", daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            name, at, _ = line.rstrip("\n").split("\t")
            self.landed.append((name, float(at)))

    def stop(self, expected: int, timeout_s: float = 10.0) -> list[tuple[str, float]]:
        """Wait (up to timeout_s) for `expected` reports, stop the probe and return every report in landing order."""
        deadline = time.monotonic() + timeout_s
        while len(self.landed) < expected and time.monotonic() < deadline and self._proc.poll() is None:
            time.sleep(0.05)
        self._proc.terminate()
        self._proc.wait(timeout=30)
        self._reader.join(timeout=5)
        return list(self.landed)


def _timeline(first: datetime, broadcasts: int) -> list[tuple[str, datetime]]:
    """(kind, planned start) for `broadcasts` of each kind, the kinds taking turns."""
    return [(KINDS[n % len(KINDS)], first + timedelta(seconds=n * SPACING_S)) for n in range(broadcasts * len(KINDS))]


def _store_broadcasts(factory, settings, count: int, clip: Path) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` ready broadcasts of the clip, assembled as the player's sync does ahead of air; their times come later."""
    ids = []
    unset = datetime(2100, 1, 1, tzinfo=UTC)
    with transaction(factory) as session:
        station = Station(slug=settings.station, name="Bench")
        session.add(station)
        session.flush()
        for n in range(count):
            at = unset + timedelta(seconds=n * SPACING_S)
            b = Broadcast(station_id=station.id, title=f"bench {n}", slot_start=at, slot_end=at + timedelta(seconds=SPACING_S - 0.1),
                          planned_start=at, audio_path=str(clip), audio_duration_s=CLIP_S, status=BroadcastStatus.READY)
            b.items.append(BroadcastItem(station_id=station.id, position=0, item_type=ItemType.JINGLE, title="clip",
                                         audio_path=str(clip), duration_s=CLIP_S))
            session.add(b)
            session.flush()
            # Done here, not in the scheduler's first sync: 100 assemblies there would make the first broadcasts late.
            assemble_broadcast(session, settings, station, b)
            ids.append(b.id)
    return ids


def _set_times(factory, planned: dict[int, datetime]) -> None:  # type: ignore[no-untyped-def]
    """Give each broadcast its planned start (and a slot ending just before the next turn)."""
    with transaction(factory) as session:
        for broadcast_id, at in planned.items():
            b = session.get(Broadcast, broadcast_id)
            b.planned_start, b.slot_start, b.slot_end = at, at, at + timedelta(seconds=SPACING_S - 0.1)


def _plain_player(timeline: list[tuple[str, datetime]], clip: Path, air: Path,
                  tools: Tools) -> tuple[BackgroundScheduler, dict[str, datetime]]:
    """The baseline: a plain APScheduler date job per baseline turn running ffmpeg -re into a WAV air-check file.

    Returns the scheduler (not started) and, per file it writes, the planned start.
    """
    plain = BackgroundScheduler(timezone=UTC)
    planned: dict[str, datetime] = {}
    for n, (kind, at) in enumerate(timeline):
        if kind != "baseline":
            continue
        sink = FileSink(air / f"baseline-{n}.wav")  # the same output options as loaxa's air-check
        planned[part_path(sink).name] = at
        argv = ffmpeg.command(["-nostdin", "-loglevel", "error", "-re", "-i", str(clip), "-map", "0:a", *output_args(sink)], tools=tools)
        plain.add_job(subprocess.run, "date", run_date=at, args=[argv], kwargs={"capture_output": True, "timeout": 30},
                      id=f"baseline-{n}", misfire_grace_time=None)
    return plain, planned


def _match(landed: list[tuple[str, float]], started: dict[int, datetime]) -> dict[int, float]:
    """Broadcast id -> instant its first audio landed, pairing each file with the broadcast whose start the player logged nearest."""
    seen: dict[int, float] = {}
    for _, at in landed:
        candidates = [b for b in started if b not in seen]
        if not candidates:
            break
        best = min(candidates, key=lambda b: abs(started[b].timestamp() - at))
        if abs(started[best].timestamp() - at) < SPACING_S / 2:
            seen[best] = at
    return seen


def _wait_all_aired(factory, plain: BackgroundScheduler, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
    """Until no loaxa broadcast is ready or playing and every baseline job has fired (or timeout_s)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with transaction(factory) as session:
            left = session.scalar(select(Broadcast.id).where(Broadcast.status.in_([BroadcastStatus.READY, BroadcastStatus.PLAYING])).limit(1))
        if left is None and not plain.get_jobs():
            return
        time.sleep(0.5)


def measure(broadcasts: int = 50, verbose: bool = False, during: Callable[[Settings], ContextManager[Any]] | None = None) -> dict[str, float]:
    """Air `broadcasts` of each kind and report, in ms, planned start -> first audio at the sink for each.

    `during`, when given, is entered around the airing with the run's settings (same data dir and database): load
    that the figures are then taken under (bench/receivers_bench.py sends receiver reports).
    """
    # The emergency watch is skipped while a broadcast airs, a warning each time: not what is measured here.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="loaxa-playout-bench-") as work:
        settings = load_settings(env={}, data_dir=str(Path(work) / "var"), aircheck=False, preload_s=2.0)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        clip = Path(work) / "clip.wav"
        lead_in_s = _clip(clip, settings.tools)
        air = Path(work) / "air"
        air.mkdir()
        ids = _store_broadcasts(factory, settings, 2 * broadcasts, clip)
        # The load starts first (a panel takes a while to come up), so the timeline is fixed once it runs.
        load = during(settings) if during is not None else contextlib.nullcontext()
        load.__enter__()
        timeline = _timeline(SystemClock().now() + timedelta(seconds=FIRST_AFTER_S), broadcasts)
        loaxa_turns = [(kind, at) for kind, at in timeline if kind != "baseline"]
        planned = {b: at for b, (_, at) in zip(ids, loaxa_turns)}
        kind_of = {b: kind for b, (kind, _) in zip(ids, loaxa_turns)}
        _set_times(factory, planned)
        raw_ids = {b for b, kind in kind_of.items() if kind == "raw"}
        # Every loaxa broadcast writes the same air-check name, one at a time; the probe follows each new file.
        loaxa_sink = FileSink(air / "loaxa.wav")
        ctx = context.PlayoutContext(settings, factory, sinks_override=[loaxa_sink])
        ctx.lead = lead = SplitLead(ctx.on_air, raw_ids)
        ctx.filler_ready = True  # no dead air to cover here; keep the filler render out of the timing
        loaxa = runner.build_scheduler(ctx, BackgroundScheduler)
        plain, baseline_at = _plain_player(timeline, clip, air, settings.tools)
        probe = Probe(air)
        loaxa.start()
        plain.start()
        try:
            _wait_all_aired(factory, plain, 60 + len(timeline) * SPACING_S)
        finally:
            load.__exit__(None, None, None)
            plain.shutdown(wait=True)
            loaxa.shutdown(wait=True)
            landed = probe.stop(expected=len(timeline))
        with transaction(factory) as session:
            logged = {e.broadcast_id: e.start_offset_ms for e in session.scalars(select(AsRunEntry)) if e.start_offset_ms is not None}
            started = dict(session.execute(select(Broadcast.id, Broadcast.started_at).where(Broadcast.started_at.is_not(None))).all())
            missed = session.scalar(select(func.count()).select_from(Broadcast).where(Broadcast.status == BroadcastStatus.MISSED))
        engine.dispose()
    offsets: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for name, at in landed:
        if name in baseline_at:
            offsets["baseline"].append((at - baseline_at[name].timestamp() - lead_in_s) * 1000.0)
    loaxa_landed = [(name, at) for name, at in landed if name == part_path(loaxa_sink).name]
    for broadcast_id, at in _match(loaxa_landed, started).items():
        offsets[kind_of[broadcast_id]].append((at - planned[broadcast_id].timestamp() - lead_in_s) * 1000.0)
    if verbose:
        print({k: [round(v, 1) for v in vs] for k, vs in offsets.items()}, file=sys.stderr)
    figures = _figures(broadcasts, offsets, [ms for bid, ms in logged.items() if bid not in raw_ids], list(lead.used.values()))
    figures["playout_missed"] = missed or 0
    return figures


def _figures(planned: int, offsets: dict[str, list[float]], logged_ms: list[float], leads_s: list[float]) -> dict[str, float]:
    """The runner's figures from the offsets seen at the sink, the log's own offsets and the leads used."""
    missing = [kind for kind in KINDS if not offsets[kind]]
    if missing:
        raise RuntimeError(f"no first audio seen at the sink for: {', '.join(missing)}")
    figures: dict[str, float] = {"playout_planned_per_kind": planned}
    figures.update({f"playout_{kind}_seen": len(offsets[kind]) for kind in KINDS})
    figures.update(percentiles(offsets["raw"], "playout_raw_ms"))
    figures.update(percentiles(offsets["compensated"], "playout_offset_ms"))
    figures["playout_offset_abs_ms_p95"] = round(p95([abs(v) for v in offsets["compensated"]]), 2)
    figures.update(percentiles(offsets["baseline"], "apscheduler_ffmpeg_ms"))
    if logged_ms:
        figures["playout_logged_offset_ms_p50"] = round(statistics.median(logged_ms), 2)
    if leads_s:
        figures["playout_lead_ms_p50"] = round(statistics.median(leads_s) * 1000.0, 2)
    return figures


def run(quick: bool) -> dict[str, float]:
    """The runner's entry: 50 broadcasts of each kind (the issue's minimum), 3 when quick."""
    return measure(3 if quick else 50)


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--broadcasts", type=int, default=50, help="broadcasts of each kind")
    parser.add_argument("--verbose", action="store_true", help="print every offset (ms) to stderr")
    args = parser.parse_args()
    print(json.dumps(measure(args.broadcasts, args.verbose), indent=1))


if __name__ == "__main__":
    main()
