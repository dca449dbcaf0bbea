"""Playout timing: planned start -> first audio out over many broadcasts, beside APScheduler's own firing delay."""
# Run: python -m bench.playout_bench [--broadcasts 50]
# Both figures come from the same process and the same scheduler: `playout_offset_ms_*` is what the
# as-run log stores (first `-progress` report with audio, minus the planned instant; negative = early);
# `apscheduler_fire_delay_ms_*` is how late APScheduler itself runs a job at a given instant, i.e.
# the floor a player that simply spawned ffmpeg "at the planned time" would start from (before ffmpeg's
# own ~50-100 ms start-up is added on top).

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from apscheduler.schedulers.background import BackgroundScheduler  # noqa: E402
from sqlalchemy import select  # noqa: E402

from audio import ffmpeg  # noqa: E402
from audio.format import OUTPUT_ARGS  # noqa: E402
from audio.sinks import NullSink  # noqa: E402
from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import AsRunEntry, Broadcast, BroadcastItem, BroadcastStatus, ItemType, Station  # noqa: E402
from broadcast.timeutil import SystemClock  # noqa: E402
from scheduler import context, runner  # noqa: E402

CLIP_S = 0.5
SPACING_S = 2.0


def _percentiles(values: list[float], prefix: str) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {f"{prefix}_p50": round(statistics.median(ordered), 2), f"{prefix}_p95": round(p95, 2),
            f"{prefix}_max": round(max(ordered, key=abs), 2)}


def measure(broadcasts: int = 50) -> dict[str, float]:
    """Air `broadcasts` short broadcasts through the real playout jobs and report both distributions in ms."""
    with tempfile.TemporaryDirectory(prefix="loaxa-playout-bench-") as work:
        settings = load_settings(env={}, data_dir=str(Path(work) / "var"), aircheck=False, preload_s=2.0)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        clip = Path(work) / "clip.wav"
        ffmpeg.run(["-f", "lavfi", "-i", f"sine=f=440:d={CLIP_S}:sample_rate=48000", *OUTPUT_ARGS, "-y", str(clip)], tools=settings.tools)
        first = SystemClock().now() + timedelta(seconds=8)
        planned = [first + timedelta(seconds=i * SPACING_S) for i in range(broadcasts)]
        with transaction(factory) as session:
            station = Station(slug=settings.station, name="Bench")
            session.add(station)
            session.flush()
            for at in planned:
                b = Broadcast(station_id=station.id, title="bench", slot_start=at, slot_end=at + timedelta(seconds=SPACING_S - 0.1),
                              planned_start=at, audio_path=str(clip), audio_duration_s=CLIP_S, status=BroadcastStatus.READY)
                b.items.append(BroadcastItem(station_id=station.id, position=0, item_type=ItemType.JINGLE, title="clip",
                                             audio_path=str(clip), duration_s=CLIP_S))
                session.add(b)
        ctx = context.PlayoutContext(settings, factory, sinks_override=[NullSink()])
        ctx.filler_ready = True  # no dead air to cover here; keep the filler render out of the timing
        scheduler = runner.build_scheduler(ctx, BackgroundScheduler)
        fire_delays: list[float] = []
        for i, at in enumerate(planned):
            probe_at = at + timedelta(seconds=SPACING_S / 2)
            scheduler.add_job(lambda due=probe_at: fire_delays.append((SystemClock().now() - due).total_seconds() * 1000),
                              "date", run_date=probe_at, id=f"probe-{i}")
        scheduler.start()
        try:
            deadline = time.monotonic() + 30 + broadcasts * SPACING_S
            while time.monotonic() < deadline:
                with transaction(factory) as session:
                    left = session.scalar(select(Broadcast.id).where(Broadcast.status.in_([BroadcastStatus.READY, BroadcastStatus.PLAYING])).limit(1))
                if left is None and len(fire_delays) == broadcasts:
                    break
                time.sleep(0.5)
        finally:
            scheduler.shutdown(wait=True)
        with transaction(factory) as session:
            offsets = [r for r in session.scalars(select(AsRunEntry.start_offset_ms).order_by(AsRunEntry.seq)) if r is not None]
        if "--verbose" in sys.argv:
            print([round(o, 1) for o in offsets], file=sys.stderr)
            print([(r.status.value, r.start_offset_ms, r.reason[:60]) for r in session.scalars(select(AsRunEntry).order_by(AsRunEntry.seq)) if r.start_offset_ms is None], file=sys.stderr)
        engine.dispose()
    figures = {"broadcasts": float(len(offsets))}
    figures.update(_percentiles(offsets, "playout_offset_ms"))
    figures.update(_percentiles(fire_delays, "apscheduler_fire_delay_ms"))
    return figures


def run(quick: bool) -> dict[str, float]:
    """The runner's entry: 50 broadcasts (the issue's minimum), 5 when quick."""
    return measure(5 if quick else 50)


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--broadcasts", type=int, default=50)
    parser.add_argument("--verbose", action="store_true", help="print every offset (ms) to stderr")
    args = parser.parse_args()
    print(json.dumps(measure(args.broadcasts), indent=1))


if __name__ == "__main__":
    main()
