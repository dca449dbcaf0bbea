"""SIGKILL `loaxa play` at seeded random points over many short broadcasts: every item logged once, nothing doubled."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.models import BroadcastStatus, LogStatus
from broadcast.timeutil import SystemClock
from loaxa.cli import main
from tests.conftest import cli_args, subprocess_env
from tests.scheduler.conftest import get_broadcast, make_broadcast, rows_of

ROOT = Path(__file__).resolve().parents[2]
BROADCASTS = 6
SPACING_S = 7.0
FINAL = {LogStatus.PLAYED, LogStatus.LATE, LogStatus.MISSED, LogStatus.SKIPPED, LogStatus.FAILED}


# The demo's daily programmes off: at 05:30 or 17:00 they would air beside this file's broadcasts.
pytestmark = pytest.mark.usefixtures("quiet_demo")


def _play(settings, log_path: Path) -> subprocess.Popen:
    env = subprocess_env(settings, LOAXA_LOG_LEVEL="INFO", LOAXA_SYNC_INTERVAL_S="1", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "loaxa", "play"], cwd=ROOT, env=env,
                            stdout=log_path.open("ab"), stderr=subprocess.STDOUT)


def _sleep_until(clock: SystemClock, instant) -> None:
    left = (instant - clock.now()).total_seconds()
    if left > 0:
        time.sleep(left)


@pytest.mark.slow
def test_repeated_sigkill_of_play_logs_every_item_once(demo_settings, demo_factory, tmp_path, record):
    rng = random.Random(9)
    clock = SystemClock()
    first_start = clock.now() + timedelta(seconds=12)
    ids = [make_broadcast(demo_settings, demo_factory, first_start + timedelta(seconds=i * SPACING_S), with_jingles=False,
                          slot_s=SPACING_S - 0.5, title=f"Tin thử {i}") for i in range(BROADCASTS)]
    plans = [get_broadcast(demo_factory, b) for b in ids]
    log_path = tmp_path / "play.log"
    player = _play(demo_settings, log_path)
    kills, kills_on_air = 0, 0
    try:
        for plan in plans:
            duration = sum(i.duration_s for i in plan.items)
            # A seeded point between just before the start and the end of the broadcast.
            _sleep_until(clock, plan.planned_start + timedelta(seconds=rng.uniform(-0.5, duration)))
            on_air = get_broadcast(demo_factory, plan.id).status == BroadcastStatus.PLAYING
            player.send_signal(signal.SIGKILL)
            player.wait(10)
            kills += 1
            kills_on_air += on_air
            player = _play(demo_settings, log_path)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if all(get_broadcast(demo_factory, b).status not in (BroadcastStatus.PLANNED, BroadcastStatus.READY, BroadcastStatus.PLAYING)
                   for b in ids):
                break
            time.sleep(0.3)
    finally:
        player.terminate()
        try:
            player.wait(15)
        except subprocess.TimeoutExpired:
            player.kill()

    statuses: dict[str, int] = defaultdict(int)
    rows_total = 0
    for plan in plans:
        broadcast = get_broadcast(demo_factory, plan.id)
        assert broadcast.status not in (BroadcastStatus.PLANNED, BroadcastStatus.READY, BroadcastStatus.PLAYING), log_path.read_text()[-3000:]
        rows = rows_of(demo_factory, plan.id)
        rows_total += len(rows)
        by_item = defaultdict(list)
        for row in rows:
            if row.broadcast_item_id is not None:  # filler rows cover a gap; they belong to no item
                by_item[row.broadcast_item_id].append(row)
            statuses[row.status.value] += 1
        for item in broadcast.items:
            item_rows = by_item[item.id]
            assert item_rows, f"item {item.id} of broadcast {plan.id} has no log row"
            finals = [r for r in item_rows if r.status in FINAL]
            assert len(finals) <= 1, [(r.status, r.seconds) for r in item_rows]  # never logged twice
            # Either a final row closes the item, or it was cut and never resumed (its last row interrupted).
            assert finals or item_rows[-1].status == LogStatus.INTERRUPTED
            assert sum(r.seconds for r in item_rows) <= item.duration_s + 0.05  # no second counted twice
        aired = [r for r in rows if r.actual_start is not None and r.actual_end is not None]
        for a, b in zip(aired, aired[1:]):
            assert b.actual_start >= a.actual_end - timedelta(milliseconds=50), "two log rows overlap in time"
    verify = CliRunner().invoke(main, [*cli_args(demo_settings), "log", "verify"])
    assert verify.exit_code == 0, verify.output
    assert kills_on_air >= 1, "no kill landed mid-broadcast: the test proved nothing"
    record("play_sigkills", kills, f"SIGKILLs of `loaxa play` at seeded random points over {BROADCASTS} short broadcasts, restarted after each")
    record("play_sigkills_on_air", kills_on_air, "of those, kills that landed while a broadcast was on air")
    record("play_sigkill_log_rows", rows_total, "as-run rows afterwards, " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
           + "; every item logged once (an interrupted part plus its rest at most), hash chain verifies")
