"""First audio at the sink: the wall-clock instant the first non-silent sample of each WAV written into a folder lands."""
# python bench/sink_probe.py FOLDER [THRESHOLD]
# Runs as its own process so the player being measured (its threads, its GIL) cannot delay the observer.
# It watches FOLDER with inotify, follows every file created there from its first byte, prints "ready"
# once watching, then one line per file whose samples reach THRESHOLD (16-bit magnitude):
#   name<TAB>wall-clock seconds (time.time(), the clock planned starts are compared with)<TAB>sample index
# The instant is read right after the read that first returned the sample: an upper bound on when the
# bytes landed, late by the observer's wake-up, which is the same for every player measured.

from __future__ import annotations

import array
import ctypes
import os
import struct
import sys
import time
from collections.abc import Iterator
from pathlib import Path

IN_MODIFY = 0x002
IN_CREATE = 0x100
_EVENT = struct.Struct("iIII")  # struct inotify_event: wd, mask, cookie, len (then the name)
DEFAULT_THRESHOLD = 328  # 1 % of full scale (-40 dBFS): dither and rounding stay below it


def data_offset(head: bytes) -> int | None:
    """Byte offset of the samples in a RIFF/RF64 WAV, None until the header up to the data chunk has arrived."""
    if len(head) < 12:
        return None
    if head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        raise ValueError("not a WAV file")
    pos = 12
    while pos + 8 <= len(head):
        chunk, size = head[pos:pos + 4], struct.unpack_from("<I", head, pos + 4)[0]
        if chunk == b"data":
            return pos + 8
        pos += 8 + size + (size & 1)
    return None


def first_loud(samples: bytes, threshold: int) -> int | None:
    """Index of the first 16-bit little-endian sample whose magnitude reaches threshold, None if all are quieter."""
    values = array.array("h")
    values.frombytes(samples[:len(samples) - len(samples) % 2])
    if sys.byteorder == "big":
        values.byteswap()
    return next((n for n, v in enumerate(values) if abs(v) >= threshold), None)


class WavFollower:
    """The bytes of one WAV as they arrive; tells the index of its first loud sample once that has arrived."""

    def __init__(self, threshold: int = DEFAULT_THRESHOLD) -> None:
        """Nothing arrived yet."""
        self.threshold = threshold
        self._head = bytearray()
        self._data_at: int | None = None
        self._scanned = 0  # samples already looked at

    def feed(self, chunk: bytes) -> int | None:
        """Add the next bytes; the first loud sample's index once it has arrived, else None."""
        self._head += chunk
        if self._data_at is None:
            self._data_at = data_offset(bytes(self._head))
            if self._data_at is None:
                return None
        start = self._data_at + 2 * self._scanned
        found = first_loud(bytes(self._head[start:]), self.threshold)
        if found is not None:
            return self._scanned + found
        self._scanned += (len(self._head) - start) // 2
        return None


def _events(buffer: bytes) -> Iterator[tuple[int, str]]:
    """(mask, file name) of each inotify event in one read."""
    pos = 0
    while pos < len(buffer):
        _, mask, _, length = _EVENT.unpack_from(buffer, pos)
        name = buffer[pos + _EVENT.size:pos + _EVENT.size + length].rstrip(b"\0")
        yield mask, os.fsdecode(name)
        pos += _EVENT.size + length


def _read_all(fd: int) -> bytes:
    """Everything written to a file since the last read."""
    parts = []
    while chunk := os.read(fd, 1 << 16):
        parts.append(chunk)
    return b"".join(parts)


def watch(folder: Path, threshold: int = DEFAULT_THRESHOLD) -> None:
    """Print one line per file created in folder once its first loud sample lands (until killed)."""
    libc = ctypes.CDLL(None, use_errno=True)
    inotify = libc.inotify_init1(os.O_CLOEXEC)
    if inotify < 0 or libc.inotify_add_watch(inotify, os.fsencode(folder), IN_CREATE | IN_MODIFY) < 0:
        raise OSError(ctypes.get_errno(), f"cannot watch {folder} with inotify")
    print("ready", flush=True)
    followed: dict[str, tuple[int, WavFollower]] = {}
    while True:
        for mask, name in _events(os.read(inotify, 1 << 16)):
            if mask & IN_CREATE:
                stale = followed.pop(name, None)
                if stale is not None:
                    os.close(stale[0])
                try:
                    followed[name] = (os.open(folder / name, os.O_RDONLY), WavFollower(threshold))
                except OSError:
                    continue  # already renamed or removed: nothing to follow
            if name not in followed:
                continue
            fd, follower = followed[name]
            data = _read_all(fd)
            seen_at = time.time()
            found = follower.feed(data) if data else None
            if found is not None:
                print(f"{name}\t{seen_at:.6f}\t{found}", flush=True)
                os.close(fd)
                del followed[name]


if __name__ == "__main__":
    watch(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_THRESHOLD)
