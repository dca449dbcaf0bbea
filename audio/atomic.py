"""Atomic file writes: a temporary name in the destination folder, then os.replace."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
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


@contextlib.contextmanager
def scratch_dir(folder: Path, name: str) -> Iterator[Path]:
    """A hidden work folder inside folder, removed on exit; one left by a killed writer is swept by sweep_stale."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # Beside the output rather than in the system temp folder: the sweep of the output folder finds it.
    with tempfile.TemporaryDirectory(prefix=f".{name}.", suffix=".tmp", dir=folder) as work:
        yield Path(work)


def write_bytes(dst: Path, data: bytes) -> None:
    """Write bytes to dst atomically."""
    with atomic_path(dst) as tmp:
        tmp.write_bytes(data)


def write_text(dst: Path, text: str) -> None:
    """Write UTF-8 text to dst atomically."""
    write_bytes(dst, text.encode("utf-8"))


def is_temporary(name: str) -> bool:
    """Whether a file or folder name is one of our hidden temporaries (`.name.XXXX.tmp`)."""
    return name.startswith(".") and name.endswith(".tmp")


def sweep_stale(folder: Path, older_than_s: float = 3600.0) -> int:
    """Remove what killed writers left (hidden *.tmp files and work folders older than the age); returns how many."""
    cutoff = time.time() - older_than_s
    removed = 0
    # os.walk, not Path.rglob: another process's writer may remove its folder while we walk.
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            if not is_temporary(name):
                continue
            path = Path(root) / name
            try:
                if path.lstat().st_mtime >= cutoff:
                    continue  # a writer may still be at work
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:
                continue  # removed by its writer meanwhile
            removed += 1
        dirs[:] = [d for d in dirs if not is_temporary(d)]  # never look inside a work folder
    return removed
