"""Streaming distribution: playout to a master Icecast mount, a listener served by a relay Icecast."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests

from audio.player import Player
from audio.sinks import IcecastSink
from audio.tools import Tools
from tests.icecast_server import Relay, icecast

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("icecast2") is None, reason="icecast2 is not installed")]
MOUNT = "/cam-tan-thon-1"  # /<station slug>-<zone code>: one mount per commune zone


def _has_mp3_frames(data: bytes) -> int:
    """How many MPEG audio frame headers (sync 0xFFE, layer III) start in the bytes."""
    return sum(1 for i in range(len(data) - 1) if data[i] == 0xFF and (data[i + 1] & 0xE0) == 0xE0 and (data[i + 1] & 0x06) == 0x02)


def _read(url: str, want: int, timeout: float) -> bytes:
    """Read at least `want` bytes of a live stream (or what arrived before the timeout)."""
    data = bytearray()
    deadline = time.monotonic() + timeout
    with requests.get(url, stream=True, timeout=(3, 5)) as response:
        response.raise_for_status()
        assert response.headers["Content-Type"].startswith("audio/mpeg")
        for block in response.iter_content(4096):
            data += block
            if len(data) >= want or time.monotonic() > deadline:
                break
    return bytes(data)


def test_broadcast_reaches_a_listener_through_a_relay(tmp_path: Path):
    src = tmp_path / "broadcast.wav"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=12", "-ar", "48000", "-ac", "1", str(src)], check=True)
    with icecast(tmp_path / "master") as master:
        player = Player(TOOLS)
        player.start(src, [IcecastSink(master.source_url(MOUNT), name="Cẩm Tân – Thôn 1")])
        try:
            assert player.wait_first_audio(timeout=10) is not None, master.error_log()
            with icecast(tmp_path / "relay", relays=(Relay(master.host, master.port, MOUNT, MOUNT),)) as relay:
                data = b""
                deadline = time.monotonic() + 8
                while time.monotonic() < deadline and not data:
                    try:
                        data = _read(relay.listen_url(MOUNT), want=16000, timeout=5)
                    except requests.HTTPError:
                        time.sleep(0.3)  # the relay has not connected to the master mount yet
                assert len(data) >= 16000, relay.error_log()[-2000:]
                assert _has_mp3_frames(data) >= 10
                # The relay is what served it: the master's own listener count for the mount is the relay alone.
                stats = requests.get(master.listen_url("/status-json.xsl"), timeout=5).json()["icestats"]["source"]
                stats = stats if isinstance(stats, dict) else next(s for s in stats if s["listenurl"].endswith(MOUNT))
                assert stats["listeners"] >= 1
        finally:
            result = player.stop()
    assert result.seconds_played > 1.0
