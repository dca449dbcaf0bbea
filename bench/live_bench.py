"""Live latency: a known sound sent into the live path -> its first sample landing in the output file, beside a plain ffmpeg pipe.

python bench/live_bench.py [--runs N]
The clip is 1 s of silence, then a tone. Both paths start the same capture (`ffmpeg -re` on the clip, Matroska PCM out,
as `loaxa live --input FILE` does) at wall-clock T; the sound "enters" at T + its onset. loaxa's path: the sender spools
the capture as numbered chunks (a database check per chunk), the playout process's live thread reads them into its
ffmpeg, which writes the output WAV. Baseline (the floor): the capture piped straight into one ffmpeg writing the same
kind of WAV. bench/sink_probe.py, in its own process, reports when the first loud sample lands in each file.
The browser's own part (MediaRecorder cuts 250 ms pieces, one HTTP POST each) comes on top: about one piece length.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import sink_probe  # noqa: E402
from playout_bench import Probe, p95  # noqa: E402

from audio import ffmpeg  # noqa: E402
from audio.capture import Capture, capture_command  # noqa: E402
from audio.format import SAMPLE_RATE  # noqa: E402
from audio.sinks import LIVE_INPUT_FLAGS, FileSink  # noqa: E402
from broadcast.config import load_settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction, upgrade  # noqa: E402
from broadcast.models import Station  # noqa: E402
from broadcast.playout import live as rules  # noqa: E402
from scheduler import context  # noqa: E402
from scheduler import live as live_talks  # noqa: E402


def _clip(path: Path, tools) -> float:  # type: ignore[no-untyped-def]
    """1 s of silence then 1 s of 440 Hz; returns the onset (s) the probe sees."""
    ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc='0.5*sin(2*PI*440*t)*gte(t,1)':s={SAMPLE_RATE}:c=mono:d=2",
                "-c:a", "pcm_s16le", "-y", str(path)], tools=tools)
    onset = sink_probe.WavFollower().feed(path.read_bytes())
    assert onset is not None
    return onset / SAMPLE_RATE


def _baseline(clip: Path, out: Path, tools) -> float:  # type: ignore[no-untyped-def]
    """The floor: the same capture piped into one plain ffmpeg (same input flags) writing a WAV; returns the capture's start."""
    started = time.time()
    capture = subprocess.Popen(capture_command(str(clip), tools=tools), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    subprocess.run(ffmpeg.command(["-loglevel", "error", *LIVE_INPUT_FLAGS, "-f", "matroska", "-i", "pipe:0", "-c:a", "pcm_s16le",
                                   "-flush_packets", "1", "-f", "wav", "-y", str(out)], tools=tools),
                   stdin=capture.stdout, check=True)
    capture.wait()
    return started


def _loaxa(ctx, factory, station_id: int, clip: Path) -> float:  # type: ignore[no-untyped-def]
    """One talk through the live path (spool, the player's live thread, its ffmpeg); returns the capture's start."""
    with transaction(factory) as session:
        live_id = rules.start_live(session, ctx.settings, session.get(Station, station_id), [], speaker="bench").id
    threads = live_talks.watch_live(ctx)
    assert rules.wait_on_air(factory, live_id) == rules.ON_AIR
    started = time.time()
    rules.send_capture(factory, live_id, Capture(str(clip), tools=ctx.settings.tools))
    for thread in threads:
        thread.join(30)
    return started


def measure(runs: int = 10) -> dict[str, float]:
    """p50/p95 of sound-in -> first sample out, in ms, for loaxa's live path and for the plain pipe."""
    with tempfile.TemporaryDirectory(prefix="loaxa-live-bench-") as work:
        settings = load_settings(env={}, data_dir=str(Path(work) / "var"), aircheck=False)
        engine = make_engine(settings.db_url)
        upgrade(engine)
        factory = make_session_factory(engine)
        with transaction(factory) as session:
            station = Station(slug=settings.station, name="Bench")
            session.add(station)
            session.flush()
            station_id = station.id
        clip = Path(work) / "clip.wav"
        onset = _clip(clip, settings.tools)
        air = Path(work) / "air"
        air.mkdir()
        probe = Probe(air)
        starts: dict[str, float] = {}
        for n in range(runs):
            starts[f"base-{n}.wav"] = _baseline(clip, air / f"base-{n}.wav", settings.tools)
            ctx = context.PlayoutContext(settings, factory, sinks_override=[FileSink(air / f"live-{n}.wav")])
            context.install(ctx)
            starts[f"live-{n}.wav"] = _loaxa(ctx, factory, station_id, clip)
        # The player writes its file under a hidden .part name until the talk ends: that is where the sample lands.
        landed = {name.lstrip(".").removesuffix(".part"): at for name, at in probe.stop(2 * runs)}
        engine.dispose()
    latency = {name: (landed[name] - (start + onset)) * 1000.0 for name, start in starts.items() if name in landed}
    live = [v for k, v in latency.items() if k.startswith("live")]
    base = [v for k, v in latency.items() if k.startswith("base")]
    return {"live_latency_ms_p50": round(statistics.median(live), 1), "live_latency_ms_p95": round(p95(live), 1),
            "live_pipe_ms_p50": round(statistics.median(base), 1), "live_pipe_ms_p95": round(p95(base), 1),
            "live_runs": float(min(len(live), len(base)))}


def run(quick: bool) -> dict[str, float]:
    """The runner's entry: 10 talks of each path, 3 when quick."""
    return measure(3 if quick else 10)


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=10)
    print(json.dumps(measure(parser.parse_args().runs), indent=1))


if __name__ == "__main__":
    threading.current_thread().name = "live-bench"
    main()
