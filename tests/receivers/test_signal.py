"""Table tests of the receiver's pure parts: level, backoff, interval, ICY metadata, playing-or-silent."""

from __future__ import annotations

from array import array

import pytest

from receiver.signal import IcyReader, PlayTracker, header_text, next_backoff, parse_every, rms_dbfs


def pcm(*samples: int) -> bytes:
    return array("h", samples).tobytes()


@pytest.mark.parametrize("data, level", [
    (b"", None),
    (pcm(0, 0, 0, 0), -120.0),
    (pcm(32767, -32767), -0.0003),       # full scale square: 20·log10(32767/32768)
    (pcm(3277, -3277, 3277, -3277), -20.0),  # a tenth of full scale
    (pcm(3277, -3277) + b"\x01", -20.0),  # a trailing half sample is ignored
])
def test_rms_level_in_dbfs(data, level):
    result = rms_dbfs(data)
    assert result == level if level is None else result == pytest.approx(level, abs=0.01)


@pytest.mark.parametrize("previous, cap, delay", [(None, 5, 0.5), (0.5, 5, 1.0), (2.0, 5, 4.0), (4.0, 5, 5), (5, 5, 5), (16, 30, 30)])
def test_backoff_doubles_up_to_its_cap(previous, cap, delay):
    assert next_backoff(previous, cap) == delay


@pytest.mark.parametrize("text, seconds", [("60s", 60), ("2s", 2), ("1m", 60), ("1.5", 1.5), (" 90 ", 90), ("2min", 120)])
def test_report_interval(text, seconds):
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "0s", "0.1s", "2h", "-5s", "5000s"])
def test_bad_report_interval(text):
    with pytest.raises(ValueError):
        parse_every(text)


def _icy(metaint: int, audio: bytes, title: str) -> bytes:
    """An ICY stream: metaint audio bytes, a metadata block (length byte ×16), and so on."""
    meta = f"StreamTitle='{title}';".encode()
    meta += b"\0" * (-len(meta) % 16)
    out = b""
    for i in range(0, len(audio), metaint):
        out += audio[i:i + metaint]
        if len(audio[i:i + metaint]) == metaint:
            out += bytes([len(meta) // 16]) + meta if i == 0 else b"\0"
    return out


@pytest.mark.parametrize("chunk", [1, 7, 16, 1000])
def test_icy_metadata_is_split_from_the_audio_whatever_the_chunk_size(chunk):
    audio = bytes(range(256)) * 4  # 1024 bytes
    stream = _icy(100, audio, "Bản tin sáng")
    reader = IcyReader(100)
    out = b"".join(reader.feed(stream[i:i + chunk]) for i in range(0, len(stream), chunk))
    assert out == audio
    assert reader.title == "Bản tin sáng"


def test_without_metaint_everything_is_audio():
    assert IcyReader(0).feed(b"abc") == b"abc"


@pytest.mark.parametrize("readings, at, playing, playing_for", [
    ([], 10, False, 0.0),
    ([(0, -20), (1, -20), (2, -20)], 2, True, 2.0),
    ([(0, -20), (1, -20)], 3.9, True, 3.9),            # within 3 s of the last sound: a pause, still playing
    ([(0, -20), (1, -20)], 4.5, False, 0.0),           # more than 3 s of silence: stopped
    ([(0, -20), (1, -80), (2, -80), (3, -20)], 3, True, 3.0),  # a short quiet passage does not restart the count
    ([(0, -20), (5, -20)], 5, True, 0.0),               # heard again after 5 s: a new play from 5
    ([(0, None), (1, -90)], 1, False, 0.0),             # no audio, or digital silence
])
def test_playing_or_silent_with_hysteresis(readings, at, playing, playing_for):
    tracker = PlayTracker()
    for when, level in readings:
        tracker.hear(when, level)
    assert tracker.playing_for(at) == pytest.approx(playing_for)
    assert tracker.playing_at(at) is playing


@pytest.mark.parametrize("raw, text", [
    ("Báº£n tin X", "Bản tin X"),   # UTF-8 bytes read as Latin-1 by the HTTP client
    ("Plain", "Plain"),
    ("Ünï", "Ünï"),                # not UTF-8 underneath: kept as it came
])
def test_header_text(raw, text):
    assert header_text(raw) == text
