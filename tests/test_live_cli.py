"""`loaxa live --input FILE` against a real `loaxa play` process: the sentence airs and is logged; a killed sender ends the talk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.models import AsRunEntry, LiveSession, LogStatus
from broadcast.playout import live as rules
from broadcast.stations.lookup import get_station
from tests.conftest import quiet_programmes
from tests.live_audio import best_match, inner, samples, speech_wav
from tests.processes import wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _env(settings) -> dict:
    return {**os.environ, "LOAXA_DATA_DIR": str(settings.data_dir), "LOAXA_LOG_LEVEL": "INFO", "PYTHONPATH": str(ROOT),
            "LOAXA_LIVE_SILENCE_S": "3", "LOAXA_TEST_BROADCAST_DELAY_S": "0"}


def _loaxa(settings, *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "loaxa", *args], cwd=ROOT, env=_env(settings), stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _talk(factory, live_id: int) -> LiveSession:
    with transaction(factory) as session:
        return session.get(LiveSession, live_id)


def _last_talk_id(factory) -> int | None:
    with transaction(factory) as session:
        return session.scalar(select(LiveSession.id).order_by(LiveSession.id.desc()).limit(1))


def test_loaxa_live_from_a_file_then_a_killed_sender(demo_settings, demo_factory, tmp_path):
    sentence = speech_wav(tmp_path / "sentence.wav")
    log = tmp_path / "processes.log"
    quiet_programmes(demo_factory)  # at 05:30 or 17:00 the demo's programme would air under the talk
    player = _loaxa(demo_settings, "play", log=log)
    try:
        done = subprocess.run([sys.executable, "-m", "loaxa", "live", "--input", str(sentence), "--zones", "thon-1,thon-2",
                               "--speaker", "Phó chủ tịch xã"], cwd=ROOT, env=_env(demo_settings), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr + log.read_text()
        assert "Đã kết thúc" in done.stdout
        first = _talk(demo_factory, _last_talk_id(demo_factory))
        assert first.status == rules.ENDED and first.end_reason == rules.REASON_SPEAKER_ENDED
        spoken = samples(sentence)
        assert abs(first.seconds - len(spoken) / 8000) < 0.5
        aircheck = next((demo_settings.aircheck_dir / "cam-tan").rglob(f"*-live-{first.id}.mp3"))
        assert best_match(samples(aircheck), inner(spoken))[0] > 0.6
        # The sender is killed mid-talk (as a killed panel worker would be): the talk ends at once, the log says why.
        sender = _loaxa(demo_settings, "live", "--input", str(sentence), "--zones", "thon-3", log=log)
        wait_for(lambda: (t := _last_talk_id(demo_factory)) != first.id and _talk(demo_factory, t).status == rules.ON_AIR, 60, "the second talk on air")
        time.sleep(1.0)  # it speaks for a moment
        os.kill(sender.pid, signal.SIGKILL)
        sender.wait(10)
        killed_at = time.monotonic()
        second_id = _last_talk_id(demo_factory)
        wait_for(lambda: _talk(demo_factory, second_id).status == rules.ENDED, 30, "the killed sender's talk to end")
        assert time.monotonic() - killed_at < 3.0 + 2.0  # within the silence limit at worst
        second = _talk(demo_factory, second_id)
        assert second.end_reason in (rules.REASON_SENDER_GONE, rules.REASON_SILENCE.format(3.0)) and 0 < second.seconds < 4
    finally:
        player.send_signal(signal.SIGTERM)
        player.wait(20)
    with transaction(demo_factory) as session:
        rows = list(session.scalars(select(AsRunEntry).where(AsRunEntry.item_type == rules.ITEM_TYPE).order_by(AsRunEntry.seq)))
        assert asrun.verify(session, get_station(session, "cam-tan").id).ok
    assert [(r.voice, r.zones, r.status) for r in rows] == [("Phó chủ tịch xã", "thon-1,thon-2", LogStatus.PLAYED),
                                                            ("Máy của đài", "thon-3", LogStatus.PLAYED)]
    assert rows[1].reason == second.end_reason


def test_loaxa_live_refuses_bad_input_in_one_sentence(demo_settings):
    done = subprocess.run([sys.executable, "-m", "loaxa", "live", "--input", "khong-co.wav", "--for", "5m"], cwd=ROOT,
                          env=_env(demo_settings), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "Không dùng được nguồn thu 'khong-co.wav'" in done.stderr
