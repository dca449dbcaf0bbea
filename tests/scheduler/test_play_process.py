"""`loaxa play` as a real process: single instance, SIGKILL mid-broadcast, restart, and an honest log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
from sqlalchemy import select
from click.testing import CliRunner

from broadcast.models import BroadcastStatus, LogStatus
from broadcast.playout.rules import LATE_AFTER_S
from loaxa.cli import main
from tests.scheduler.conftest import get_broadcast, make_broadcast, rows_of

ROOT = Path(__file__).resolve().parents[2]


# The demo's daily programmes off: at 05:30 or 17:00 they would air beside this file's broadcasts.
pytestmark = pytest.mark.usefixtures("quiet_demo")


def _play(settings, log_path: Path) -> subprocess.Popen:
    env = {**os.environ, "LOAXA_DATA_DIR": str(settings.data_dir), "LOAXA_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "loaxa", "play"], cwd=ROOT, env=env,
                            stdout=log_path.open("ab"), stderr=subprocess.STDOUT)


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _heartbeat_pid(factory) -> int | None:
    from broadcast.models import PlayerHeartbeat

    with factory() as session:
        beat = session.scalars(select(PlayerHeartbeat)).first()
        return beat.pid if beat else None


def _ffmpeg_children(pid: int) -> list[psutil.Process]:
    return [p for p in psutil.Process(pid).children() if p.name() == "ffmpeg"]


@pytest.mark.slow
def test_sigkill_mid_broadcast_then_restart_logs_interrupted_then_the_rest(demo_settings, demo_factory, now, tmp_path):
    start = now + timedelta(seconds=6)
    broadcast_id = make_broadcast(demo_settings, demo_factory, start)
    total = sum(i.duration_s for i in get_broadcast(demo_factory, broadcast_id).items)
    log_path = tmp_path / "play.log"
    first = _play(demo_settings, log_path)
    try:
        # Kill it in the middle of the opening jingle, once progress has reached the database.
        _wait_for(lambda: get_broadcast(demo_factory, broadcast_id).seconds_aired >= 2.0, 30, "the broadcast to be on air")
        players = _ffmpeg_children(first.pid)
        assert players
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        # The player's ffmpeg dies with it: nothing keeps the loudspeakers busy behind our back.
        _wait_for(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in players), 3,
                  "the orphaned ffmpeg to die")
        cut_at = get_broadcast(demo_factory, broadcast_id).seconds_aired
        assert get_broadcast(demo_factory, broadcast_id).status == BroadcastStatus.PLAYING
        assert rows_of(demo_factory, broadcast_id) == []  # the jingle in progress is not logged yet

        restarted = _play(demo_settings, log_path)
        try:
            # Only once the restarted player holds the station (its heartbeat shows its pid) may a third try.
            _wait_for(lambda: _heartbeat_pid(demo_factory) == restarted.pid, 60, "the restarted player to take the station")
            second = subprocess.run([sys.executable, "-m", "loaxa", "--data-dir", str(demo_settings.data_dir), "play"],
                                    cwd=ROOT, capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
            assert second.returncode != 0
            assert "đang chạy ở một tiến trình khác" in second.stderr and "Traceback" not in second.stderr
            _wait_for(lambda: get_broadcast(demo_factory, broadcast_id).status not in (BroadcastStatus.PLAYING, BroadcastStatus.READY),
                      total + 30, "the resumed broadcast to end")
        finally:
            restarted.terminate()
            restarted.wait(15)
    finally:
        if first.poll() is None:
            first.kill()
    broadcast = get_broadcast(demo_factory, broadcast_id)
    rows = rows_of(demo_factory, broadcast_id)
    items = broadcast.items
    assert broadcast.status == BroadcastStatus.DONE, log_path.read_text()
    # interrupted (the cut jingle), then its rest and every later item, late, once each.
    # interrupted (the cut jingle), then its rest and every later item once each: late when the resume
    # went out more than LATE_AFTER_S behind its planned position, else played (a quick restart).
    late = (rows[1].actual_start - rows[1].planned_start).total_seconds() > LATE_AFTER_S
    resumed = LogStatus.LATE if late else LogStatus.PLAYED
    assert [(r.broadcast_item_id, r.status) for r in rows] == [
        (items[0].id, LogStatus.INTERRUPTED), (items[0].id, resumed), (items[1].id, resumed), (items[2].id, resumed)]
    assert rows[0].seconds == pytest.approx(cut_at, abs=0.01) and 2.0 <= cut_at < items[0].duration_s
    assert "đột ngột" in rows[0].reason
    assert rows[0].seconds + rows[1].seconds == pytest.approx(items[0].duration_s, abs=0.01)
    assert sum(r.seconds for r in rows) == pytest.approx(total, abs=0.05)
    assert rows[1].actual_start > rows[0].actual_end  # resumed after the restart, never overlapping
    verify = CliRunner().invoke(main, ["--data-dir", str(demo_settings.data_dir), "log", "verify"])
    assert verify.exit_code == 0, verify.output
