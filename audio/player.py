"""Play one file to its sinks through one real-time ffmpeg process, and report what was aired."""
# Seconds played come from ffmpeg's `-progress` out_time (audio actually written), not from the
# wall clock. "First audio out" is the monotonic time the first progress block with out_time > 0
# arrives; with STATS_PERIOD_S = 0.05 that is at most ~50 ms after ffmpeg wrote its first audio.

from __future__ import annotations

import contextlib
import os
import subprocess
import struct
import threading
import time
import wave
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from audio import ffmpeg
from audio.errors import AudioError
from audio.format import wav_duration, wav_info
from audio.lifetime import die_with_parent
from audio.sinks import AlsaSink, FileSink, IcecastSink, Sink, build_live_command, build_playout_command, describe, is_url, part_path, redact
from audio.tools import Tools

@dataclass(frozen=True)
class PlayResult:
    """How a playout ended: exit code, seconds aired (per ffmpeg), and a Vietnamese error or None."""

    returncode: int | None
    seconds_played: float
    error: str | None = None
    stopped: bool = False
    stderr_tail: str = ""
    # The output ffmpeg's stderr blames (index into the sinks) and why, even when the others went on.
    failed_sink: int | None = None
    sink_error: str = ""


def _server(sink: IcecastSink) -> str:
    """host:port of an Icecast sink, as ffmpeg names it in its errors."""
    parts = urlsplit(sink.url)
    return f"{parts.hostname}:{parts.port or 8000}".lower()


def blame(sinks: Sequence[Sink], stderr: str) -> tuple[int, str] | None:
    """The output ffmpeg's stderr blames (its index) and one Vietnamese sentence, or None."""
    low = stderr.lower()
    for index, sink in enumerate(sinks):
        if isinstance(sink, AlsaSink) and ("alsa" in low or "audio device" in low):
            return index, (f"Không mở được thiết bị âm thanh ALSA '{sink.device}': hãy kiểm tra card âm thanh "
                           "(`aplay -l`) hoặc chọn thiết bị khác.")
        if isinstance(sink, IcecastSink) and _server(sink) in low:
            return index, (f"Không gửi được luồng tới {describe(sink)}: hãy kiểm tra Icecast đang chạy, "
                           "đúng cổng và đúng mật khẩu nguồn.")
        if isinstance(sink, FileSink) and str(part_path(sink)).lower() in low:
            return index, (f"Không ghi được tệp thu lại '{sink.path}': hãy kiểm tra thư mục tồn tại, "
                           "có quyền ghi và còn chỗ trống.")
    return None


def _sink_error(sinks: Sequence[Sink], src: Path, stderr: str) -> str:
    """One Vietnamese sentence naming the output (or source) ffmpeg's stderr blames."""
    blamed = blame(sinks, stderr)
    if blamed is not None:
        return blamed[1]
    low = stderr.lower()
    if str(src).lower() in low:
        return f"Không đọc được tệp phát '{src.name}': hãy tạo lại âm thanh của chương trình này."
    last = redact(stderr.strip().splitlines()[-1]) if stderr.strip() else "không rõ lỗi"
    return f"ffmpeg dừng phát vì lỗi ({last}): hãy kiểm tra các đầu ra phát sóng."


class Player:
    """One playout at a time; start() returns quickly, wait()/stop()/kill() return a PlayResult."""

    def __init__(self, tools: Tools) -> None:
        """Idle player that will run the ffmpeg of tools."""
        self._tools = tools
        self._proc: subprocess.Popen[bytes] | None = None
        self._reset()

    def _reset(self) -> None:
        """Fresh per-playout state."""
        self._lock = threading.Lock()
        self._played = 0.0
        self._spawned_at = 0.0
        self._first_audio_at: float | None = None
        self._first_audio = threading.Event()
        self._stderr: deque[str] = deque(maxlen=40)
        self._threads: list[threading.Thread] = []
        self._sinks: tuple[Sink, ...] = ()
        self._src = Path()
        self._expected: float | None = None
        self._stopped = False
        self._result: PlayResult | None = None
        self._armed: tuple[Path, int, int, int, int] | None = None  # src, write fd, first frame, frames, rate
        self._go_at: float | None = None
        self._stream: tuple[int, ...] = ()  # write fd of a live stream (open_stream), while it is open
        self._live = False

    def start(self, src: Path | str, sinks: Sequence[Sink], start_at_s: float = 0.0, realtime: bool = True,
              duration_s: float | None = None, loop: bool = False) -> float:
        """Spawn ffmpeg playing src (a file or a relay URL) to sinks from start_at_s for at most duration_s; return the monotonic spawn time."""
        if self._proc is not None and self._proc.poll() is None:
            raise AudioError("Đang phát một chương trình khác: hãy dừng nó trước khi phát tiếp.")
        url = is_url(src)
        src = str(src) if url else Path(src)
        if not url and not Path(src).is_file():
            raise AudioError(f"Không tìm thấy tệp phát '{src}': hãy tạo lại âm thanh của chương trình này.")
        cmd = build_playout_command(src, sinks, start_at_s, realtime, duration_s, loop, tools=self._tools)
        for sink in sinks:
            if isinstance(sink, FileSink):
                try:
                    Path(sink.path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise AudioError(
                        f"Không tạo được thư mục cho tệp thu lại '{sink.path}' ({exc.strerror}): "
                        "hãy kiểm tra đường dẫn và quyền ghi."
                    ) from exc
        self._reset()
        self._sinks, self._src = tuple(sinks), Path(src) if not url else Path(redact(str(src)))
        total = None if url or loop else wav_duration(Path(src))
        self._expected = duration_s if total is None else max(0.0, total - start_at_s)
        if duration_s is not None and self._expected is not None:
            self._expected = min(self._expected, duration_s)
        self._spawned_at = time.monotonic()
        # A playout ffmpeg must never outlive its player: a killed player would leave it on air.
        self._proc = ffmpeg.spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  preexec_fn=die_with_parent())
        self._threads = [
            threading.Thread(target=self._read_progress, name="playout-progress", daemon=True),
            threading.Thread(target=self._read_stderr, name="playout-stderr", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self._spawned_at

    def arm(self, src: Path, sinks: Sequence[Sink], start_at_s: float = 0.0, duration_s: float | None = None) -> None:
        """Spawn ffmpeg now, blocked on a pipe, so that go() puts audio out without process start-up jitter."""
        # exec, library loading and argument parsing (50-150 ms, more on a busy machine) happen here;
        # go() only has to push bytes into a pipe ffmpeg is already waiting on.
        if self._proc is not None and self._proc.poll() is None:
            raise AudioError("Đang phát một chương trình khác: hãy dừng nó trước khi phát tiếp.")
        src = Path(src)
        info = wav_info(src) if src.is_file() else None
        if info is None or info[1] != 2:
            raise AudioError(f"Không đọc được tệp phát '{src.name}': hãy tạo lại âm thanh của chương trình này.")
        channels, _, rate, frames = info
        first = min(frames, round(start_at_s * rate))
        count = frames - first if duration_s is None else min(frames - first, round(duration_s * rate))
        read_fd, write_fd = os.pipe()
        cmd = build_playout_command(f"pipe:{read_fd}", sinks, 0.0, True, tools=self._tools)
        cmd[cmd.index(f"pipe:{read_fd}") - 1:cmd.index(f"pipe:{read_fd}") - 1] = ["-f", "wav"]
        for sink in sinks:
            if isinstance(sink, FileSink):
                Path(sink.path).parent.mkdir(parents=True, exist_ok=True)
        self._reset()
        self._sinks, self._src = tuple(sinks), src
        self._expected = count / rate
        self._armed = (src, write_fd, first, count, channels)
        self._spawned_at = time.monotonic()
        try:
            self._proc = ffmpeg.spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      pass_fds=(read_fd,), preexec_fn=die_with_parent())
        finally:
            os.close(read_fd)
        self._threads = [
            threading.Thread(target=self._read_progress, name="playout-progress", daemon=True),
            threading.Thread(target=self._read_stderr, name="playout-stderr", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def open_stream(self, sinks: Sequence[Sink], input_format: str = "matroska") -> float:
        """Spawn ffmpeg airing a live stream that feed() writes as it arrives; returns the monotonic spawn time."""
        if self._proc is not None and self._proc.poll() is None:
            raise AudioError("Đang phát một chương trình khác: hãy dừng nó trước khi phát tiếp.")
        read_fd, write_fd = os.pipe()
        cmd = build_live_command(f"pipe:{read_fd}", input_format, sinks, tools=self._tools)
        for sink in sinks:
            if isinstance(sink, FileSink):
                Path(sink.path).parent.mkdir(parents=True, exist_ok=True)
        self._reset()
        self._sinks, self._src = tuple(sinks), Path("pipe")
        self._spawned_at = time.monotonic()
        try:
            self._proc = ffmpeg.spawn(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      pass_fds=(read_fd,), preexec_fn=die_with_parent())
        except BaseException:
            os.close(write_fd)
            raise
        finally:
            os.close(read_fd)
        self._stream, self._live = (write_fd,), True
        self._threads = [
            threading.Thread(target=self._read_progress, name="live-progress", daemon=True),
            threading.Thread(target=self._read_stderr, name="live-stderr", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self._spawned_at

    def feed(self, data: bytes) -> bool:
        """Write received live audio into the stream; False when ffmpeg is gone (the write would never land)."""
        if not self._stream:
            return False
        view = memoryview(data)
        try:
            while view:
                written = os.write(self._stream[0], view)
                view = view[written:]
        except (BrokenPipeError, OSError):
            return False
        return True

    def end_stream(self) -> None:
        """Close the live stream: ffmpeg airs what it has, writes its trailers and exits."""
        if self._stream:
            fd, self._stream = self._stream[0], ()
            with contextlib.suppress(OSError):
                os.close(fd)

    def go(self) -> float:
        """Release an armed playout now; returns the monotonic instant the audio was released."""
        if self._armed is None:
            raise AudioError("Chưa chuẩn bị phát: hãy gọi arm() trước go().")
        self._go_at = time.monotonic()
        feeder = threading.Thread(target=self._feed, name="playout-feed", daemon=True)
        feeder.start()
        self._threads.append(feeder)
        return self._go_at

    def _feed(self) -> None:
        """Write a WAV header and the frames to play into the pipe ffmpeg reads (ffmpeg's -re paces it)."""
        assert self._armed is not None
        src, fd, first, count, channels = self._armed
        with contextlib.suppress(BrokenPipeError, OSError), os.fdopen(fd, "wb", buffering=0) as pipe, \
                wave.open(str(src), "rb") as w:
            rate = w.getframerate()
            size = count * channels * 2
            pipe.write(b"RIFF" + struct.pack("<I", 36 + size) + b"WAVEfmt " + struct.pack(
                "<IHHIIHH", 16, 1, channels, rate, rate * channels * 2, channels * 2, 16) + b"data" + struct.pack("<I", size))
            w.setpos(first)
            left = count
            while left > 0:
                chunk = w.readframes(min(left, 4800))
                if not chunk:
                    break
                pipe.write(chunk)
                left -= len(chunk) // (channels * 2)

    def _read_progress(self) -> None:
        """Follow -progress blocks: update seconds played and note the first audio out."""
        assert self._proc is not None and self._proc.stdout is not None
        for raw in self._proc.stdout:
            key, _, value = raw.decode("ascii", "replace").strip().partition("=")
            if key != "out_time_us":
                continue
            seconds = ffmpeg.out_time_s({key: value})
            with self._lock:
                self._played = max(self._played, seconds)
            if seconds > 0 and self._first_audio_at is None:
                self._first_audio_at = time.monotonic()
                self._first_audio.set()

    def _read_stderr(self) -> None:
        """Keep the last stderr lines (secrets redacted); draining also keeps ffmpeg from blocking."""
        assert self._proc is not None and self._proc.stderr is not None
        for raw in self._proc.stderr:
            self._stderr.append(redact(raw.decode("utf-8", "replace").rstrip()))

    def first_audio_at(self) -> float | None:
        """Monotonic time the first audio was written, None until then."""
        return self._first_audio_at

    def wait_first_audio(self, timeout: float) -> float | None:
        """Block until first audio out (or timeout/exit); return its monotonic time or None."""
        deadline = time.monotonic() + timeout
        while not self._first_audio.wait(0.01):
            if time.monotonic() >= deadline or self._proc is None or self._proc.poll() is not None:
                break
        return self._first_audio_at

    def start_latency(self) -> float | None:
        """Seconds from spawn (or from go() when armed) to first audio out, None until audio flowed."""
        if self._first_audio_at is None:
            return None
        return self._first_audio_at - (self._go_at if self._go_at is not None else self._spawned_at)

    def position(self) -> float:
        """Seconds aired so far according to ffmpeg."""
        with self._lock:
            return self._played

    def elapsed(self) -> float:
        """Wall-clock seconds since the process was spawned."""
        return 0.0 if self._proc is None else time.monotonic() - self._spawned_at

    @property
    def running(self) -> bool:
        """Whether ffmpeg is still playing."""
        return self._proc is not None and self._proc.poll() is None

    def wait(self, timeout: float | None = None) -> PlayResult:
        """Wait for the playout to end; TimeoutError if it is still playing after timeout seconds."""
        if self._proc is None:
            raise AudioError("Chưa phát chương trình nào: hãy gọi start() trước.")
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired as exc:
            raise TimeoutError(f"playout still running after {timeout} s") from exc
        return self._finish()

    def stop(self, grace_s: float = 3.0) -> PlayResult:
        """End gracefully: 'q' lets ffmpeg close files cleanly; terminate/kill if it does not."""
        if self._proc is None:
            raise AudioError("Chưa phát chương trình nào: hãy gọi start() trước.")
        self._stopped = True
        self._release_unfed()
        self.end_stream()
        if self._proc.poll() is None and (self._armed is not None or self._live):
            # ffmpeg ignores 'q' when an input is a pipe; SIGTERM also ends it cleanly (trailers written).
            self._proc.terminate()
        if self._proc.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError, ValueError):
                assert self._proc.stdin is not None
                self._proc.stdin.write(b"q")
                self._proc.stdin.flush()
            try:
                self._proc.wait(grace_s)
            except subprocess.TimeoutExpired:
                self._proc.terminate()
                try:
                    self._proc.wait(grace_s)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
        return self._finish()

    def kill(self) -> PlayResult:
        """End at once (SIGKILL); air-check files may lack their final frames."""
        if self._proc is None:
            raise AudioError("Chưa phát chương trình nào: hãy gọi start() trước.")
        self._stopped = True
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        return self._finish()

    def _release_unfed(self) -> None:
        """Close the pipe of an armed playout that was never released (ffmpeg then ends at once)."""
        if self._armed is not None and self._go_at is None:
            self._go_at = time.monotonic()
            with contextlib.suppress(OSError):
                os.close(self._armed[1])

    def _finish(self) -> PlayResult:
        """Collect the result once the process ended; rename air-check files into place."""
        if self._result is not None:
            return self._result
        assert self._proc is not None
        self._release_unfed()
        self.end_stream()
        for thread in self._threads:
            thread.join(timeout=5)
        with contextlib.suppress(OSError, ValueError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        for sink in self._sinks:
            if isinstance(sink, FileSink):
                part = part_path(sink)
                if part.is_file() and part.stat().st_size > 0:
                    os.replace(part, sink.path)
                else:
                    part.unlink(missing_ok=True)
        code = self._proc.returncode
        tail = "\n".join(self._stderr)
        played = self.position()
        error: str | None = None
        if code != 0 and not self._stopped:
            error = _sink_error(self._sinks, self._src, tail)
        elif code == 0 and not self._stopped and (self._expected or 0) > 0.2 and played == 0:
            # A player that exits 0 without airing anything is a silent failure (ffplay does this).
            error = "Trình phát kết thúc mà không phát được âm thanh nào: hãy kiểm tra tệp phát và các đầu ra."
        blamed = blame(self._sinks, tail) if not self._stopped else None
        self._result = PlayResult(code, played, error, self._stopped, tail,
                                  blamed[0] if blamed else None, blamed[1] if blamed else "")
        return self._result


def play(src: Path, sinks: Sequence[Sink], start_at_s: float = 0.0, timeout: float | None = None, *,
         tools: Tools) -> PlayResult:
    """Play src to sinks and block until it ends (convenience for scripts)."""
    player = Player(tools)
    player.start(src, sinks, start_at_s)
    return player.wait(timeout)

