"""Atomic file writes: a temporary name in the destination folder, then os.replace."""
from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(dst: Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path beside dst; on success it replaces dst, on error it is removed."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(
        prefix=f".{dst.name}.", suffix=(suffix if suffix is not None else dst.suffix) + ".tmp",
        dir=dst.parent,
    )
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, dst)
    finally:
        # Reached with tmp still present only on failure (os.replace moved it otherwise).
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_bytes(dst: Path, data: bytes) -> None:
    """Write bytes to dst atomically."""
    with atomic_path(dst) as tmp:
        tmp.write_bytes(data)


def write_text(dst: Path, text: str) -> None:
    """Write UTF-8 text to dst atomically."""
    write_bytes(dst, text.encode("utf-8"))


def sweep_stale(folder: Path, older_than_s: float = 3600.0) -> int:
    """Remove temporary files left by a killed writer (hidden *.tmp older than the age); returns how many."""
    import time

    folder = Path(folder)
    if not folder.exists():
        return 0
    cutoff = time.time() - older_than_s
    removed = 0
    for path in folder.rglob(".*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
    return removed
