"""audio.ffmpeg: binary resolution, probe, progress parsing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import BadAudio, ToolMissing
from tests.audio.conftest import tone


def test_probe_describes_audio(tmp_path: Path) -> None:
    info = ffmpeg.probe(tone(tmp_path / "a.wav", 1.5))
    assert info.codec == "pcm_s16le" and info.sample_rate == 48000 and info.channels == 1
    assert info.duration_s == pytest.approx(1.5, abs=0.01)
    assert "wav" in info.container


def test_probe_rejects_renamed_pdf(tmp_path: Path) -> None:
    fake = tmp_path / "bulletin.mp3"
    fake.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n" * 50)
    with pytest.raises(BadAudio, match="không phải là âm thanh"):
        ffmpeg.probe(fake)


def test_probe_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadAudio, match="Không tìm thấy"):
        ffmpeg.probe(tmp_path / "nope.wav")


def test_missing_binary_from_env_is_tool_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOAXA_FFMPEG", str(tmp_path / "no-ffmpeg"))
    with pytest.raises(ToolMissing, match="LOAXA_FFMPEG"):
        ffmpeg.run(["-version"])


def test_env_override_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    link = tmp_path / "my-ffprobe"
    link.symlink_to(shutil.which("ffprobe"))
    monkeypatch.setenv("LOAXA_FFPROBE", str(link))
    assert ffmpeg.binary("ffprobe") == str(link)
    assert ffmpeg.probe(tone(tmp_path / "a.wav", 0.5)).sample_rate == 48000


def test_parse_progress_takes_last_complete_block() -> None:
    lines = ["out_time_us=100", "progress=continue", "out_time_us=2500000", "progress=end", "out_time_us=9"]
    block = ffmpeg.parse_progress(lines)
    assert ffmpeg.out_time_s(block) == pytest.approx(2.5)


def test_probe_finds_duration_of_streamed_webm(tmp_path: Path) -> None:
    src = tone(tmp_path / "a.wav", 2.0)
    webm = tmp_path / "recorder.webm"
    ffmpeg.run(["-i", str(src), "-c:a", "libopus", "-live", "1", "-f", "webm", str(webm)])
    info = ffmpeg.probe(webm)  # no duration in the container: found by decoding
    assert info.codec == "opus" and info.duration_s == pytest.approx(2.0, abs=0.05)
