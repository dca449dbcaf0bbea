"""audio.recording: uploads in browser and phone formats, and the bad ones people send."""
from __future__ import annotations

from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import BadAudio, TooLarge, TooLong
from audio.format import is_canonical_wav
from audio.recording import prepare_recording
from tests.audio.conftest import TOOLS, silence


def _encode(src: Path, out: Path, *codec: str) -> Path:
    ffmpeg.run(["-i", str(src), *codec, "-y", str(out)], tools=TOOLS)
    return out


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        # -live 1 leaves out duration and cues, like a browser MediaRecorder file.
        ("memo.webm", ("-c:a", "libopus", "-b:a", "32k", "-live", "1", "-f", "webm")),
        ("memo.m4a", ("-c:a", "aac", "-b:a", "64k", "-f", "ipod")),  # phone voice memo
        ("memo.mp3", ("-c:a", "libmp3lame", "-ar", "44100", "-ac", "2", "-f", "mp3")),
        ("memo.ogg", ("-c:a", "libvorbis", "-f", "ogg")),
    ],
)
def test_uploads_become_canonical(name: str, codec: tuple[str, ...], espeak_raw: Path, tmp_path: Path,
                                  cache_dir: Path) -> None:
    upload = _encode(espeak_raw, tmp_path / name, *codec)
    r = prepare_recording(upload, cache_dir, tools=TOOLS)
    assert r.engine == "recording" and not r.cached and is_canonical_wav(r.path)
    assert abs(r.lufs + 16) <= 1.0 and r.true_peak <= -1.5 and r.duration_s > 1.0
    assert prepare_recording(upload, cache_dir, tools=TOOLS).cached


def test_renamed_pdf_is_refused(tmp_path: Path, cache_dir: Path) -> None:
    fake = tmp_path / "thong-bao.mp3"
    fake.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 200)
    with pytest.raises(BadAudio, match="thong-bao.mp3.*không phải là âm thanh"):
        prepare_recording(fake, cache_dir, tools=TOOLS)


def test_silence_only_is_refused(tmp_path: Path, cache_dir: Path) -> None:
    with pytest.raises(BadAudio, match="im lặng"):
        prepare_recording(silence(tmp_path / "mic-off.wav", 4.0), cache_dir, tools=TOOLS)
    assert list(cache_dir.rglob("*.wav")) == []


def test_too_large_is_refused_before_decoding(tmp_path: Path, cache_dir: Path) -> None:
    big = tmp_path / "big.wav"
    big.write_bytes(b"\0" * 2048)
    with pytest.raises(TooLarge, match="quá giới hạn"):
        prepare_recording(big, cache_dir, max_bytes=1024, tools=TOOLS)


def test_empty_and_missing_files(tmp_path: Path, cache_dir: Path) -> None:
    empty = tmp_path / "empty.webm"
    empty.touch()
    with pytest.raises(BadAudio, match="rỗng"):
        prepare_recording(empty, cache_dir, tools=TOOLS)
    with pytest.raises(BadAudio, match="Không tìm thấy"):
        prepare_recording(tmp_path / "gone.mp3", cache_dir, tools=TOOLS)


def test_too_long_recording(espeak_raw: Path, cache_dir: Path) -> None:
    with pytest.raises(TooLong):
        prepare_recording(espeak_raw, cache_dir, max_seconds=1.0, tools=TOOLS)
