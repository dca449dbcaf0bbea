"""A storm of receiver reports on a commune panel, and playout timing under it, beside the same playout without it.

python bench/receivers_bench.py [--broadcasts 10] [--receivers 64] [--threads 8]
- `receiver_reports_per_s`: reports accepted per second by `loaxa web` (one waitress process, a commune's default),
  `--threads` clients (in a process of their own) each posting the reports of its share of `--receivers` receivers back to back, each report
  with a new counter, into the same SQLite database the playout process writes its log to;
  `receiver_report_ms_p95` their latency;
- `playout_offset_abs_ms_p95_under_reports`: bench/playout_bench.py's compensated offset measured while the storm runs,
  beside `playout_offset_abs_ms_p95_quiet`, the same measurement just before without it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import requests  # noqa: E402

import playout_bench  # noqa: E402
from broadcast.config import Settings  # noqa: E402
from broadcast.db import make_engine, make_session_factory, transaction  # noqa: E402
from broadcast.province.setup import create_station, numbered_zones  # noqa: E402
from broadcast.receivers.intake import add_receiver  # noqa: E402
from broadcast.timeutil import SystemClock  # noqa: E402
from tests.processes import free_port, stop, wait_port  # noqa: E402


def _post_reports(url: str, share: list[tuple[str, str]], stop: Any, out: Any) -> None:
    """One client thread: post its receivers' reports back to back until stopped; put (latencies, refused) on out."""
    session = requests.Session()
    counter, latencies, refused = 0, [], 0
    while not stop.is_set():
        counter += 1
        for zone, token in share:
            body = {"zone": zone, "counter": counter, "interval_s": 60, "connected": True, "playing": True, "playing_for_s": 10.0,
                    "level_db": -20.0, "title": "bench", "network_errors": 0, "last_error": "", "uptime_s": 1.0, "version": "bench"}
            begin = time.perf_counter()
            response = session.post(url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
            if response.status_code == 200:
                latencies.append(time.perf_counter() - begin)
            else:
                refused += 1
    out.put((latencies, refused))


def _client_process(url: str, tokens: list[tuple[str, str]], threads: int, stop: Any, out: Any) -> None:
    """The storm's own process (receivers are other machines: their clients must not share playout's interpreter)."""
    workers = [threading.Thread(target=_post_reports, args=(url, tokens[n::threads], stop, out)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


class Storm:
    """A separate process of client threads posting receiver reports until stopped."""

    def __init__(self, url: str, tokens: list[tuple[str, str]], threads: int):
        self.url, self.tokens, self.threads = url, tokens, threads
        ctx = multiprocessing.get_context("spawn")
        self.stop_event, self.out = ctx.Event(), ctx.Queue()
        self.process = ctx.Process(target=_client_process, args=(url, tokens, threads, self.stop_event, self.out), daemon=True)
        self.latencies: list[float] = []
        self.refused = 0
        self.started = self.ended = 0.0

    def start(self) -> None:
        self.started = time.perf_counter()
        self.process.start()

    def finish(self) -> None:
        self.stop_event.set()
        for _ in range(self.threads):
            latencies, refused = self.out.get(timeout=120)
            self.latencies += latencies
            self.refused += refused
        self.ended = time.perf_counter()
        self.process.join(timeout=30)


def _receivers(settings: Settings, count: int) -> list[tuple[str, str]]:
    """A station of 8 thôn with `count` receivers in the run's database; (zone code, token) of each."""
    engine = make_engine(settings.db_url)
    tokens = []
    with transaction(make_session_factory(engine)) as session:
        station = create_station(session, "bench-rx", "Xã thử tải", numbered_zones(8))
        for n in range(count):
            zone = station.zones[n % 8]
            tokens.append((zone.code, add_receiver(session, station, zone.code, f"Máy {n}", SystemClock().now())[1]))
    engine.dispose()
    return tokens


@contextmanager
def storm(settings: Settings, receivers: int, threads: int, result: dict) -> Iterator[None]:
    """A panel on the run's data dir and a storm of reports into it, for the duration of the block."""
    tokens = _receivers(settings, receivers)
    port = free_port()
    env = {**os.environ, "LOAXA_DATA_DIR": str(settings.data_dir), "LOAXA_DATABASE_URL": settings.database_url,
           "LOAXA_HOST": "127.0.0.1", "LOAXA_PORT": str(port), "LOAXA_STATION": "bench-rx"}
    log = (settings.data_dir.parent / "panel.log").open("ab")
    panel = subprocess.Popen([sys.executable, "-m", "loaxa", "web"], env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        wait_port(port, 120, panel)
        job = Storm(f"http://127.0.0.1:{port}/api/receivers/v1/report", tokens, threads)
        job.start()
        try:
            yield
        finally:
            job.finish()
        elapsed = job.ended - job.started
        result["receiver_reports_per_s"] = round(len(job.latencies) / elapsed, 1)
        result["receiver_report_ms_p50"] = round(statistics.median(job.latencies) * 1000, 1)
        result["receiver_report_ms_p95"] = round(playout_bench.p95(job.latencies) * 1000, 1)
        result["receiver_reports_refused"] = job.refused
        result["receiver_storm_s"] = round(elapsed, 1)
    finally:
        stop(panel)


def measure(broadcasts: int = 10, receivers: int = 64, threads: int = 8) -> dict[str, float]:
    """Playout without and with the storm, and the storm's own figures."""
    quiet = playout_bench.measure(broadcasts)
    result: dict = {}
    loaded = playout_bench.measure(broadcasts, during=lambda settings: storm(settings, receivers, threads, result))
    result["playout_offset_abs_ms_p95_quiet"] = quiet["playout_offset_abs_ms_p95"]
    result["playout_offset_abs_ms_p95_under_reports"] = loaded["playout_offset_abs_ms_p95"]
    result["playout_missed_under_reports"] = loaded.get("playout_missed", 0)
    result["receiver_bench_broadcasts_per_kind"] = broadcasts
    return result


def run(quick: bool) -> dict:
    """The runner's entry: the full run only (it measures playout twice, with a panel beside it)."""
    if quick:
        return {"_skipped": "the report storm runs in the full run only (it measures playout twice)"}
    return measure(10, 64, 8)


def main() -> None:
    """Print the figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--broadcasts", type=int, default=10)
    parser.add_argument("--receivers", type=int, default=64)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    print(json.dumps(measure(args.broadcasts, args.receivers, args.threads), indent=1))


if __name__ == "__main__":
    main()
