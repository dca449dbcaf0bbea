"""Throughput of scripts_vi.normalize over the seed plan text."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts_vi.normalize import normalize  # noqa: E402

DEFAULT_SEED_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "seed"


CONTENT_DIR = Path(__file__).resolve().parent.parent / "scripts_vi" / "content"


def _seed_text(seed_dir: Path) -> str:
    """The commune's plan (shared/seed beside the repository), else the campaign scripts made from it."""
    files = sorted(Path(seed_dir).glob("*.md")) or sorted(CONTENT_DIR.rglob("*.md"))
    return "\n".join(p.read_text(encoding="utf-8") for p in files)


def measure(repeat: int = 20, seed_dir: Path | str | None = None) -> dict:
    """Time normalize over the seed plan repeated `repeat` times; returns characters per second."""
    text = "\n".join([_seed_text(Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR)] * repeat)
    normalize(text[:2000])  # warm the lexicon cache out of the timing
    start = time.perf_counter()
    normalize(text)
    elapsed = time.perf_counter() - start
    return {"normalize_chars_per_s": len(text) / elapsed}


if __name__ == "__main__":
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    print(measure(repeat, sys.argv[2] if len(sys.argv) > 2 else None))
