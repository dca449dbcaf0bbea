"""Pure parts of the receiver: ICY metadata, audio level, playing-or-silent with hysteresis, reconnect backoff, intervals."""

from __future__ import annotations

import math
import re
from array import array
from dataclasses import dataclass

# Below this RMS level (dBFS) a second of audio counts as silence: a stream of digital silence or hiss.
SILENCE_DB = -55.0
# Audio must stay silent (or absent) this long before the receiver says it stopped playing: a pause between two items is not silence.
SILENT_AFTER_S = 3.0
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 30.0

_TITLE = re.compile(rb"StreamTitle='(.*?)';", re.S)


def rms_dbfs(pcm: bytes) -> float | None:
    """RMS level in dBFS of signed 16-bit little-endian mono PCM (None for no samples; -120 for digital silence)."""
    samples = array("h")
    samples.frombytes(pcm[: len(pcm) - len(pcm) % 2])
    if not samples:
        return None
    power = sum(s * s for s in samples) / len(samples)
    return max(-120.0, 10 * math.log10(power / (32768.0 * 32768.0))) if power > 0 else -120.0


def next_backoff(previous_s: float | None, cap_s: float = BACKOFF_MAX_S) -> float:
    """Seconds to wait before the next connection attempt: 0.5 s, doubled each failure, at most cap_s."""
    return BACKOFF_FIRST_S if previous_s is None else min(previous_s * 2, cap_s)


def parse_every(text: str) -> float:
    """A report interval like 60s, 2s, 1m, 1.5 (seconds) as seconds; ValueError when it is not one."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(s|m|min)?\s*", text or "")
    if not match:
        raise ValueError(text)
    seconds = float(match.group(1)) * (60 if match.group(2) in ("m", "min") else 1)
    if not 0.5 <= seconds <= 3600:
        raise ValueError(text)
    return seconds


def header_text(value: str) -> str:
    """An HTTP header as text: Icecast sends UTF-8 bytes, which the HTTP client hands over decoded as Latin-1."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class IcyReader:
    """Splits an ICY stream (audio with a metadata block every `metaint` bytes) into audio and titles."""

    def __init__(self, metaint: int):
        self.metaint = metaint
        self._left = metaint  # audio bytes until the next metadata length byte
        self._meta = b""
        self._meta_left = -1  # -1: expecting the length byte; >0: metadata bytes still to read
        self.title: str | None = None

    def feed(self, data: bytes) -> bytes:
        """The audio bytes of a chunk; a StreamTitle found on the way is kept in `title`."""
        if self.metaint <= 0:
            return data
        audio = bytearray()
        i = 0
        while i < len(data):
            if self._left > 0:
                take = min(self._left, len(data) - i)
                audio += data[i:i + take]
                self._left -= take
                i += take
            elif self._meta_left < 0:
                self._meta_left = data[i] * 16
                i += 1
                if self._meta_left == 0:
                    self._meta_left, self._left = -1, self.metaint
            else:
                take = min(self._meta_left, len(data) - i)
                self._meta += data[i:i + take]
                self._meta_left -= take
                i += take
                if self._meta_left == 0:
                    found = _TITLE.search(self._meta)
                    if found:
                        self.title = found.group(1).decode("utf-8", "replace")
                    self._meta, self._meta_left, self._left = b"", -1, self.metaint
        return bytes(audio)


@dataclass
class PlayTracker:
    """Playing or silent from timed level readings, with SILENT_AFTER_S of hysteresis; times are monotonic seconds."""

    since: float | None = None  # start of the current uninterrupted play
    last_sound: float | None = None

    def hear(self, now: float, level_db: float | None) -> None:
        """Take one reading (None: no audio arrived)."""
        if level_db is not None and level_db > SILENCE_DB:
            if self.since is None or self.last_sound is None or now - self.last_sound > SILENT_AFTER_S:
                self.since = now
            self.last_sound = now
        self.playing_at(now)

    def playing_at(self, now: float) -> bool:
        """Whether sound was heard within SILENT_AFTER_S (and forget the play when not)."""
        if self.last_sound is None or now - self.last_sound > SILENT_AFTER_S:
            self.since = None
            return False
        return True

    def playing_for(self, now: float) -> float:
        """Seconds of uninterrupted play up to now (0 when not playing)."""
        return now - self.since if self.playing_at(now) and self.since is not None else 0.0
