"""`make run` end to end: `loaxa demo` on an empty data dir, then `loaxa serve` as its own process tree.

The test broadcast airs to the air-check and its rows reach the log, the panel answers, SIGTERM stops every child,
SIGKILL leaves no orphan to air the next broadcast, and a second `serve` is refused in one sentence.
"""

from __future__ import annotations

import array
import contextlib
import json
import math
import os
import re
import select as fd_select
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import psutil
import pytest
import requests
from sqlalchemy import func, select

from broadcast.db import make_engine, make_session_factory
from broadcast.models import AsRunEntry, Broadcast, BroadcastKind, BroadcastStatus, PlayerHeartbeat
from broadcast.timeutil import SystemClock
from tests.conftest import SHARED_DEMO_RENDERS, discard, make_settings, quiet_programmes, subprocess_env
from tests.processes import free_port, processes_for, wait_for, wait_port

pytestmark = pytest.mark.slow  # real time, real processes: never beside other tests

ROOT = Path(__file__).resolve().parents[1]
RATE = 16_000  # air-check decoded to mono 16 kHz for the loudness check
# serve's test broadcast this long after it starts: its player must hold the station (about 3 s; under 10 s at load 4
# on 2 cores) and prepare it (5 s ahead) before; every second more is waited for twice (two tests wait for its end).
TEST_BROADCAST_DELAY_S = 25


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory):
    """A new data dir after `loaxa demo`, run as `make run` runs it, on a terminal (its output kept for the bar)."""
    settings = make_settings(tmp_path_factory.mktemp("serve"))
    cached = _warm_render_cache(settings.audio_dir / "renders")
    returncode, output = _on_a_terminal([sys.executable, "-m", "loaxa", "demo"], subprocess_env(settings), timeout=1200)
    assert returncode == 0, output
    engine = make_engine(settings.db_url)
    factory = make_session_factory(engine)
    quiet_programmes(factory)  # only serve's test broadcast airs, whatever the time of day
    yield settings, factory, output, cached
    engine.dispose()
    discard(settings)


@pytest.fixture(autouse=True)
def no_leftovers(station):
    """Whatever a failing test left running for the data dir is ended, so it cannot air into the next test."""
    yield
    for proc in processes_for(station[0].data_dir):
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()


def _warm_render_cache(renders: Path) -> int:
    """The render cache holding the demo's sounds that earlier tests made, but the shortest; how many it holds.

    The demo's database is new; only the reading of thirteen scripts is saved (2.5 minutes of CPU), as on a machine
    where `loaxa demo` ran before: the bar still draws up to 100 % while the last script is read for real.
    """
    entries = sorted(SHARED_DEMO_RENDERS.glob("*/*.wav"), key=lambda wav: wav.stat().st_size)[1:] if SHARED_DEMO_RENDERS.is_dir() else []
    for wav in entries:
        for part in (wav, wav.with_suffix(".json")):
            target = renders / part.parent.name / part.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(part, target)
    return len(entries)


def _on_a_terminal(command: list[str], env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run a command on a pseudo-terminal, as a newcomer's shell would; its exit code and everything it drew."""
    master, slave = os.openpty()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
    os.close(slave)
    deadline, drawn = time.monotonic() + timeout, b""
    try:
        while time.monotonic() < deadline:
            if fd_select.select([master], [], [], 1.0)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the command closed the terminal
                    break
                if not chunk:
                    break
                drawn += chunk
        returncode = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return returncode, drawn.decode("utf-8", "replace")


def _serve(settings, log: Path, **env: str) -> tuple[subprocess.Popen, str]:
    """`python -m loaxa serve` as the Makefile starts it, on a free port; returns it and the panel's base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "loaxa", "serve"], cwd=ROOT,
                            env=subprocess_env(settings, LOAXA_HOST="127.0.0.1", LOAXA_PORT=str(port), **env),
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def _test_broadcasts(factory) -> list[Broadcast]:
    with factory() as session:
        found = list(session.scalars(select(Broadcast).where(Broadcast.kind == BroadcastKind.TEST).order_by(Broadcast.id)))
        for broadcast in found:
            list(broadcast.items)  # read while the session is open
        return found


def _children(serve: subprocess.Popen, command: str) -> list[psutil.Process]:
    """serve's direct children running a loaxa command: `play` (exec'd), or `serve` (gunicorn workers are forks)."""
    try:
        return [p for p in psutil.Process(serve.pid).children() if p.cmdline()[-1:] == [command]]
    except psutil.NoSuchProcess:
        return []


def _player_of(serve: subprocess.Popen) -> psutil.Process | None:
    """serve's `loaxa play` child, once it runs."""
    return next(iter(_children(serve, "play")), None)


def _holds_the_station(factory, pid: int) -> bool:
    """Whether this player finished its first sync (planning and air jobs done; its heartbeat names it)."""
    with factory() as session:
        return session.scalar(select(PlayerHeartbeat.pid)) == pid


def _none_left(settings) -> bool:
    return not processes_for(settings.data_dir)


def _loudness_windows(path: Path) -> list[float]:
    """RMS of each 100 ms of a recording in dBFS, decoded by ffmpeg independently of the player."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-"],
                         capture_output=True, check=True).stdout
    samples = array.array("h")
    samples.frombytes(raw)
    step = RATE // 10
    return [10 * math.log10(sum(x * x for x in samples[i:i + step]) / step / 32768 ** 2 + 1e-12)
            for i in range(0, len(samples) - step + 1, step)]


def test_demo_shows_the_render_progress_bar(station):
    _, _, drawn, cached = station
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", drawn)  # the terminal's colour and cursor codes
    assert text.startswith("Đang nạp đài mẫu xã Cẩm Tân")  # said before anything slow starts
    assert "Đang tạo âm thanh" in text and "100%" in text, text  # the bar `loaxa render` shows, up to the end
    assert f"Âm thanh: {14 - cached} bài mới tạo, {cached} bài dùng lại." in text, text


def test_serve_airs_the_test_broadcast_logs_it_answers_and_stops_on_sigterm(station, tmp_path):
    settings, factory, _, _ = station
    # As `make run` starts it, but with the test broadcast 25 s after start instead of a minute (`make run`'s default):
    # the player takes the station in about 3 s (under 10 s at load 4 on 2 cores) and prepares 5 s ahead.
    serve, base = _serve(settings, tmp_path / "serve.log", LOAXA_TEST_BROADCAST_DELAY_S=str(TEST_BROADCAST_DELAY_S))
    try:
        wait_port(int(base.rsplit(":", 1)[1]), timeout=120, proc=serve)
        page = requests.get(base + "/dang-nhap", timeout=30)
        assert page.status_code == 200 and 'name="password"' in page.text

        [test] = _test_broadcasts(factory)
        second = subprocess.run([sys.executable, "-m", "loaxa", "serve"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                                env=subprocess_env(settings, LOAXA_HOST="127.0.0.1", LOAXA_PORT=str(free_port())))
        assert second.returncode != 0 and "Traceback" not in second.stderr
        message = second.stderr.strip().splitlines()
        assert len(message) == 1 and "đang chạy ở một tiến trình khác" in message[0], second.stderr
        assert [b.id for b in _test_broadcasts(factory)] == [test.id]  # refused before it added a test broadcast

        total = sum(item.duration_s for item in test.items)
        wait_for(lambda: _test_broadcasts(factory)[0].status == BroadcastStatus.DONE,
                 (test.planned_start - SystemClock().now()).total_seconds() + total + 60, "the test broadcast to air")
        descendants = psutil.Process(serve.pid).children(recursive=True)
        assert any(p.cmdline()[-1:] == ["play"] for p in descendants)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(30) == 0
        wait_for(lambda: _none_left(settings), 30, "every process of serve to end")
    finally:
        if serve.poll() is None:
            serve.kill()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in descendants)

    log = subprocess.run([sys.executable, "-m", "loaxa", "log", "--format", "json"], cwd=ROOT, env=subprocess_env(settings),
                         capture_output=True, text=True, timeout=120)
    assert log.returncode == 0, log.stderr
    rows = [r for r in json.loads(log.stdout) if r["broadcast_id"] == test.id]
    assert [(r["item_type"], r["status"], r["sinks"]) for r in rows] == [
        ("jingle", "played", "aircheck"), ("script", "played", "aircheck"), ("jingle", "played", "aircheck")]
    assert rows[1]["title"] == "Phát thử" and rows[1]["voice"] == "espeak:vi+f3, 145 từ/phút"
    assert sum(r["seconds"] for r in rows) == pytest.approx(total, abs=0.1)
    verify = subprocess.run([sys.executable, "-m", "loaxa", "log", "verify"], cwd=ROOT, env=subprocess_env(settings),
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr

    [aircheck] = settings.aircheck_dir.rglob(f"*-{test.id}.mp3")
    windows = _loudness_windows(aircheck)
    assert len(windows) / 10 == pytest.approx(total, abs=0.5)
    speech = windows[round(rows[0]["seconds"] * 10):round((rows[0]["seconds"] + rows[1]["seconds"]) * 10)]
    assert sum(w > -40 for w in speech) >= 0.75 * len(speech), speech  # the message is heard, not silence
    assert sum(w > -45 for w in windows) >= 0.6 * len(windows), windows


def test_serve_with_gunicorn_workers_stops_them_all_on_sigterm(station, tmp_path):
    settings, _, _, _ = station
    serve, base = _serve(settings, tmp_path / "serve.log", LOAXA_WEB_WORKERS="2", LOAXA_TEST_BROADCAST_DELAY_S="0")
    try:
        wait_port(int(base.rsplit(":", 1)[1]), timeout=120, proc=serve)
        assert requests.get(base + "/dang-nhap", timeout=30).status_code == 200
        wait_for(lambda: len(_children(serve, "serve")) == 2 and _player_of(serve), 60, "two gunicorn workers beside the player")
        descendants = psutil.Process(serve.pid).children(recursive=True)
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(60) == 0
        wait_for(lambda: _none_left(settings), 30, "every process of serve to end")
    finally:
        if serve.poll() is None:
            serve.kill()
    assert not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE for p in descendants)


def test_sigkill_to_serve_leaves_no_orphan_to_air_the_next_broadcast(station, tmp_path):
    settings, factory, _, _ = station
    delay_s = TEST_BROADCAST_DELAY_S
    serve, base = _serve(settings, tmp_path / "serve.log", LOAXA_TEST_BROADCAST_DELAY_S=str(delay_s))
    try:
        player = wait_for(lambda: _player_of(serve), 60, "serve to start its player")
        # Killed once the player is up (its first sync done, the next broadcast has its air job), well before that
        # broadcast: a player outliving serve would air it unsupervised.
        wait_for(lambda: _holds_the_station(factory, player.pid), delay_s - settings.preload_s - 5, "the player to take the station")
        nxt = _test_broadcasts(factory)[-1]
        assert nxt.status in (BroadcastStatus.PLANNED, BroadcastStatus.READY)
        before = len(processes_for(settings.data_dir))
        serve.send_signal(signal.SIGKILL)
        serve.wait(10)
        wait_for(lambda: _none_left(settings), 10, "the player to die with serve")
    finally:
        if serve.poll() is None:
            serve.kill()
    assert before >= 2  # serve and its player were both found before the kill
    with factory() as session:
        logged_before = session.scalar(select(func.count()).select_from(AsRunEntry))
    # Past the end the next broadcast would have had, nothing aired it and nothing was logged.
    ends = nxt.planned_start + timedelta(seconds=sum(item.duration_s for item in nxt.items) + 5)
    wait_for(lambda: SystemClock().now() > ends, (ends - SystemClock().now()).total_seconds() + 10, "the next broadcast's end")
    assert _none_left(settings)
    assert _test_broadcasts(factory)[-1].status == nxt.status
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(AsRunEntry)) == logged_before
        assert session.scalar(select(func.count()).select_from(AsRunEntry).where(AsRunEntry.broadcast_id == nxt.id)) == 0
    assert not list(settings.aircheck_dir.rglob(f"*-{nxt.id}*.mp3*"))  # not even a hidden part file
