"""Faults with a documented behaviour and a log entry while playout goes on: locked database, full disk,
read-only audio, corrupted audio, missing ffmpeg/espeak-ng, Icecast unreachable."""

from __future__ import annotations

import dataclasses
import logging
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.models import BroadcastStatus, LogStatus, Script
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.stations.lookup import get_station
from scheduler import jobs
from tests.conftest import subprocess_env
from tests.scheduler.conftest import get_broadcast, make_broadcast, now, rows_of, sim_context, with_filler  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
ON_SQLITE = not os.environ.get("LOAXA_TEST_POSTGRES_URL")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _verify(settings, factory) -> bool:
    with transaction(factory) as session:
        return asrun.verify(session, get_station(session, settings.station).id).ok


def _air(settings, factory, now, broadcast_id: int, sinks=None) -> None:
    """Air one broadcast now on a simulated clock with the station's real sinks (or the ones given)."""
    ctx = sim_context(settings, factory, now, sinks=sinks)
    if sinks is None:
        ctx.sinks_override = None
    jobs.air(broadcast_id)


@pytest.fixture
def tmpfs():
    """Mount small tmpfs file systems (we run as root in the test box); unmounted afterwards."""
    mounted: list[Path] = []

    def mount(where: Path, size: str = "1m") -> Path:
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.mark.skipif(not ON_SQLITE, reason="PostgreSQL row locks never block the whole database the way an SQLite writer does")
def test_database_locked_by_another_writer_during_a_broadcast_waits_then_logs_everything(demo_settings, demo_factory, now, record, caplog):
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=5), with_jingles=True)
    path = demo_settings.db_url.split("///", 1)[1]
    locked, held = threading.Event(), 3.0

    def hold_lock() -> None:
        conn = sqlite3.connect(path, timeout=30, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        locked.set()
        time.sleep(held)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    locked.wait(10)
    began = time.monotonic()
    with caplog.at_level(logging.INFO):
        _air(demo_settings, demo_factory, now, broadcast_id)
    waited = time.monotonic() - began
    holder.join()
    broadcast, rows = get_broadcast(demo_factory, broadcast_id), rows_of(demo_factory, broadcast_id)
    assert broadcast.status == BroadcastStatus.DONE
    assert [r.status for r in rows] == [LogStatus.PLAYED] * len(broadcast.items)
    assert waited >= held - 0.5  # it really met the lock, and waited for it instead of failing
    assert _verify(demo_settings, demo_factory)
    record("fault_db_locked_s", f"{held:.0f}", f"seconds an SQLite writer held BEGIN EXCLUSIVE as a broadcast aired: playout waited ({waited:.1f} s) and logged all {len(rows)} items")


def test_corrupted_audio_before_air_time_plays_filler_and_logs_why(demo_settings, demo_factory, now, record):
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=20), with_jingles=False)
    with_filler(demo_settings, demo_factory)
    broadcast = get_broadcast(demo_factory, broadcast_id)
    rng = random.Random(7)
    paths = {Path(broadcast.audio_path)} | {Path(s["path"]) for s in broadcast.segments or [] if s.get("kind") == "file"}
    for path in paths:
        path.write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
    _air(demo_settings, demo_factory, now, broadcast_id, sinks=None)
    rows = rows_of(demo_factory, broadcast_id)
    assert [r.status for r in rows] == [LogStatus.FAILED, LogStatus.PLAYED]
    assert "tệp" in rows[0].reason and "Traceback" not in rows[0].reason
    assert rows[1].item_type == "filler" and rows[1].seconds == pytest.approx(broadcast.items[0].duration_s, abs=0.2)
    assert _verify(demo_settings, demo_factory)
    record("fault_corrupted_audio", len(paths), f"audio files overwritten with random bytes before air time: filler covered {rows[1].seconds:.1f} s, the log says \"{rows[0].reason}\"")


def test_aircheck_disk_full_keeps_playout_going_and_logs_it(demo_settings, demo_factory, now, tmpfs, record, caplog):
    aircheck = tmpfs(demo_settings.aircheck_dir, "256k")
    (aircheck / "ballast").write_bytes(b"\0" * (256 * 1024 - 8192))  # leave almost nothing free
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=20), with_jingles=True)
    with_filler(demo_settings, demo_factory)
    with caplog.at_level(logging.INFO):
        _air(demo_settings, demo_factory, now, broadcast_id, sinks=None)
    broadcast, rows = get_broadcast(demo_factory, broadcast_id), rows_of(demo_factory, broadcast_id)
    assert broadcast.status == BroadcastStatus.DONE, [(r.status, r.reason) for r in rows]
    assert [r.status for r in rows] == [LogStatus.PLAYED] * len(broadcast.items)
    assert sum(r.seconds for r in rows) == pytest.approx(sum(i.duration_s for i in broadcast.items), abs=0.1)
    assert any("thu lại" in r.reason for r in rows), [r.reason for r in rows]  # the log says the air-check was lost
    assert "thu lại" in caplog.text
    assert _verify(demo_settings, demo_factory)
    record("fault_aircheck_disk_full", "ok", "air-check folder on a full 256 KiB tmpfs: the broadcast aired in full, its log rows say the air-check could not be written")


def test_icecast_unreachable_other_sinks_continue_and_the_log_says_why(demo_settings, demo_factory, now, record, caplog):
    port = _free_port()  # nothing listens there
    settings = dataclasses.replace(demo_settings, icecast_url=f"icecast://source:hackme@127.0.0.1:{port}")
    broadcast_id = make_broadcast(settings, demo_factory, now + timedelta(seconds=20), with_jingles=True)
    with_filler(settings, demo_factory)
    with caplog.at_level(logging.INFO):
        _air(settings, demo_factory, now, broadcast_id, sinks=None)
    broadcast, rows = get_broadcast(demo_factory, broadcast_id), rows_of(demo_factory, broadcast_id)
    assert broadcast.status == BroadcastStatus.DONE, [(r.status, r.reason) for r in rows]
    assert [r.status for r in rows] == [LogStatus.PLAYED] * len(broadcast.items)
    assert all("aircheck" in r.sinks and "icecast" not in r.sinks for r in rows), [r.sinks for r in rows]
    assert any("Icecast" in r.reason for r in rows) and "Icecast" in caplog.text
    assert "hackme" not in caplog.text and all("hackme" not in r.reason for r in rows)
    aired = list(demo_settings.aircheck_dir.rglob("*.mp3"))
    assert aired and all(p.stat().st_size > 0 for p in aired)  # the air-check kept recording
    assert _verify(demo_settings, demo_factory)
    record("fault_icecast_down", "ok", "Icecast URL with no server listening: the broadcast aired in full to the air-check, each row says why Icecast was dropped (no password in the log)")


def test_read_only_audio_dir_still_airs_and_new_audio_fails_cleanly(demo_settings, demo_factory, now, tmpfs, record):
    broadcast_id = make_broadcast(demo_settings, demo_factory, now + timedelta(seconds=20), with_jingles=True)
    with_filler(demo_settings, demo_factory)
    audio = demo_settings.audio_dir
    keep = audio.parent / "audio-copy"
    shutil.copytree(audio, keep)
    tmpfs(audio, "200m")
    shutil.copytree(keep, audio, dirs_exist_ok=True)
    subprocess.run(["mount", "-o", "remount,ro", str(audio)], check=True)
    with pytest.raises(OSError):
        (audio / "probe").write_bytes(b"x")  # root or not, the file system refuses
    _air(demo_settings, demo_factory, now, broadcast_id)
    broadcast, rows = get_broadcast(demo_factory, broadcast_id), rows_of(demo_factory, broadcast_id)
    assert broadcast.status == BroadcastStatus.DONE and [r.status for r in rows] == [LogStatus.PLAYED] * len(broadcast.items)
    with pytest.raises(operator_errors()) as refused, transaction(demo_factory) as session:
        create_message_broadcast(session, demo_settings, get_station(session, demo_settings.station), "Tin mới",
                                 "Thông báo mới chưa từng đọc: họp tổ dân phố lúc 19 giờ.", now + timedelta(minutes=5))
    assert "\n" not in str(refused.value)
    assert _verify(demo_settings, demo_factory)
    record("fault_audio_read_only", "ok", f"audio folder remounted read-only: the assembled broadcast aired in full; new audio refused with \"{refused.value}\"")


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
