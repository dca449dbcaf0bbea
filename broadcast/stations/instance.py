"""One process of a kind per station: a lock file in the data dir that the OS releases when its holder dies."""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

from broadcast.errors import Conflict


def hold_exclusive(data_dir: Path, name: str, refusal: str) -> FileLock:
    """Take `<data_dir>/<name>.lock` without waiting, or raise Conflict(refusal) when another process holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data_dir / f"{name}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise Conflict(refusal) from None
    return lock
