"""The receiver process: play a zone's mount to a sink forever (reconnecting with backoff) and report to the station."""

from __future__ import annotations

import json
import logging
import os
import signal as os_signal
import subprocess
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from audio import ffmpeg
from audio.sinks import LEVEL_RATE, Sink, build_listen_command
from audio.tools import Tools
from receiver.signal import IcyReader, PlayTracker, header_text, next_backoff, rms_dbfs

log = logging.getLogger("loaxa.receiver")

# Level readings every 0.1 s of audio (800 samples of 16 bits).
LEVEL_BLOCK = LEVEL_RATE // 10 * 2
# A live stream that sends nothing for this long is dead: reconnect.
READ_TIMEOUT_S = 10.0
# Air-check kept in memory: the last minutes the receiver played, written to a file on SIGUSR1.
AIRCHECK_S = 300
AIRCHECK_BYTES = AIRCHECK_S * 64_000 // 8


def receiver_version() -> str:
    """loaxa's installed version."""
    try:
        return version("loaxa")
    except PackageNotFoundError:
        return "0"


def agent() -> str:
    """The User-Agent by which the station finds its receivers in Icecast's listener list."""
    return f"loaxa-receiver/{receiver_version()}"


@dataclass
class Config:
    """What the receiver plays, where it reports and how often."""

    url: str
    sink: Sink
    tools: Tools
    token: str = ""
    report_url: str = ""
    zone: str = ""
    every_s: float = 60.0
    state_file: Path | None = None
    aircheck_dir: Path | None = None
    # Mounts exist only while a broadcast airs: a short cap finds a new one within seconds.
    backoff_max_s: float = 5.0


@dataclass
class State:
    """What the receiver knows now, shared by its threads (guarded by lock)."""

    started: float = field(default_factory=time.monotonic)
    connected: bool = False
    title: str = ""
    level_db: float | None = None
    network_errors: int = 0
    last_error: str = ""
    tracker: PlayTracker = field(default_factory=PlayTracker)
    lock: threading.Lock = field(default_factory=threading.Lock)


def zone_of(url: str) -> str:
    """The mount of a stream URL without its slash (the station accepts a zone's code or its mount)."""
    return urlsplit(url).path.strip("/")


class Receiver:
    """Three threads: the stream (HTTP → ffmpeg), the level (ffmpeg → readings), the reports (every interval and on change)."""

    def __init__(self, config: Config):
        self.config = config
        self.state = State()
        self.stop_event = threading.Event()
        self.changed = threading.Event()
        self.aircheck: deque[bytes] = deque()
        self._aircheck_size = 0
        self._counter = self._load_counter()

    # --- counter (replay protection survives restarts) ---
    def _load_counter(self) -> int:
        path = self.config.state_file
        try:
            return int(json.loads(path.read_text(encoding="utf-8"))["counter"]) if path and path.exists() else 0
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def _save_counter(self) -> None:
        path = self.config.state_file
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps({"counter": self._counter}), encoding="utf-8")
        os.replace(tmp, path)

    # --- stream ---
    def _fail(self, reason: str, counts: bool = True) -> None:
        """Not connected any more; a report goes at once only when it was (retries must not flood the station)."""
        with self.state.lock:
            was = self.state.connected
            self.state.connected = False
            if counts:
                self.state.network_errors += 1
                self.state.last_error = reason[:300]
        if was:
            self.changed.set()

    def _keep(self, audio: bytes) -> None:
        """Append to the in-memory air-check, dropping the oldest beyond AIRCHECK_BYTES."""
        self.aircheck.append(audio)
        self._aircheck_size += len(audio)
        while self._aircheck_size > AIRCHECK_BYTES and self.aircheck:
            self._aircheck_size -= len(self.aircheck.popleft())

    def write_aircheck(self) -> Path | None:
        """Write the kept audio to <aircheck_dir>/receiver-<time>.mp3 (atomically)."""
        folder = self.config.aircheck_dir
        if folder is None or not self.aircheck:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / time.strftime("receiver-%Y%m%d-%H%M%S.mp3")
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_bytes(b"".join(list(self.aircheck)))
        os.replace(tmp, path)
        return path

    def _levels(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        while True:
            block = proc.stdout.read(LEVEL_BLOCK)
            if not block:
                return
            level = rms_dbfs(block)
            with self.state.lock:
                was = self.state.tracker.playing_at(time.monotonic())
                self.state.level_db = level
                self.state.tracker.hear(time.monotonic(), level)
                now_playing = self.state.tracker.playing_at(time.monotonic())
            if was != now_playing:
                self.changed.set()

    def _play_once(self) -> bool:
        """One connection: stream until it ends or fails; True when audio flowed (the backoff starts over)."""
        headers = {"User-Agent": agent(), "Icy-MetaData": "1"}
        flowed = False
        with requests.get(self.config.url, stream=True, headers=headers, timeout=(5, READ_TIMEOUT_S)) as response:
            if response.status_code != 200:
                # 404 is the normal answer between broadcasts (the mount exists only while one airs): no error.
                self._fail(f"HTTP {response.status_code} từ {zone_of(self.config.url)}", counts=response.status_code != 404)
                return False
            icy = IcyReader(int(response.headers.get("icy-metaint", "0") or 0))
            with self.state.lock:
                self.state.connected = True
                self.state.title = header_text(response.headers.get("icy-description") or response.headers.get("icy-name") or "")
            self.changed.set()
            proc = ffmpeg.spawn(build_listen_command(self.config.sink, tools=self.config.tools),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            reader = threading.Thread(target=self._levels, args=(proc,), daemon=True)
            reader.start()
            try:
                for chunk in response.iter_content(4096):
                    if self.stop_event.is_set():
                        break
                    audio = icy.feed(chunk)
                    if icy.title:  # Icecast sends StreamTitle='' when the source set none: keep the description then
                        with self.state.lock:
                            self.state.title = icy.title
                    assert proc.stdin is not None
                    proc.stdin.write(audio)
                    self._keep(audio)
                    flowed = True
            finally:
                try:
                    if proc.stdin:
                        proc.stdin.close()
                except OSError:
                    pass
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                reader.join(timeout=2)
        if not self.stop_event.is_set():
            self._fail("luồng đã ngắt")
        return flowed

    def stream_forever(self) -> None:
        """Connect, play, and on any failure wait (0.5 s doubling up to the cap) and try again, until stopped."""
        delay: float | None = None
        while not self.stop_event.is_set():
            try:
                if self._play_once():
                    delay = None
            except (requests.RequestException, OSError) as exc:
                self._fail(type(exc).__name__ + ": " + str(exc)[:200])
            delay = next_backoff(delay, self.config.backoff_max_s)
            self.stop_event.wait(delay)

    # --- reports ---
    def report_body(self) -> dict[str, Any]:
        """The next report (a new counter each time)."""
        now = time.monotonic()
        self._counter += 1
        self._save_counter()
        with self.state.lock:
            playing = self.state.connected and self.state.tracker.playing_at(now)
            return {
                "zone": self.config.zone or zone_of(self.config.url), "counter": self._counter,
                "interval_s": self.config.every_s, "connected": self.state.connected, "playing": playing,
                "playing_for_s": round(self.state.tracker.playing_for(now), 3) if playing else 0.0,
                "level_db": round(self.state.level_db, 1) if self.state.level_db is not None else None,
                "title": self.state.title, "network_errors": self.state.network_errors, "last_error": self.state.last_error,
                "uptime_s": round(now - self.state.started, 3), "version": receiver_version(),
            }

    def send_report(self, session: requests.Session) -> None:
        """POST one report; a refusal or network error is logged and the next interval tries again."""
        try:
            response = session.post(self.config.report_url, json=self.report_body(), timeout=(3, 5))
            if response.status_code != 200:
                log.warning("station refused the report (%s): %s", response.status_code, response.text[:300])
        except requests.RequestException as exc:
            log.warning("report not sent: %s", exc)

    def report_forever(self) -> None:
        """Report every interval, and at once when playing starts or stops."""
        if not self.config.report_url:
            return
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.config.token}"
        session.headers["User-Agent"] = agent()
        while not self.stop_event.is_set():
            self.changed.clear()
            self.send_report(session)
            self.changed.wait(self.config.every_s)

    def run(self) -> None:
        """Run until SIGTERM/SIGINT; SIGUSR1 writes the air-check of the last minutes."""
        os_signal.signal(os_signal.SIGTERM, lambda *_: self.stop())
        os_signal.signal(os_signal.SIGINT, lambda *_: self.stop())
        os_signal.signal(os_signal.SIGUSR1, lambda *_: self.write_aircheck())
        threading.Thread(target=self.report_forever, daemon=True).start()
        worker = threading.Thread(target=self.stream_forever, daemon=True)
        worker.start()
        while worker.is_alive() and not self.stop_event.is_set():
            self.stop_event.wait(0.5)

    def stop(self) -> None:
        """Ask every thread to end."""
        self.stop_event.set()
        self.changed.set()
