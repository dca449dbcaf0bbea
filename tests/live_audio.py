"""Helpers for live-talk tests: a spoken sentence made with espeak-ng, and finding it in what aired (cross-correlation)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from audio.tools import Tools
from audio.tts.espeak import EspeakEngine

SENTENCE = "Kính thưa bà con, chiều nay xã họp dân tại nhà văn hóa thôn hai."
OTHER = "Mời các cháu thiếu nhi đến trạm y tế xã để uống vitamin."
RATE = 8000  # enough for speech, and keeps the correlation cheap
FRAME = 80  # 10 ms: the syllable rhythm of speech, which noise suppression, AGC, Opus and MP3 all keep


def speech_wav(out: Path, text: str = SENTENCE) -> Path:
    """A sentence spoken by espeak-ng as a WAV file, in its own male voice (not the station's tuned default)."""
    # Pinned: the sentence is a test signal found by cross-correlation after Chromium's capture (noise suppression on),
    # Opus and MP3; with the tuned f3 variant it scored 0.07 there in one run, with the male voice it passes the 0.5 bar.
    EspeakEngine().synthesize(text, "vi", {"variant": ""}, out, tools=Tools())
    return out


def samples(path: Path) -> np.ndarray:
    """The audio of a file as mono float samples at RATE (decoded by ffmpeg)."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE), "-f", "s16le", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64)


def inner(sound: np.ndarray, trim_s: float = 0.4) -> np.ndarray:
    """The sound without its edges, so that it fits inside a recording that starts and ends with it."""
    cut = int(trim_s * RATE)
    return sound[cut:-cut]


def best_match(haystack: np.ndarray, needle: np.ndarray) -> tuple[float, float]:
    """Peak normalized cross-correlation of needle inside haystack (1.0 = identical) and its offset in seconds."""
    needle = needle - needle.mean()
    n = len(needle)
    if len(haystack) < n:
        haystack = np.concatenate([haystack, np.zeros(n - len(haystack))])
    size = 1 << int(np.ceil(np.log2(len(haystack) + n)))
    corr = np.fft.irfft(np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size)), size)[: len(haystack) - n + 1]
    sums = np.concatenate([[0.0], np.cumsum(haystack)])
    squares = np.concatenate([[0.0], np.cumsum(haystack ** 2)])
    window_sum = sums[n:] - sums[:-n]
    window_energy = np.maximum(squares[n:] - squares[:-n] - window_sum ** 2 / n, 1e-9)
    ncc = corr / (np.sqrt(window_energy) * np.linalg.norm(needle))
    lag = int(np.argmax(ncc))
    return float(ncc[lag]), lag / RATE


def envelope(sound: np.ndarray) -> np.ndarray:
    """The loudness of a sound in FRAME-long steps (RMS), blind to phase changes that a waveform match would see."""
    frames = len(sound) // FRAME
    return np.sqrt((sound[: frames * FRAME].reshape(frames, FRAME) ** 2).mean(axis=1))


def envelope_match(haystack: np.ndarray, needle: np.ndarray) -> float:
    """Peak normalized cross-correlation of needle's loudness envelope inside haystack's (1.0 = same rhythm)."""
    return best_match(envelope(haystack), envelope(needle))[0]


def keep_evidence(name: str, *files: Path) -> Path:
    """Copy the files a failed match was measured on where they outlive the test's data dir; returns that directory."""
    kept = Path(tempfile.gettempdir()) / "loaxa-evidence" / f"{name}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}"
    kept.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy(path, kept / path.name)
    return kept
