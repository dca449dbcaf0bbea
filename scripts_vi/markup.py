"""Line markup: Markdown symbols dropped, line-start numbering (I., 1., 2.1., a)) spoken."""

from __future__ import annotations

import re

from scripts_vi.lexicon import LETTER_NAMES
from scripts_vi.numbers import read_int, read_number, roman_to_int

_HEADING = re.compile(r"^\s*(?:#{1,6}\s+|>\s?)")
_BULLET = re.compile(r"^\s*[-*+•]\s+")
_EMPHASIS = re.compile(r"\*\*|__|`|\*")
# Headings use I-XXXIX; L, C, D, M at a line start are list letters, not numerals.
_ROMAN = re.compile(r"^([IVX]+)\.(?=\s|$)")
_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.(?=\s|$)|^(\d{1,2}(?:\.\d{1,2})+)(?=\s)")
_LETTER = re.compile(r"^([a-zđ])\)\s")


def strip_markup(line: str) -> str:
    """Drop Markdown heading marks, quote marks, bullets and emphasis from one line."""
    line = _HEADING.sub("", line)
    line = _EMPHASIS.sub("", line).strip()
    return _BULLET.sub("", line)


def split_numbering(line: str) -> tuple[str, str]:
    """Spoken line-start numbering and the rest: 'II. NỘI DUNG' -> ('Hai.', ' NỘI DUNG')."""
    m = _ROMAN.match(line)
    if m and roman_to_int(m.group(1)):
        return read_int(roman_to_int(m.group(1))).capitalize() + ".", line[m.end():]
    m = _NUMBER.match(line)
    if m:
        number = m.group(1) or m.group(2)
        return " chấm ".join(read_number(p) for p in number.split(".")).capitalize() + ".", line[m.end():]
    m = _LETTER.match(line)
    if m:
        return LETTER_NAMES.get(m.group(1).upper(), m.group(1)).capitalize() + ".", " " + line[m.end():]
    return "", line
