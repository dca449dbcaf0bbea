"""Faults with a documented behaviour and a log entry while playout goes on, each met by a real `loaxa play` process
on the real-time path (armed start, progress saving, stall detection) over a broadcast of a few seconds: a full
air-check disk, Icecast going down, corrupted audio, read-only audio, the database locked while audio plays, a
stalled relay; and missing ffmpeg/espeak-ng for the command line."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import func, select

from audio.ffmpeg import probe
from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.models import (
    Broadcast, BroadcastItem, BroadcastKind, BroadcastStatus, ItemType, LogStatus, PlayerHeartbeat, Script, Zone,
)
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.planning.writer import plan_hash
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from scheduler.airing import STALL_S
from tests.conftest import quiet_programmes, subprocess_env
from tests.icecast_server import icecast
from tests.processes import free_port, processes_for, stop, wait_for
from tests.scheduler.conftest import get_broadcast, make_broadcast, rows_of, with_filler

ROOT = Path(__file__).resolve().parents[2]
# The broadcast starts this long after the player holds the station: its next sync (every second here) sees it, then
# the preload (5 s before the start) and the armed start, with two seconds to spare. A player that saw it late would
# still air it (late, which AIRED accepts): these tests prove the faults' handling, not start precision.
LEAD_S = 8.0
# On time or late: a shared machine may start a broadcast a little late; what these tests prove is that the
# fault neither stopped the broadcast nor went unlogged (start precision is measured in tests/test_thin_path.py).
AIRED = (LogStatus.PLAYED, LogStatus.LATE)
ENDED = (BroadcastStatus.DONE, BroadcastStatus.INTERRUPTED, BroadcastStatus.FAILED, BroadcastStatus.MISSED)


def _verify(settings, factory) -> bool:
    with transaction(factory) as session:
        return asrun.verify(session, get_station(session, settings.station).id).ok


def _holder(factory) -> int | None:
    with transaction(factory) as session:
        return session.scalar(select(PlayerHeartbeat.pid))


@contextmanager
def player(settings, factory, log: Path, **env: str) -> Iterator[subprocess.Popen]:
    """A real `loaxa play` on a quiet station (only the test's broadcasts), yielded once its first sync is done."""
    quiet_programmes(factory)
    with_filler(settings, factory)
    proc = subprocess.Popen([sys.executable, "-m", "loaxa", "play"], cwd=ROOT, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            env=subprocess_env(settings, LOAXA_SYNC_INTERVAL_S="1", LOAXA_LOG_LEVEL="INFO", **env))
    try:
        wait_for(lambda: proc.poll() is not None or _holder(factory) == proc.pid, 120, "the player to take the station")
        assert proc.poll() is None, log.read_text(errors="replace")
        yield proc
    finally:
        stop(proc)
        deadline = time.monotonic() + 10
        while (left := processes_for(settings.data_dir)) and time.monotonic() < deadline:
            time.sleep(0.1)
        for leftover in left:
            leftover.kill()
    assert not left, f"processes {[p.pid for p in left]} outlived the player"  # its ffmpeg dies with it


def _soon() -> datetime:
    """The start of a test broadcast: LEAD_S from now."""
    return SystemClock().now() + timedelta(seconds=LEAD_S)


def _move_to(factory, broadcast_id: int, start) -> None:  # type: ignore[no-untyped-def]
    """Give a prepared broadcast a new start instant (its slot moves with it)."""
    with transaction(factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        shift = start - broadcast.planned_start
        broadcast.planned_start, broadcast.slot_start, broadcast.slot_end = start, broadcast.slot_start + shift, broadcast.slot_end + shift


def _aired(factory, broadcast_id: int, log: Path) -> tuple[Broadcast, list]:
    """Wait (generously) until the player has finished the broadcast; the broadcast and its log rows."""
    broadcast = get_broadcast(factory, broadcast_id)
    budget = (broadcast.slot_end - SystemClock().now()).total_seconds() + 60
    wait_for(lambda: get_broadcast(factory, broadcast_id).status in ENDED, budget, f"broadcast {broadcast_id} to end\n" + log.read_text(errors="replace")[-3000:])
    return get_broadcast(factory, broadcast_id), rows_of(factory, broadcast_id)


def _aircheck_seconds(settings, broadcast_id: int) -> float:
    """Seconds recorded in the broadcast's air-check files (one more after an output was dropped and playout went on)."""
    files = sorted(settings.aircheck_dir.rglob(f"*-{broadcast_id}*.mp3"))
    return sum(probe(path, tools=settings.tools).duration_s for path in files if not path.name.startswith("."))


@pytest.fixture
def tmpfs():
    """Mount small tmpfs file systems; unmounted afterwards. Needs root: CI (`make test` in .ci/run) runs as root."""
    mounted: list[Path] = []

    def mount(where: Path, size: str = "1m") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"mounting a tmpfs needs root, as CI runs the suite ({done.stderr.strip()})")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.sqlite_only  # PostgreSQL row locks never block the whole database the way an SQLite writer does
def test_database_locked_while_audio_plays_waits_then_logs_everything(demo_settings, demo_factory, tmp_path, record):
    log = tmp_path / "play.log"
    with player(demo_settings, demo_factory, log):
        broadcast_id = make_broadcast(demo_settings, demo_factory, _soon(), with_jingles=True)
        first_item_s = get_broadcast(demo_factory, broadcast_id).items[0].duration_s
        wait_for(lambda: get_broadcast(demo_factory, broadcast_id).seconds_aired > 0, LEAD_S + 60, "the broadcast to be on air")
        started = get_broadcast(demo_factory, broadcast_id).started_at
        # Another writer holds the whole database across the end of the first item: that item's row, and the
        # progress saved twice a second, can only be written once it lets go.
        conn = sqlite3.connect(demo_settings.db_url.split("///", 1)[1], timeout=30, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        locked_at = SystemClock().now()
        time.sleep(max(0.0, (started + timedelta(seconds=first_item_s + 1.5) - locked_at).total_seconds()))
        conn.execute("COMMIT")
        released_at = SystemClock().now()
        conn.close()
        broadcast, rows = _aired(demo_factory, broadcast_id, log)
    assert broadcast.status == BroadcastStatus.DONE, [(r.status, r.reason) for r in rows]
    assert len(rows) == len(broadcast.items) and all(r.status in AIRED for r in rows)
    assert locked_at < rows[0].actual_end < released_at  # the first item ended while the database was locked
    total = sum(i.duration_s for i in broadcast.items)
    assert sum(r.seconds for r in rows) == pytest.approx(total, abs=0.1)
    assert _aircheck_seconds(demo_settings, broadcast_id) == pytest.approx(total, abs=0.5)  # the audio never paused
    assert _verify(demo_settings, demo_factory)
    held = (released_at - locked_at).total_seconds()
    record("fault_db_locked_s", f"{held:.1f}", f"seconds an SQLite writer held BEGIN EXCLUSIVE while `loaxa play` aired a broadcast, across the end of its first item: the audio went on, all {len(rows)} items were logged once the lock went")


def test_corrupted_audio_before_air_time_plays_filler_and_logs_why(demo_settings, demo_factory, tmp_path, record):
    log = tmp_path / "play.log"
    with player(demo_settings, demo_factory, log):
        broadcast_id = make_broadcast(demo_settings, demo_factory, _soon(), with_jingles=False)
        broadcast = get_broadcast(demo_factory, broadcast_id)
        rng = random.Random(7)
        paths = {Path(broadcast.audio_path)} | {Path(s["path"]) for s in broadcast.segments or [] if s.get("kind") == "file"}
        for path in paths:
            path.write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
        broadcast, rows = _aired(demo_factory, broadcast_id, log)
    assert [(r.item_type, r.status) for r in rows] == [("script", LogStatus.FAILED), ("filler", LogStatus.PLAYED)]
    assert "tệp" in rows[0].reason and "Traceback" not in rows[0].reason
    assert rows[1].seconds == pytest.approx(broadcast.items[0].duration_s, abs=0.3)  # no dead air where it should have been
    assert _verify(demo_settings, demo_factory)
    record("fault_corrupted_audio", len(paths), f"audio files overwritten with random bytes before air time: `loaxa play` covered {rows[1].seconds:.1f} s with the filler, the log says \"{rows[0].reason}\"")


def test_aircheck_disk_full_keeps_playout_going_and_logs_it(demo_settings, demo_factory, tmp_path, tmpfs, record):
    aircheck = tmpfs(demo_settings.aircheck_dir, "256k")
    (aircheck / "ballast").write_bytes(b"\0" * (256 * 1024 - 8192))  # leave almost nothing free
    log = tmp_path / "play.log"
    with player(demo_settings, demo_factory, log):
        broadcast_id = make_broadcast(demo_settings, demo_factory, _soon(), with_jingles=False)
        broadcast, rows = _aired(demo_factory, broadcast_id, log)
    assert broadcast.status == BroadcastStatus.DONE, [(r.status, r.reason) for r in rows]
    assert len(rows) == len(broadcast.items) and all(r.status in AIRED for r in rows)
    assert sum(r.seconds for r in rows) == pytest.approx(sum(i.duration_s for i in broadcast.items), abs=0.1)
    assert all("thu lại" in r.reason for r in rows), [r.reason for r in rows]  # the log says the air-check was lost
    assert "thu lại" in log.read_text()
    assert _verify(demo_settings, demo_factory)
    record("fault_aircheck_disk_full", "ok", "air-check folder on a full 256 KiB tmpfs: `loaxa play` aired the broadcast in full, its log rows say the air-check could not be written")


@pytest.mark.parametrize("down", ["before", "during"])
def test_icecast_going_down_leaves_the_air_check_going_and_the_log_says_why(demo_settings, demo_factory, tmp_path, down, record):
    log = tmp_path / "play.log"
    with transaction(demo_factory) as session:
        zone = session.scalar(select(Zone).where(Zone.code == "thon-3"))
        zone_id, mount = zone.id, zone.stream_mount
    with ExitStack() as server:
        ice = server.enter_context(icecast(tmp_path / "icecast"))
        with player(demo_settings, demo_factory, log, LOAXA_ICECAST_URL=ice.base_url):
            if down == "before":
                server.close()
            # Three items when it goes down mid-broadcast: the rows after the drop say why; one item is enough before.
            broadcast_id = make_broadcast(demo_settings, demo_factory, _soon(), with_jingles=down == "during", zone_ids=[zone_id])
            if down == "during":
                heard = ice.read(mount, 4000, timeout=LEAD_S + 60)  # a listener hears the thôn's stream...
                server.close()  # ...then the server goes down mid-broadcast
                assert get_broadcast(demo_factory, broadcast_id).status == BroadcastStatus.PLAYING
                assert len(heard) == 4000
            broadcast, rows = _aired(demo_factory, broadcast_id, log)
    total = sum(i.duration_s for i in broadcast.items)
    assert broadcast.status == BroadcastStatus.DONE, [(r.status, r.reason) for r in rows]
    assert len(rows) == len(broadcast.items) and all(r.status in AIRED for r in rows)
    assert sum(r.seconds for r in rows) == pytest.approx(total, abs=0.1)
    assert "Icecast" in rows[-1].reason and rows[-1].sinks == "aircheck"  # dropped, and the log says why
    if down == "before":
        assert all("icecast" not in r.sinks for r in rows), [r.sinks for r in rows]
    assert "Icecast" in log.read_text()
    assert ice.source_password not in log.read_text() and all(ice.source_password not in r.reason for r in rows)
    assert _aircheck_seconds(demo_settings, broadcast_id) == pytest.approx(total, abs=1.0)  # the air-check kept recording
    assert _verify(demo_settings, demo_factory)
    record(f"fault_icecast_down_{down}", "ok", f"real icecast2 stopped {down} the broadcast: `loaxa play` aired it in full to the air-check, the rows say why Icecast was dropped (no password in the log)")


def test_read_only_audio_dir_still_airs_and_new_audio_fails_cleanly(demo_settings, demo_factory, tmp_path, tmpfs, record):
    # Prepared first (rendering writes audio), aired later by a player that only reads.
    broadcast_id = make_broadcast(demo_settings, demo_factory, SystemClock().now() + timedelta(hours=1), with_jingles=False)
    with_filler(demo_settings, demo_factory)
    audio = demo_settings.audio_dir
    keep = audio.parent / "audio-copy"
    shutil.copytree(audio, keep)
    tmpfs(audio, "200m")
    shutil.copytree(keep, audio, dirs_exist_ok=True)
    subprocess.run(["mount", "-o", "remount,ro", str(audio)], check=True)
    with pytest.raises(OSError):
        (audio / "probe").write_bytes(b"x")  # root or not, the file system refuses
    log = tmp_path / "play.log"
    with player(demo_settings, demo_factory, log):
        _move_to(demo_factory, broadcast_id, _soon())
        broadcast, rows = _aired(demo_factory, broadcast_id, log)
    assert broadcast.status == BroadcastStatus.DONE, [(r.status, r.reason) for r in rows]
    assert len(rows) == len(broadcast.items) and all(r.status in AIRED for r in rows)
    with pytest.raises(operator_errors()) as refused, transaction(demo_factory) as session:
        create_message_broadcast(session, demo_settings, get_station(session, demo_settings.station), "Tin mới",
                                 "Thông báo mới chưa từng đọc: họp tổ dân phố lúc 19 giờ.", SystemClock().now() + timedelta(minutes=5))
    assert "\n" not in str(refused.value)
    assert _verify(demo_settings, demo_factory)
    record("fault_audio_read_only", "ok", f"audio folder remounted read-only: `loaxa play` aired the assembled broadcast in full; new audio refused with \"{refused.value}\"")


@contextmanager
def stalling_relay(audio: bytes) -> Iterator[str]:
    """An endless HTTP audio stream that sends `audio`, then one zero byte a second: the connection stays alive
    (ffmpeg's read timeout never fires) but no more sound comes, like a relay source that hung."""
    stopping = threading.Event()

    class Stream(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "audio/mpeg")
            self.end_headers()
            try:
                self.wfile.write(audio)
                while not stopping.wait(1.0):
                    self.wfile.write(b"\0")
                    self.wfile.flush()
            except OSError:
                pass  # the player hung up

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Stream)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/vov1"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()


def _relay_broadcast(factory, url: str, seconds: float) -> int:
    """A ready broadcast of one relay item starting soon."""
    start = _soon()
    with transaction(factory) as session:
        station = get_station(session, "cam-tan")
        broadcast = Broadcast(station_id=station.id, kind=BroadcastKind.ONE_OFF, title="Tiếp sóng", slot_start=start,
                              slot_end=start + timedelta(seconds=60), planned_start=start, status=BroadcastStatus.READY)
        broadcast.items = [BroadcastItem(station_id=station.id, position=0, item_type=ItemType.RELAY, title="Tiếp sóng VOV1",
                                         relay_url=url, offset_s=0.0, duration_s=seconds)]
        broadcast.segments = [{"kind": "relay", "url": url, "offset_s": 0.0, "duration_s": seconds}]
        broadcast.plan_hash = plan_hash(broadcast.items)
        session.add(broadcast)
        session.flush()
        return broadcast.id


@pytest.mark.parametrize("sound_s", [0.0, 2.0], ids=["from-the-start", "mid-stream"])
def test_stalled_relay_is_stopped_and_the_filler_covers_the_rest(demo_settings, demo_factory, tmp_path, sound_s, record):
    relay_s = 6.0
    audio = b""
    if sound_s:
        clip = tmp_path / "vov1.mp3"
        subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", f"sine=f=440:d={sound_s}:sample_rate=44100",
                        "-c:a", "libmp3lame", "-b:a", "128k", "-y", str(clip)], check=True)
        audio = clip.read_bytes()
    log = tmp_path / "play.log"
    with stalling_relay(audio) as url, player(demo_settings, demo_factory, log):
        broadcast_id = _relay_broadcast(demo_factory, url, relay_s)
        broadcast, rows = _aired(demo_factory, broadcast_id, log)
    cut = LogStatus.INTERRUPTED if sound_s else LogStatus.FAILED
    assert [(r.item_type, r.status) for r in rows] == [("relay", cut), ("filler", LogStatus.PLAYED)]
    assert rows[0].seconds == pytest.approx(sound_s, abs=0.3)
    assert "tiếp sóng" in rows[0].reason and "tiếp sóng" in rows[1].reason
    assert rows[1].seconds == pytest.approx(relay_s - rows[0].seconds, abs=0.3)  # the programme keeps its length
    # It was the stall watch that stopped it: the filler came STALL_S after the sound stopped, not at a timeout.
    assert "playout stalled" in log.read_text()
    silent_s = (rows[1].actual_start - broadcast.started_at).total_seconds() - rows[0].seconds
    assert STALL_S - 0.5 <= silent_s <= STALL_S + 10
    assert _verify(demo_settings, demo_factory)
    record(f"fault_relay_stalled_{'mid' if sound_s else 'start'}", f"{silent_s:.1f} s",
           f"relay connection alive but silent {'after ' + str(sound_s) + ' s of sound' if sound_s else 'from the start'}: `loaxa play` stopped it after the stall limit ({STALL_S:.0f} s), logged the relay {cut.value} and the filler for the rest of its {relay_s:.0f} s")


def _cli(settings, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaxa", *args], cwd=ROOT, env=subprocess_env(settings, **env),
                          capture_output=True, text=True, timeout=120)


def test_ffmpeg_missing_at_render_time_is_one_clear_sentence(demo_settings, demo_factory, tmp_path, record):
    out = tmp_path / "tin.mp3"
    done = _cli(demo_settings, "tts", "Kính thưa bà con, mời họp.", "-o", str(out), LOAXA_FFMPEG="/nonexistent")
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "ffmpeg" in message[0] and "LOAXA_FFMPEG" in message[0]
    assert not out.exists() and not list(tmp_path.glob("*.part*"))
    record("fault_ffmpeg_missing", "1 sentence", f"`LOAXA_FFMPEG=/nonexistent loaxa tts`: \"{message[0]}\", no file written")


def test_espeak_missing_falls_back_or_says_so(demo_settings, demo_factory, tmp_path, record):
    out = tmp_path / "tin.mp3"
    done = _cli(demo_settings, "tts", "--engine", "espeak", "Kính thưa bà con.", "-o", str(out), LOAXA_ESPEAK="/nonexistent")
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    message = done.stderr.strip().splitlines()
    assert len(message) == 1 and "espeak" in message[0]
    assert not out.exists()
    with transaction(demo_factory) as session:
        before = session.scalar(select(func.count()).select_from(Script))
    record("fault_espeak_missing", "1 sentence", f"`LOAXA_ESPEAK=/nonexistent loaxa tts --engine espeak`: \"{message[0]}\"")
    assert before >= 14
