"""How long a spoken text takes to read on air."""

from __future__ import annotations

# Radio reading pace assumed everywhere in loaxa, in spoken words (syllables) per minute.
WORDS_PER_MINUTE = 150


def word_count(spoken: str) -> int:
    """Number of spoken words (whitespace-separated syllables) in normalized text."""
    return sum(1 for token in spoken.split() if any(ch.isalpha() for ch in token))


def estimate_seconds(spoken: str) -> float:
    """Reading time of normalized text at WORDS_PER_MINUTE."""
    return word_count(spoken) * 60.0 / WORDS_PER_MINUTE
