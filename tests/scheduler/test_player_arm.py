"""The audio Player additions playout relies on: armed start, seek and limit, looping filler, relay URLs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import AudioError
from audio.format import OUTPUT_ARGS, wav_duration
from audio.player import Player
from audio.sinks import FileSink, NullSink, build_playout_command
from audio.tools import Tools

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them

pytestmark = pytest.mark.slow  # wall-clock assertions: never beside other tests


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("arm") / "clip.wav"
    ffmpeg.run(["-f", "lavfi", "-i", "sine=f=440:d=1.0:sample_rate=48000", *OUTPUT_ARGS, "-y", str(path)], tools=TOOLS)
    return path


def test_armed_player_releases_audio_from_an_offset_for_a_limit(clip, tmp_path):
    out = tmp_path / "air.wav"
    player = Player(TOOLS)
    player.arm(clip, [FileSink(out)], start_at_s=0.25, duration_s=0.5)
    time.sleep(0.3)  # ffmpeg is up and waiting: nothing has aired
    assert player.first_audio_at() is None and player.position() == 0
    released = player.go()
    first = player.wait_first_audio(5)
    result = player.wait(10)
    assert result.error is None and result.seconds_played == pytest.approx(0.5, abs=0.03)
    assert first is not None and first - released < 0.25  # no process start-up between release and audio
    assert wav_duration(out) == pytest.approx(0.5, abs=0.01)


def test_armed_player_stopped_before_release_ends_at_once(clip):
    player = Player(TOOLS)
    player.arm(clip, [NullSink()])
    begin = time.monotonic()
    result = player.stop(grace_s=2.0)
    assert time.monotonic() - begin < 1.0 and result.seconds_played == 0 and result.stopped


def test_armed_player_stops_within_a_fraction_of_a_second_once_released(clip, tmp_path):
    out = tmp_path / "cut.wav"
    player = Player(TOOLS)
    player.arm(clip, [FileSink(out)])
    player.go()
    player.wait_first_audio(5)
    time.sleep(0.3)
    begin = time.monotonic()
    result = player.stop(grace_s=3.0)
    assert time.monotonic() - begin < 0.5 and result.error is None
    assert 0.2 < result.seconds_played < 0.9 and wav_duration(out) == pytest.approx(result.seconds_played, abs=0.1)


def test_unreadable_file_cannot_be_armed(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"garbage" * 50)
    with pytest.raises(AudioError):
        Player(TOOLS).arm(bad, [NullSink()])


def test_filler_loops_to_any_length_and_relays_get_a_timeout(clip):
    result = Player(TOOLS)
    result.start(clip, [NullSink()], realtime=False, duration_s=2.5, loop=True)
    assert result.wait(10).seconds_played == pytest.approx(2.5, abs=0.05)
    cmd = build_playout_command("http://127.0.0.1:9/live", [NullSink()], duration_s=4.0, tools=TOOLS)
    assert "-rw_timeout" in cmd and cmd[cmd.index("-t") + 1] == "4.000"
    relay = Player(TOOLS)
    relay.start("http://127.0.0.1:9/live", [NullSink()], duration_s=2.0)
    outcome = relay.wait(15)
    assert outcome.error and outcome.seconds_played == 0
