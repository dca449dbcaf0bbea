"""audio.sinks and audio.player: real-time playout with real ffmpeg (no sound card here)."""
from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import AudioError
from audio.player import Player, play
from audio.sinks import AlsaSink, FileSink, IcecastSink, NullSink, build_playout_command, part_path
from tests.audio.conftest import TOOLS, tone


@pytest.fixture(scope="module")
def src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tone(tmp_path_factory.mktemp("play") / "programme.wav", 2.0)


@pytest.mark.slow
def test_file_sink_records_in_real_time(src: Path, tmp_path: Path) -> None:
    mp3, wav = FileSink(tmp_path / "air" / "check.mp3"), FileSink(tmp_path / "air" / "check.wav")
    player = Player(TOOLS)
    spawned = player.start(src, [mp3, wav])
    first = player.wait_first_audio(5.0)
    assert first is not None and first - spawned < 2.0  # ffmpeg's start-up: ~0.1 s idle, several tenths on a busy machine
    # Both files hold what has aired while the rest is still playing (not one block written at the end).
    deadline = time.monotonic() + 5.0
    while player.position() < 1.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert player.running, "the 2 s programme ended before 1 s was seen: the machine is too slow for this check"
    assert part_path(wav).stat().st_size >= 44 + 48000 * 2 * 0.8  # 0.8 s of 48 kHz 16-bit mono, at least
    assert part_path(mp3).stat().st_size >= 8000 * 0.8  # 0.8 s of 64 kbit/s
    result = player.wait(10)
    assert result.error is None and result.returncode == 0
    assert result.seconds_played == pytest.approx(2.0, abs=0.05)
    assert player.elapsed() >= 1.9  # -re paced it in real time
    assert ffmpeg.probe(mp3.path, tools=TOOLS).duration_s == pytest.approx(2.0, abs=0.1)
    assert ffmpeg.probe(wav.path, tools=TOOLS).duration_s == pytest.approx(2.0, abs=0.02)
    assert not part_path(mp3).exists() and not part_path(wav).exists()


@pytest.mark.slow
def test_null_sink(src: Path) -> None:
    result = play(src, [NullSink()], start_at_s=1.0, timeout=10, tools=TOOLS)
    assert result.error is None and result.seconds_played == pytest.approx(1.0, abs=0.05)


def test_alsa_without_sound_card_fails_clearly(src: Path) -> None:
    started = time.monotonic()
    result = play(src, [NullSink(), AlsaSink("default")], timeout=10, tools=TOOLS)
    assert time.monotonic() - started < 2.0
    assert result.returncode != 0 and result.seconds_played < 0.5
    assert result.error is not None and "ALSA 'default'" in result.error


@pytest.mark.slow
def test_stop_mid_play_reports_what_was_aired(src: Path, tmp_path: Path) -> None:
    sink = FileSink(tmp_path / "cut.wav")
    player = Player(TOOLS)
    player.start(src, [sink])
    first = player.wait_first_audio(5.0)
    assert first is not None
    time.sleep(1.0)
    wall = time.monotonic() - first  # audio time starts at the first audio out, not at the spawn
    result = player.stop()
    assert result.stopped and result.error is None
    assert result.seconds_played == pytest.approx(wall, abs=0.25)
    assert ffmpeg.probe(sink.path, tools=TOOLS).duration_s == pytest.approx(result.seconds_played, abs=0.1)


@pytest.mark.slow
def test_resume_plays_only_the_rest(src: Path, tmp_path: Path) -> None:
    sink = FileSink(tmp_path / "rest.wav")
    result = play(src, [sink], start_at_s=1.4, timeout=10, tools=TOOLS)
    assert result.seconds_played == pytest.approx(0.6, abs=0.05)
    assert ffmpeg.probe(sink.path, tools=TOOLS).duration_s == pytest.approx(0.6, abs=0.02)


def test_icecast_command_and_refused_connection(src: Path) -> None:
    with socket.socket() as probe:  # a free port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = IcecastSink(f"icecast://source:s3cret@127.0.0.1:{port}/xa")
    cmd = build_playout_command(src, [sink, AlsaSink("hw:1")], start_at_s=12.5, tools=TOOLS)
    joined = " ".join(cmd)
    assert "-re" in cmd and cmd[cmd.index("-ss") + 1] == "12.500" and cmd.index("-ss") < cmd.index("-i")
    assert f"-content_type audio/mpeg -ice_name loaxa -f mp3 icecast://source:s3cret@127.0.0.1:{port}/xa" in joined
    assert "-f alsa hw:1" in joined and "-b:a 64k" in joined
    result = play(src, [sink], timeout=10, tools=TOOLS)
    assert result.error is not None and f"Icecast 127.0.0.1:{port}/xa" in result.error
    assert "s3cret" not in result.stderr_tail + result.error


def test_bad_sink_specs(src: Path, tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"\.mp3 hoặc \.wav"):
        build_playout_command(src, [FileSink(tmp_path / "x.flac")], tools=TOOLS)
    with pytest.raises(AudioError, match="icecast://"):
        build_playout_command(src, [IcecastSink("http://127.0.0.1:8000/xa")], tools=TOOLS)
    with pytest.raises(AudioError, match="ít nhất một đầu ra"):
        build_playout_command(src, [], tools=TOOLS)
    assert "-re" not in build_playout_command(src, [NullSink()], realtime=False, tools=TOOLS)
