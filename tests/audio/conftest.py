"""Shared fixtures: real sounds made with ffmpeg and espeak-ng (no mocks of either)."""
from __future__ import annotations

import os
import wave
from pathlib import Path

import pytest

from audio import ffmpeg
from audio.tools import Tools
from audio.tts.espeak import EspeakEngine

GREETING = "Kính thưa bà con"
TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them


def tone(path: Path, seconds: float, *, freq: float = 440.0, level_db: float = -20.0, rate: int = 48000,
         lead_s: float = 0.0, tail_s: float = 0.0, codec: str = "pcm_s16le", fmt: str = "wav") -> Path:
    """Write a sine tone with optional silence before and after it."""
    amp = 10 ** (level_db / 20)
    end = lead_s + seconds
    expr = f"{amp}*sin(2*PI*{freq}*t)*between(t,{lead_s},{end})"
    ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc='{expr}':s={rate}:c=mono:d={end + tail_s}",
                "-c:a", codec, "-f", fmt, "-y", str(path)], tools=TOOLS)
    return path


def silence(path: Path, seconds: float) -> Path:
    """Write digital silence as a WAV."""
    ffmpeg.run(["-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", str(seconds), "-c:a", "pcm_s16le",
                "-f", "wav", "-y", str(path)], tools=TOOLS)
    return path


def pcm_frames(path: Path) -> bytes:
    """Raw sample bytes of a PCM WAV."""
    with wave.open(str(path), "rb") as w:
        return w.readframes(w.getnframes())


def leftovers(folder: Path) -> list[Path]:
    """Temporary or partial files left in a folder tree."""
    return [p for p in Path(folder).rglob("*") if p.name.startswith(".") or p.suffix in (".tmp", ".part")]


@pytest.fixture(scope="session")
def espeak_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raw espeak-ng render of a Vietnamese greeting (22.05 kHz WAV, peaks near 0 dBFS)."""
    out = tmp_path_factory.mktemp("espeak") / "greeting.wav"
    # espeak-ng's own male voice: its peaks sit near 0 dBFS (the tuned female default peaks at about -1.5).
    EspeakEngine().synthesize(GREETING + ", sáng nay xã tổ chức tiêm phòng cho trẻ em.", "vi", {"variant": ""}, out, tools=TOOLS)
    return out


@pytest.fixture()
def cache_dir(tmp_path: Path) -> Path:
    """An empty render cache folder."""
    path = tmp_path / "cache"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def _no_proxy_leak(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start without proxy variables so gTTS behaviour depends only on the test."""
    for name in list(os.environ):
        if name.lower() in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
