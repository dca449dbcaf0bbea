"""Capture the station's own microphone or line input (ALSA, PulseAudio, or a file played in real time) as a live stream."""
# The stream is Matroska with PCM, the same container the browser's Opus arrives in: the playout side reads one format.
# PCM, not Opus, because the input is on the same machine: no encoder delay, and 96 KB/s never leaves the host.

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

from audio import ffmpeg
from audio.errors import AudioError
from audio.format import SAMPLE_RATE
from audio.lifetime import die_with_parent
from audio.tools import Tools

READ_BYTES = 4800  # 50 ms of 48 kHz mono s16: the capture is handed on at this grain
DEVICE_KINDS = ("alsa", "pulse")


def input_args(spec: str) -> list[str]:
    """ffmpeg input options for alsa:DEVICE, pulse:DEVICE or a sound file (read in real time, as if spoken)."""
    spec = (spec or "").strip()
    kind, sep, device = spec.partition(":")
    if sep and kind in DEVICE_KINDS:
        if not device:
            raise AudioError(f"Thiếu tên thiết bị trong '{spec}': hãy viết như alsa:default hoặc pulse:default.")
        return ["-f", kind, "-i", device]
    if spec and Path(spec).is_file():
        return ["-re", "-i", spec]
    raise AudioError(f"Không dùng được nguồn thu '{spec}': hãy viết alsa:THIẾT_BỊ, pulse:THIẾT_BỊ "
                     "(xem `arecord -L`) hoặc đường dẫn một tệp âm thanh.")


def capture_command(spec: str, *, tools: Tools) -> list[str]:
    """The ffmpeg of tools reading the input and writing Matroska PCM (48 kHz mono) to stdout packet by packet."""
    return ffmpeg.command(["-loglevel", "error", "-nostats", *input_args(spec), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE),
                           "-c:a", "pcm_s16le", "-flush_packets", "1", "-f", "matroska", "-live", "1", "pipe:1"], tools=tools)


class Capture:
    """One running capture: iterate it for the stream's bytes; stop() ends it."""

    def __init__(self, spec: str, *, tools: Tools) -> None:
        """Start ffmpeg on the input now (it dies with this process)."""
        self._proc = ffmpeg.spawn(capture_command(spec, tools=tools), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, preexec_fn=die_with_parent())
        self._stderr: list[str] = []
        self._reader = threading.Thread(target=self._drain, name="capture-stderr", daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        assert self._proc.stderr is not None
        for raw in self._proc.stderr:
            self._stderr.append(raw.decode("utf-8", "replace").rstrip())

    def __iter__(self) -> Iterator[bytes]:
        """The stream as it is captured, in pieces of at most READ_BYTES."""
        assert self._proc.stdout is not None
        while True:
            data = self._proc.stdout.read1(READ_BYTES)  # type: ignore[attr-defined]
            if not data:
                return
            yield data

    def stop(self) -> None:
        """End the capture (SIGTERM lets ffmpeg flush what it holds)."""
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(3)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def error(self) -> str:
        """One sentence when the capture failed (device missing or busy), '' when it ended normally."""
        code = self._proc.wait()
        if code in (0, -15, 255) or not self._stderr:
            return ""
        return f"Không thu được âm thanh từ nguồn ({self._stderr[-1]}): hãy kiểm tra micro hoặc đường vào."
