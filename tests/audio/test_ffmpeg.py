"""audio.ffmpeg: binary resolution, probe, progress parsing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import BadAudio, ToolMissing
from audio.tools import Tools
from tests.audio.conftest import TOOLS, tone


def test_probe_describes_audio(tmp_path: Path) -> None:
    info = ffmpeg.probe(tone(tmp_path / "a.wav", 1.5), tools=TOOLS)
    assert info.codec == "pcm_s16le" and info.sample_rate == 48000 and info.channels == 1
    assert info.duration_s == pytest.approx(1.5, abs=0.01)
    assert "wav" in info.container


def test_probe_rejects_renamed_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "bulletin.mp3"
    fake.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n" * 50)
    with pytest.raises(BadAudio, match="không phải là âm thanh"):
        ffmpeg.probe(fake, tools=TOOLS)


def test_probe_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadAudio, match="Không tìm thấy"):
        ffmpeg.probe(tmp_path / "nope.wav", tools=TOOLS)


def test_missing_configured_binary_is_tool_missing_naming_the_setting(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-ffmpeg")
    with pytest.raises(ToolMissing, match=f"Không chạy được ffmpeg tại '{missing}' \\(biến LOAXA_FFMPEG\\)"):
        ffmpeg.run(["-version"], tools=Tools(ffmpeg=missing))


def test_configured_binary_is_used(tmp_path: Path) -> None:
    link = tmp_path / "my-ffprobe"
    link.symlink_to(shutil.which("ffprobe"))
    tools = Tools(ffprobe=str(link))
    assert tools.path("ffprobe") == str(link)
    assert ffmpeg.probe(tone(tmp_path / "a.wav", 0.5), tools=tools).sample_rate == 48000


def test_parse_progress_takes_last_complete_block() -> None:
    lines = ["out_time_us=100", "progress=continue", "out_time_us=2500000", "progress=end", "out_time_us=9"]
    block = ffmpeg.parse_progress(lines)
    assert ffmpeg.out_time_s(block) == pytest.approx(2.5)


def test_probe_finds_duration_of_streamed_webm(tmp_path: Path) -> None:
    src = tone(tmp_path / "a.wav", 2.0)
    webm = tmp_path / "recorder.webm"
    ffmpeg.run(["-i", str(src), "-c:a", "libopus", "-live", "1", "-f", "webm", str(webm)], tools=TOOLS)
    info = ffmpeg.probe(webm, tools=TOOLS)  # no duration in the container: found by decoding
    assert info.codec == "opus" and info.duration_s == pytest.approx(2.0, abs=0.05)
