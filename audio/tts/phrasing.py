"""Phrasing for espeak-ng: spoken text → SSML with a breath before numbers and numbers read slower."""

from __future__ import annotations

import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

# Words a spoken number is made of (the normalizer writes every figure, phone number and date in words).
NUMBER_WORDS = frozenset(
    "không một hai ba bốn năm sáu bảy tám chín mười mươi trăm nghìn ngàn triệu tỷ linh lẻ mốt tư lăm chấm phẩy".split()
)
# Words that join the numbers of one date into one run: "ngày mười lăm tháng mười một năm hai nghìn".
DATE_WORDS = frozenset("ngày mùng mồng tháng".split())
MIN_NUMBER_WORDS = 2  # a lone "một" or "năm" is an article or a noun ("một số", "năm nay"), not a figure
_PHONEMES = re.compile(r"\[\[[^\[\]\n]+\]\]")


@dataclass(frozen=True)
class Phrasing:
    """How to phrase: silence before a number (ms) and the rate numbers are read at (% of the voice's speed)."""

    number_break_ms: int = 0
    number_rate: int = 100

    @property
    def active(self) -> bool:
        """Whether phrasing changes anything (when not, espeak-ng reads the plain text)."""
        return self.number_break_ms > 0 or self.number_rate != 100


def _bare(word: str) -> str:
    """A word without the punctuation around it, lower-cased, for table look-up."""
    return word.strip(".,;:!?…\"'“”()[]").lower()


def number_runs(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) word spans of spoken numbers, phone numbers and dates: MIN_NUMBER_WORDS number words or more.

    A run ends after a word carrying punctuation (a comma closes a figure); it may start on a date word (the
    whole date "ngày mười lăm tháng mười một" is one phrase) but never ends on one ("ba tháng" is a figure).
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if _bare(words[i]) not in NUMBER_WORDS | DATE_WORDS:
            i += 1
            continue
        j = i
        while j < len(words) and _bare(words[j]) in NUMBER_WORDS | DATE_WORDS:
            j += 1
            if _bare(words[j - 1]) != words[j - 1].lower():
                break  # punctuation after this word closes the run
        start, end = i, j
        while end > start and _bare(words[end - 1]) in DATE_WORDS:
            end -= 1
        if sum(_bare(w) in NUMBER_WORDS for w in words[start:end]) >= MIN_NUMBER_WORDS:
            runs.append((start, end))
        i = j
    return runs


def to_ssml(text: str, phrasing: Phrasing) -> str:
    """The text as SSML for `espeak-ng -m`: each number run preceded by a break and wrapped in a slower prosody.

    Text with no number run is wrapped unchanged; "[[...]]" phoneme spans pass through (espeak-ng reads them in SSML).
    """
    words = text.split()
    runs = number_runs(words)
    out: list[str] = []
    pos = 0
    for start, end in runs:
        out.extend(escape(w) for w in words[pos:start])
        if phrasing.number_break_ms and start > 0:
            out.append(f'<break time="{phrasing.number_break_ms}ms"/>')
        run = " ".join(escape(w) for w in words[start:end])
        out.append(f'<prosody rate="{phrasing.number_rate}%">{run}</prosody>' if phrasing.number_rate != 100 else run)
        pos = end
    out.extend(escape(w) for w in words[pos:])
    return "<speak>" + " ".join(out) + "</speak>"
