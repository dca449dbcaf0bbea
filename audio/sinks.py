"""Playout sinks and the one ffmpeg command that plays a file to all of them in real time."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from audio import ffmpeg
from audio.errors import AudioError
from audio.format import SAMPLE_RATE
from audio.tools import Tools

# How often ffmpeg reports progress; it bounds how late "first audio out" is noticed.
STATS_PERIOD_S = 0.01


@dataclass(frozen=True)
class NullSink:
    """Discard the audio (timing only): tests and dry runs."""


@dataclass(frozen=True)
class FileSink:
    """Air-check recording; the extension decides the format: .mp3 (64 kbit/s mono) or .wav."""

    path: Path
    bitrate: str = "64k"


@dataclass(frozen=True)
class AlsaSink:
    """A sound card through ALSA."""

    device: str = "default"


@dataclass(frozen=True)
class IcecastSink:
    """A stream to an Icecast server: icecast://source:PASSWORD@host:port/mount."""

    url: str
    bitrate: str = "64k"
    content_type: str = "audio/mpeg"
    name: str = "loaxa"
    # The broadcast on the mount (icy-description): what the receivers report they hear.
    description: str = ""


Sink = NullSink | FileSink | AlsaSink | IcecastSink


def part_path(sink: FileSink) -> Path:
    """Hidden name an air-check is written under until playout ends (then renamed)."""
    path = Path(sink.path)
    return path.with_name(f".{path.name}.part")


def redact(text: str) -> str:
    """Text with Icecast source passwords replaced by ***, safe for logs and people."""
    return re.sub(r"(icecast://[^:/@\s]*:)[^@\s]*@", r"\1***@", text)


def describe(sink: Sink) -> str:
    """Short human name of a sink, without secrets."""
    if isinstance(sink, FileSink):
        return f"tệp {sink.path}"
    if isinstance(sink, AlsaSink):
        return f"ALSA {sink.device}"
    if isinstance(sink, IcecastSink):
        parts = urlsplit(sink.url)
        return f"Icecast {parts.hostname}:{parts.port}{parts.path}"
    return "null"


def output_args(sink: Sink) -> list[str]:
    """ffmpeg output options for one sink (after a -map of the audio)."""
    if isinstance(sink, NullSink):
        return ["-f", "null", "-"]
    if isinstance(sink, FileSink):
        ext = Path(sink.path).suffix.lower()
        # Written packet by packet as it airs: ffmpeg otherwise buffers a file in 256 KiB blocks (32 s of
        # 64 kbit/s MP3), which a killed player loses and which hides when the audio went out.
        flush = ["-flush_packets", "1"]
        if ext == ".mp3":
            return ["-c:a", "libmp3lame", "-b:a", sink.bitrate, "-ac", "1", *flush, "-f", "mp3", "-y", str(part_path(sink))]
        if ext == ".wav":
            return ["-c:a", "pcm_s16le", "-ac", "1", *flush, "-f", "wav", "-y", str(part_path(sink))]
        raise AudioError(f"Không ghi được tệp thu lại '{Path(sink.path).name}': hãy đặt đuôi .mp3 hoặc .wav.")
    if isinstance(sink, AlsaSink):
        return ["-c:a", "pcm_s16le", "-ar", str(SAMPLE_RATE), "-ac", "1", "-f", "alsa", sink.device]
    if isinstance(sink, IcecastSink):
        if not sink.url.startswith("icecast://"):
            raise AudioError(
                f"Địa chỉ Icecast '{redact(sink.url)}' không hợp lệ: "
                "hãy viết dạng icecast://source:MẬT_KHẨU@máy:cổng/điểm_phát."
            )
        if sink.content_type != "audio/mpeg":
            raise AudioError(f"Chưa hỗ trợ kiểu luồng '{sink.content_type}': hãy dùng audio/mpeg.")
        described = ["-ice_description", sink.description] if sink.description else []
        return ["-c:a", "libmp3lame", "-b:a", sink.bitrate, "-ac", "1", "-content_type", sink.content_type,
                "-ice_name", sink.name, *described, "-f", "mp3", sink.url]
    raise TypeError(f"unknown sink {sink!r}")


def is_url(src: Path | str) -> bool:
    """Whether a playout source is a network stream (a relay) rather than a file."""
    return str(src).split("://", 1)[0].lower() in {"http", "https", "icecast", "rtmp", "rtsp", "srt", "udp", "tcp"} and "://" in str(src)


def build_playout_command(src: Path | str, sinks: Sequence[Sink], start_at_s: float = 0.0,
                          realtime: bool = True, duration_s: float | None = None, loop: bool = False, *,
                          tools: Tools) -> list[str]:
    """One command of the ffmpeg of tools reading src (in real time, from start_at_s, at most duration_s, looped if asked) and feeding every sink."""
    if not sinks:
        raise AudioError("Chưa chọn đầu ra phát sóng nào: hãy cấu hình ít nhất một đầu ra (loa, tệp, Icecast).")
    if start_at_s < 0:
        raise AudioError(f"Vị trí bắt đầu {start_at_s} giây không hợp lệ: hãy dùng số giây từ 0 trở lên.")
    args = ["-loglevel", "error", "-nostats", "-progress", "pipe:1", "-stats_period", str(STATS_PERIOD_S)]
    if realtime:
        args.append("-re")
    if loop:
        args += ["-stream_loop", "-1"]
    if start_at_s > 0:
        args += ["-ss", f"{start_at_s:.3f}"]
    if duration_s is not None:
        if duration_s <= 0:
            raise AudioError(f"Thời lượng phát {duration_s} giây không hợp lệ: hãy dùng số giây lớn hơn 0.")
        args += ["-t", f"{duration_s:.3f}"]
    if is_url(src):
        # A relay that stalls must fail (and let the filler take over), not hang the broadcast.
        args += ["-rw_timeout", "5000000"]
    args += ["-i", str(src)]
    for sink in sinks:
        args += ["-map", "0:a", *output_args(sink)]
    return ffmpeg.command(args, tools=tools)


# The level the receiver measures is taken from a narrow copy of the audio: 8 kHz mono is plenty for a loudness figure.
LEVEL_RATE = 8000


def build_listen_command(sink: Sink, *, tools: Tools) -> list[str]:
    """ffmpeg of tools decoding an MP3 stream on stdin to a sink, and a 8 kHz mono s16le copy on stdout for the level."""
    args = ["-loglevel", "error", "-nostats", "-f", "mp3", "-i", "pipe:0", "-map", "0:a", *output_args(sink),
            "-map", "0:a", "-ac", "1", "-ar", str(LEVEL_RATE), "-f", "s16le", "pipe:1"]
    return ffmpeg.command(args, tools=tools)


# A live source arrives as fast as it is spoken: probe as little as possible. Not -fflags nobuffer: it drops the
# packets read while probing (the first ~90 ms of the talk, measured).
LIVE_INPUT_FLAGS = ["-flags", "low_delay", "-probesize", "2048", "-analyzeduration", "0"]


def build_live_command(src: str, input_format: str, sinks: Sequence[Sink], *, tools: Tools) -> list[str]:
    """One command of the ffmpeg of tools reading a live stream (no -re: the speaker paces it), resampled to the station rate, feeding every sink."""
    if not sinks:
        raise AudioError("Chưa chọn đầu ra phát sóng nào: hãy cấu hình ít nhất một đầu ra (loa, tệp, Icecast).")
    args = ["-loglevel", "error", "-nostats", "-progress", "pipe:1", "-stats_period", str(STATS_PERIOD_S),
            *LIVE_INPUT_FLAGS, "-f", input_format, "-i", src]
    for sink in sinks:
        args += ["-map", "0:a", "-ar", str(SAMPLE_RATE), *output_args(sink)]
    return ffmpeg.command(args, tools=tools)
