"""The one place that runs ffmpeg and ffprobe."""
from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio.errors import BadAudio, ToolFailed, ToolMissing
from audio.tools import Tools

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class AudioInfo:
    """What ffprobe says about the first audio stream of a file."""

    duration_s: float
    sample_rate: int
    channels: int
    codec: str
    container: str = ""


def _tail(stderr: str, lines: int = 6) -> str:
    """Last lines of ffmpeg's stderr, for logs and for the parenthesised detail of a message."""
    return "\n".join(stderr.strip().splitlines()[-lines:])


def run(
    args: Sequence[str],
    timeout: float | None = DEFAULT_TIMEOUT,
    *,
    tools: Tools,
    tool: str = "ffmpeg",
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ffmpeg/ffprobe of tools with args (without the program name); return the finished process."""
    exe = tools.path(tool)
    head = [exe, "-hide_banner"] + (["-nostdin"] if tool == "ffmpeg" else [])
    try:
        proc = subprocess.run(
            head + list(args), capture_output=True, text=True, encoding="utf-8",
            errors="replace", timeout=timeout, stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError as exc:
        raise ToolMissing(f"Chưa cài {tool}: hãy chạy `make run` hoặc `apt-get install ffmpeg`.") from exc
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(
            f"{tool} chạy quá {timeout:.0f} giây nên đã bị dừng: hãy thử lại với tệp ngắn hơn.",
            detail=str(exc),
        ) from exc
    if check and proc.returncode != 0:
        last = _tail(proc.stderr, 1) or f"mã thoát {proc.returncode}"
        raise ToolFailed(
            f"{tool} báo lỗi khi xử lý âm thanh ({last}): hãy kiểm tra tệp nguồn.",
            detail=_tail(proc.stderr),
        )
    return proc


def command(args: Sequence[str], *, tools: Tools) -> list[str]:
    """Full ffmpeg argv for args, for long-running processes started with spawn()."""
    return [tools.path("ffmpeg"), "-hide_banner", *args]


def spawn(argv: Sequence[str], **popen: Any) -> subprocess.Popen[bytes]:
    """Start a long-running ffmpeg built by command() (playout); stdin stays free for 'q'."""
    try:
        return subprocess.Popen(list(argv), **popen)
    except FileNotFoundError as exc:
        raise ToolMissing("Chưa cài ffmpeg: hãy chạy `make run` hoặc `apt-get install ffmpeg`.") from exc


def parse_progress(lines: Iterable[str]) -> dict[str, str]:
    """Last complete key=value block of `-progress` output (blocks end with progress=...)."""
    block: dict[str, str] = {}
    last: dict[str, str] = {}
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if not sep:
            continue
        block[key] = value
        if key == "progress":
            last, block = block, {}
    return last


def out_time_s(block: dict[str, str]) -> float:
    """Seconds written so far according to one `-progress` block (0 when unknown)."""
    raw = block.get("out_time_us") or block.get("out_time_ms") or ""
    try:
        return max(0.0, int(raw) / 1_000_000)
    except ValueError:
        return 0.0


def decoded_duration(path: Path, limit_s: float | None = None, *, tools: Tools) -> float:
    """Duration found by decoding the whole file (or its first limit_s seconds), for containers that do not store it (WebM)."""
    limit = ["-t", f"{limit_s:.3f}"] if limit_s is not None else []
    proc = run(["-i", str(path), "-map", "0:a:0", *limit, "-f", "null", "-", "-nostats", "-progress", "pipe:1"], tools=tools)
    return out_time_s(parse_progress(proc.stdout.splitlines()))


def _float(value: object) -> float | None:
    """A float from ffprobe's JSON strings, None for N/A or missing."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def probe(path: Path, *, tools: Tools, name: str | None = None) -> AudioInfo:
    """Describe the first audio stream of path (called name in messages); anything that is not audio raises BadAudio."""
    path = Path(path)
    name = name or path.name
    if not path.is_file():
        raise BadAudio(f"Không tìm thấy tệp âm thanh '{path}': hãy kiểm tra lại đường dẫn.")
    proc = run(
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        tools=tools, tool="ffprobe", check=False, timeout=60,
    )
    data: dict = {}
    if proc.returncode == 0:
        try:
            data = json.loads(proc.stdout or "{}")
        except json.JSONDecodeError:
            data = {}
    streams = [s for s in data.get("streams", []) if s.get("codec_type") == "audio"]
    if not streams:
        raise BadAudio(
            f"Tệp '{name}' không phải là âm thanh đọc được: "
            "hãy gửi tệp MP3, WAV, M4A, OGG hoặc WebM còn nguyên vẹn."
        )
    stream = streams[0]
    fmt = data.get("format", {})
    duration = _float(stream.get("duration")) or _float(fmt.get("duration"))
    if duration is None:
        # Browser MediaRecorder WebM files carry no duration: measure it by decoding.
        duration = decoded_duration(path, tools=tools)
    return AudioInfo(
        duration_s=duration,
        sample_rate=int(_float(stream.get("sample_rate")) or 0),
        channels=int(stream.get("channels") or 0),
        codec=str(stream.get("codec_name", "")),
        container=str(fmt.get("format_name", "")),
    )
