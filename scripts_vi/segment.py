"""Split spoken text into short segments with the pause to leave after each."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

PAUSE_BLOCK_MS = 900  # after a heading or before a blank line
PAUSE_SENTENCE_MS = 600  # after a sentence or a line
PAUSE_CLAUSE_MS = 250  # after a comma, semicolon or colon, or a list number
PAUSE_BREATH_MS = 150  # where a long clause is cut for breath
MAX_WORDS = 25
HEADING_MAX_WORDS = 12

# Words before which a long comma-less clause may be cut, with how much we dislike each cut.
CONJUNCTIONS = {
    "nhằm": 0, "để": 0, "nhưng": 0, "hoặc": 1, "trong": 2, "tại": 2, "theo": 2, "về": 3,
    "với": 3, "cho": 3, "của": 3, "ngày": 3, "và": 4, "vào": 2, "đến": 1, "từ": 1,
}
# Fixed names whose inner "và" must not be cut.
_PROTECTED = (
    "thương binh và xã hội", "thông tin và truyền thông", "giáo dục và đào tạo", "phụ nữ và trẻ em",
    "thể thao và du lịch", "phòng ngừa và ứng phó", "bình đẳng giới và phòng",
)

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:])\s+")
_NUMBER_WORDS = frozenset(
    "không một hai ba bốn năm sáu bảy tám chín mười mươi trăm nghìn linh mốt tư lăm chấm".split()
)


@dataclass(frozen=True)
class Segment:
    """A piece of text to speak, then pause_ms of silence."""

    text: str
    pause_ms: int


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _is_list_number(piece: str) -> bool:
    words = piece.rstrip(".").lower().split()
    return piece.endswith(".") and 0 < len(words) <= 3 and all(w in _NUMBER_WORDS for w in words)


def _cut_points(words: list[str], lo: int, hi: int) -> list[int]:
    """Indices in [lo, hi) before which a conjunction allows a cut, fixed names excepted."""
    lowered = [w.lower().strip("“”\"'(),") for w in words]
    blocked: set[int] = set()
    for phrase in _PROTECTED:
        parts = phrase.split()
        for start in range(max(0, lo - len(parts)), min(len(words), hi + len(parts)) - len(parts) + 1):
            if lowered[start:start + len(parts)] == parts:
                blocked.update(range(start + 1, start + len(parts)))
    return [i for i in range(lo, hi) if lowered[i] in CONJUNCTIONS and i not in blocked]


def _cut_long(words: list[str]) -> list[list[str]]:
    """Cut a clause of too many words before conjunctions, into pieces of at most MAX_WORDS."""
    pieces: list[list[str]] = []
    pos = 0
    while len(words) - pos > MAX_WORDS:
        remaining = len(words) - pos
        # Only a window is examined, so very long runs stay linear.
        window = words[pos:pos + 2 * MAX_WORDS + 1]
        if remaining <= 2 * MAX_WORDS:
            # Two pieces: cut near the middle so both halves sound balanced.
            lo, hi = max(3, remaining - MAX_WORDS), min(MAX_WORDS, remaining - 2) + 1
            target = remaining / 2
        else:
            # Very long run: take a piece from the front, as long as allowed.
            lo, hi = MAX_WORDS // 2, MAX_WORDS + 1
            target = MAX_WORDS
        candidates = _cut_points(window, lo, hi) if lo < hi else []
        if candidates:
            cut = min(candidates, key=lambda i: (abs(i - target) + 2 * CONJUNCTIONS[window[i].lower().strip("“”\"'(),")], i))
        else:
            cut = min(MAX_WORDS, max(1, int(target)))
        pieces.append(words[pos:pos + cut])
        pos += cut
    pieces.append(words[pos:])
    return pieces


def _split_line(line: str) -> list[Segment]:
    segments: list[Segment] = []
    sentences = [s for s in _SENTENCE_END.split(line) if s.strip()]
    for n, sentence in enumerate(sentences):
        if n == 0 and _is_list_number(sentence.strip()) and len(sentences) > 1:
            segments.append(Segment(sentence.strip(), PAUSE_CLAUSE_MS))
            continue
        clauses = [c for c in _CLAUSE_END.split(sentence) if c.strip()]
        for k, clause in enumerate(clauses):
            pieces = _cut_long(clause.split())
            for p, words in enumerate(pieces):
                text = " ".join(words)
                if not _has_words(text):
                    continue
                if p < len(pieces) - 1:
                    pause = PAUSE_BREATH_MS
                elif k < len(clauses) - 1:
                    pause = PAUSE_CLAUSE_MS
                else:
                    pause = PAUSE_SENTENCE_MS
                segments.append(Segment(text, pause))
    return segments


def _is_heading(line: str) -> bool:
    return not line.rstrip("”\"')").endswith((".", "!", "?", "…", ";", ",", ":")) and len(line.split()) <= HEADING_MAX_WORDS


def split_for_speech(spoken: str) -> list[Segment]:
    """Split spoken text at sentences, clauses, headings and blank lines; deterministic."""
    segments: list[Segment] = []
    for line in spoken.split("\n"):
        text = " ".join(line.split())
        if not text:
            if segments and segments[-1].pause_ms < PAUSE_BLOCK_MS:
                segments[-1] = replace(segments[-1], pause_ms=PAUSE_BLOCK_MS)
            continue
        pieces = _split_line(text)
        if not pieces:
            continue
        end_pause = PAUSE_BLOCK_MS if _is_heading(text) else PAUSE_SENTENCE_MS
        pieces[-1] = replace(pieces[-1], pause_ms=max(pieces[-1].pause_ms, end_pause))
        segments.extend(pieces)
    return segments
