"""Phrasing for espeak-ng: spoken text → SSML with a breath before numbers and names, and numbers read slower."""

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
# A name is two capitalised syllables or more inside a segment ("Nguyễn Văn An", "Cẩm Tân"): a title written in
# sentence case ("Kế hoạch", "Nghị quyết") capitalises only its first, and a segment's first word is its sentence's.
MIN_NAME_WORDS = 2
_PHONEMES = re.compile(r"\[\[[^\[\]\n]+\]\]")


@dataclass(frozen=True)
class Phrasing:
    """How to phrase: silence before a number (ms), the rate numbers are read at (% of the voice's speed), silence
    before a name (ms)."""

    number_break_ms: int = 0
    number_rate: int = 100
    name_break_ms: int = 0

    @property
    def active(self) -> bool:
        """Whether phrasing changes anything (when not, espeak-ng reads the plain text)."""
        return self.number_break_ms > 0 or self.number_rate != 100 or self.name_break_ms > 0


PUNCTUATION = ".,;:!?…\"'“”()[]"


def _bare(word: str) -> str:
    """A word without the punctuation around it, lower-cased, for table look-up."""
    return word.strip(PUNCTUATION).lower()


def _closes(word: str) -> bool:
    """Whether punctuation follows the word: it closes a number run or a name ("hai mươi," "Cẩm Tân,")."""
    return word.rstrip(PUNCTUATION) != word


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
            if _closes(words[j - 1]):
                break
        start, end = i, j
        while end > start and _bare(words[end - 1]) in DATE_WORDS:
            end -= 1
        if sum(_bare(w) in NUMBER_WORDS for w in words[start:end]) >= MIN_NUMBER_WORDS:
            runs.append((start, end))
        i = j
    return runs


def _capitalised(word: str) -> bool:
    """Whether a word starts with a capital letter (after any opening quote or bracket)."""
    return word.lstrip(PUNCTUATION)[:1].isupper()


def name_runs(words: list[str]) -> list[tuple[int, int]]:
    """(start, end) word spans of names: MIN_NAME_WORDS capitalised words or more, never the segment's first word.

    A run ends after a word carrying punctuation ("Cẩm Tân, Cẩm Hà" is two names).
    """
    runs: list[tuple[int, int]] = []
    i = 1
    while i < len(words):
        j = i
        while j < len(words) and _capitalised(words[j]):
            j += 1
            if _closes(words[j - 1]):
                break
        if j - i >= MIN_NAME_WORDS:
            runs.append((i, j))
        i = max(j, i + 1)
    return runs


def to_ssml(text: str, phrasing: Phrasing) -> str:
    """The text as SSML for `espeak-ng -m`: each number run preceded by a break and wrapped in a slower prosody, each
    name preceded by a break.

    Text with no run is wrapped unchanged; "[[...]]" phoneme spans pass through (espeak-ng reads them in SSML).
    """
    words = text.split()
    numbers = dict(number_runs(words))
    names = {start for start, _ in name_runs(words)} if phrasing.name_break_ms else set()
    out: list[str] = []
    i = 0
    while i < len(words):
        if i in numbers:
            if phrasing.number_break_ms and i > 0:
                out.append(f'<break time="{phrasing.number_break_ms}ms"/>')
            run = " ".join(escape(w) for w in words[i:numbers[i]])
            out.append(f'<prosody rate="{phrasing.number_rate}%">{run}</prosody>' if phrasing.number_rate != 100 else run)
            i = numbers[i]
            continue
        if i in names:
            out.append(f'<break time="{phrasing.name_break_ms}ms"/>')
        out.append(escape(words[i]))
        i += 1
    return "<speak>" + " ".join(out) + "</speak>"
