"""A playout whose ffmpeg stays alive but puts out no audio is stopped, not left holding a silent air."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from audio import ffmpeg
from audio.format import OUTPUT_ARGS
from audio.player import Player
from audio.sinks import NullSink
from audio.tools import Tools
from scheduler import airing
from scheduler.context import OnAir

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them

pytestmark = pytest.mark.slow  # wall-clock assertions: never beside other tests


def test_a_stalled_player_is_stopped_with_a_reason(tmp_path, monkeypatch):
    clip = tmp_path / "clip.wav"
    ffmpeg.run(["-f", "lavfi", "-i", "sine=f=440:d=5:sample_rate=48000", *OUTPUT_ARGS, "-y", str(clip)], tools=TOOLS)
    monkeypatch.setattr(airing, "STALL_S", 1.0)
    player = Player(TOOLS)
    player.arm(clip, [NullSink()])  # never released: ffmpeg waits on an input that never comes, like a hung feed
    began = time.monotonic()
    result, interrupted = airing._follow(SimpleNamespace(realtime=True), player, OnAir(1, []), lambda played: None)
    assert not interrupted and not player.running
    assert 1.0 <= time.monotonic() - began < 4.0
    assert result.error and "bị treo" in result.error and result.seconds_played == 0


def test_a_playing_player_is_not_taken_for_stalled(tmp_path, monkeypatch):
    clip = tmp_path / "clip.wav"
    ffmpeg.run(["-f", "lavfi", "-i", "sine=f=440:d=2.5:sample_rate=48000", *OUTPUT_ARGS, "-y", str(clip)], tools=TOOLS)
    monkeypatch.setattr(airing, "STALL_S", 1.0)
    player = Player(TOOLS)
    player.start(clip, [NullSink()], realtime=True)
    result, interrupted = airing._follow(SimpleNamespace(realtime=True), player, OnAir(1, []), lambda played: None)
    assert not interrupted and result.error is None and result.seconds_played > 2.3
