"""SIGKILL the panel's server mid live talk while `loaxa play` airs it: the talk ends, is logged once, the cut programme
resumes, the chain verifies; a restarted panel takes a new talk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import select

from broadcast.db import transaction
from broadcast.models import AsRunEntry, BroadcastKind, BroadcastStatus, LiveSession, LogStatus, PlayerHeartbeat, Zone
from broadcast.planning.oneoff import create_message_broadcast
from broadcast.playout import live as rules
from broadcast.playout.assembly import assemble_broadcast
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from tests.conftest import quiet_programmes, subprocess_env
from tests.live_audio import RATE, samples, speech_wav
from tests.processes import login, start_panel, stop, wait_for
from tests.scheduler.conftest import get_broadcast, rows_of

ROOT = Path(__file__).resolve().parents[2]
SILENCE_S = 3.0
LEAD_S = 4.0  # from placing the programme to its start: the player syncs every second
TALK = ("thon-1", "thon-2")
NEWS = "Kính thưa bà con, đây là bản tin của xã. Chiều nay có họp dân tại nhà văn hóa thôn."


class Sender:
    """A browser's part: Opus in WebM from a sound file, read in real time, each piece POSTed in order as it comes."""

    def __init__(self, base: str, http: requests.Session, token: str, live_id: int, wav: Path, loop: bool) -> None:
        self.url, self.http, self.token, self.live_id = base, http, token, live_id
        loop_args = ["-stream_loop", "-1"] if loop else []
        self.encoder = subprocess.Popen(
            ["ffmpeg", "-loglevel", "error", "-re", *loop_args, "-i", str(wav), "-ac", "1", "-c:a", "libopus", "-b:a", "32k",
             "-f", "webm", "-live", "1", "-cluster_time_limit", "250", "-flush_packets", "1", "pipe:1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.posted, self.failed, self.first_at = 0, "", 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        headers = {"X-CSRFToken": self.token, "Content-Type": "application/octet-stream"}
        while data := self.encoder.stdout.read1(65536):  # type: ignore[union-attr]
            try:
                answer = self.http.post(f"{self.url}/truc-tiep/{self.live_id}/am-thanh/{self.posted}", data=data, headers=headers, timeout=10)
            except requests.RequestException as exc:
                self.failed = type(exc).__name__  # the server is gone: a browser's posts fail the same way
                break
            if answer.status_code != 204:
                self.failed = f"{answer.status_code} {answer.text}"
                break
            self.posted += 1
            self.first_at = self.first_at or time.monotonic()
        self.close()

    def close(self) -> None:
        if self.encoder.poll() is None:
            self.encoder.kill()
        self.encoder.wait()


def _talk(factory, live_id: int) -> LiveSession:
    with transaction(factory) as session:
        return session.get(LiveSession, live_id)


def _live_rows(factory) -> list[AsRunEntry]:
    with transaction(factory) as session:
        return list(session.scalars(select(AsRunEntry).where(AsRunEntry.item_type == rules.ITEM_TYPE).order_by(AsRunEntry.seq)))


def _player_alive(factory, since) -> bool:
    with transaction(factory) as session:
        beat = session.get(PlayerHeartbeat, get_station(session, "cam-tan").id)
        return beat is not None and beat.beat_at >= since


def _programme(settings, factory, zone_ids: list[int]) -> int:
    """A programme of about ten seconds of speech between jingles on the talk's zones, starting LEAD_S from now."""
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        start = SystemClock().now() + timedelta(seconds=LEAD_S)
        broadcast = create_message_broadcast(session, settings, station, "Bản tin chiều", NEWS, start, kind=BroadcastKind.ONE_OFF,
                                             zone_ids=zone_ids, with_jingles=True)
        broadcast.slot_end = start + timedelta(seconds=120)  # room to resume late
        assemble_broadcast(session, settings, station, broadcast)
        return broadcast.id


def _go_live(base: str, http: requests.Session, token: str, zone_ids: list[int]) -> int:
    answer = http.post(base + "/truc-tiep/bat-dau", data={"csrf_token": token, "zones": [str(z) for z in zone_ids]}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["id"]


def test_sigkill_of_the_panel_mid_talk_ends_it_logs_it_once_and_the_schedule_resumes(demo_settings, demo_factory, tmp_path, record):
    sentence = speech_wav(tmp_path / "sentence.wav")
    with transaction(demo_factory) as session:
        zones = {z.code: z.id for z in session.scalars(select(Zone))}
    talk_zones = [zones[c] for c in TALK]
    quiet_programmes(demo_factory)  # only this test's programme airs, whatever the time of day
    env = {"LOAXA_LIVE_SILENCE_S": str(SILENCE_S), "LOAXA_SYNC_INTERVAL_S": "1", "LOAXA_TEST_BROADCAST_DELAY_S": "0"}
    log = (tmp_path / "play.log").open("ab")
    began = SystemClock().now()
    player = subprocess.Popen([sys.executable, "-m", "loaxa", "play"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                              env=subprocess_env(demo_settings, PYTHONPATH=str(ROOT), LOAXA_LOG_LEVEL="INFO", **env))
    web, base = start_panel(demo_settings, **env)
    senders: list[Sender] = []
    try:
        http, token = login(base, "bientap", page="/truc-tiep/")
        wait_for(lambda: _player_alive(demo_factory, began), 90, "the player to take the station")
        programme = _programme(demo_settings, demo_factory, talk_zones)
        wait_for(lambda: rows_of(demo_factory, programme), 60, "the programme's opening jingle to air")  # its news airs now

        # The editor goes live on the programme's zones and speaks (a looped sentence: still speaking when the server dies).
        first = _go_live(base, http, token, talk_zones)
        wait_for(lambda: _talk(demo_factory, first).status == rules.ON_AIR, 30, "the air to be cleared for the talk")
        senders.append(Sender(base, http, token, first, sentence, loop=True))
        wait_for(lambda: senders[0].first_at and time.monotonic() - senders[0].first_at > 1.5, 30, "the browser to speak a while")
        spool = Path(_talk(demo_factory, first).spool_dir)
        os.kill(web.pid, signal.SIGKILL)
        web.wait(10)
        killed_at = SystemClock().now()
        wait_for(lambda: _talk(demo_factory, first).status == rules.ENDED, 30, "the talk to end after the kill")
        ended_after = (_talk(demo_factory, first).ended_at - killed_at).total_seconds()
        senders[0].thread.join(15)
        assert senders[0].failed, "the sender never noticed the dead server: the kill did not cut a talk under way"

        # A restarted panel takes a new talk, on another zone (the cut programme is resuming on the first two meanwhile).
        web, base = start_panel(demo_settings, **env)
        http, token = login(base, "bientap", page="/truc-tiep/")
        second = _go_live(base, http, token, [zones["thon-3"]])
        wait_for(lambda: _talk(demo_factory, second).status == rules.ON_AIR, 30, "the air for the second talk")
        senders.append(Sender(base, http, token, second, sentence, loop=False))
        senders[1].thread.join(60)
        assert not senders[1].failed and senders[1].posted > 4, senders[1].failed
        assert http.post(f"{base}/truc-tiep/{second}/ket-thuc", headers={"X-CSRFToken": token}, timeout=30).status_code == 200
        wait_for(lambda: _talk(demo_factory, second).status == rules.ENDED, 30, "the second talk to end")
        wait_for(lambda: get_broadcast(demo_factory, programme).status == BroadcastStatus.DONE, 90, "the cut programme to finish")
    finally:
        for sender in senders:
            sender.close()
        if web.poll() is None:
            stop(web)
        stop(player)
        log.close()

    killed, again = _talk(demo_factory, first), _talk(demo_factory, second)
    # Ended within the silence limit (at once: the player sees the receiving process gone), and says so.
    assert killed.end_reason == rules.REASON_SENDER_GONE and ended_after < SILENCE_S + 2.0, (killed.end_reason, ended_after)
    assert 0.5 < killed.seconds < 30 and not spool.exists()
    # Exactly one chained row per talk, honest about how each ended; the chain verifies.
    rows = _live_rows(demo_factory)
    assert [(r.item_ref, r.status, r.zones, r.reason) for r in rows] == [
        (f"live:{first}", LogStatus.PLAYED, "thon-1,thon-2", rules.REASON_SENDER_GONE),
        (f"live:{second}", LogStatus.PLAYED, "thon-3", rules.REASON_SPEAKER_ENDED)]
    assert abs(rows[0].seconds - killed.seconds) < 0.01 and rows[0].voice == rows[1].voice and rows[0].voice
    sentence_s = len(samples(sentence)) / RATE
    assert abs(again.seconds - sentence_s) < 0.7, (again.seconds, sentence_s)  # the whole sentence, nothing stuck on air
    # What the talk cut is logged interrupted once and resumes after it (the station resumes after a priority item).
    programme_rows = rows_of(demo_factory, programme)
    cut = [r for r in programme_rows if r.status == LogStatus.INTERRUPTED]
    assert len(cut) == 1 and cut[0].reason == rules.REASON_CUT and cut[0].seconds > 0 and cut[0].title in killed.interrupted
    rest = [r for r in programme_rows if r.broadcast_item_id == cut[0].broadcast_item_id and r is not cut[0]]
    assert [r.status for r in rest] == [LogStatus.LATE] and rest[0].actual_start >= rows[0].actual_end - timedelta(seconds=0.5)
    verify = subprocess.run([sys.executable, "-m", "loaxa", "log", "verify"], cwd=ROOT, env=subprocess_env(demo_settings),
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    record("live_end_after_web_sigkill_s", f"{ended_after:.2f}", "seconds from SIGKILL of `loaxa web` mid live talk to the talk "
           f"ended and logged once by `loaxa play` (silence limit {SILENCE_S:g} s); the cut programme resumed, the chain verified")
