"""The hand-written development set of radio sentences (bench/data/voice_dev.tsv), split into two halves."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "voice_dev.tsv"
NAMES = Path(__file__).resolve().parent / "data" / "voice_names.tsv"  # sentences with names, for the pause before them


@dataclass(frozen=True)
class Sentence:
    """One notice sentence: its category, how it is written and how a reader says it."""

    category: str
    written: str
    spoken: str


def load(path: Path = DATA) -> list[Sentence]:
    """Every sentence of the set, in file order."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [Sentence(*row) for row in rows]


def search_half(path: Path = DATA) -> list[Sentence]:
    """The rows the tuning search may see (1st, 3rd, ...)."""
    return load(path)[0::2]


def held_out_half(path: Path = DATA) -> list[Sentence]:
    """The rows kept from the search to check what it found (2nd, 4th, ...)."""
    return load(path)[1::2]
