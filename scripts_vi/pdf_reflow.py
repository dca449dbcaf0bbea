"""Turn `pdftotext -layout` output back into paragraphs: page furniture dropped, wrapped lines joined."""

from __future__ import annotations

import re
from collections import Counter

# A page number alone on a line: "3", "- 3 -", "Trang 3", "Trang 3/12", "3/12", "Page 3 of 12".
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:trang|page)\s*)?\d{1,4}\s*(?:(?:/|of|trên)\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE
)
# Lines that start a block of their own: numbered headings and list items ("1.", "1.2.", "II.", "a)", "-", "•").
_STARTS_BLOCK = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]|[IVXLC]{1,6}[.)]|[a-zđ][.)]|[-–•+*▪●])\s", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Lines at the top or bottom of a page that are looked at as possible running headers and footers.
EDGE_LINES = 2
# A previous line this much shorter than the widest line, with room for the next word, ended its paragraph.
FULL_SHARE = 0.9


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", _SPACES.sub(" ", line.strip())).lower()


def _edges(lines: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def drop_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Blank out page numbers and lines repeated at the top or bottom of at least half of the pages."""
    seen = Counter()
    for lines in pages:
        seen.update({_key(lines[i]) for i in _edges(lines)})
    repeated = {key for key, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    out = []
    for lines in pages:
        lines = list(lines)
        for i in _edges(lines):
            if _PAGE_NUMBER.match(lines[i]) or _key(lines[i]) in repeated:
                lines[i] = ""
        out.append(lines)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _join(previous: str, line: str) -> str:
    if previous.endswith("\u00ad"):
        return previous[:-1] + line  # a soft hyphen only marks where the line broke
    if len(previous) >= 2 and previous.endswith("-") and previous[-2].isalpha():
        return previous + line  # "ki-" + "lô-gam": a hyphenated word goes on
    return previous + " " + line


def _ends_paragraph(previous: str, line: str, width: int, body_indent: int) -> bool:
    if _STARTS_BLOCK.match(line.strip()):
        return True
    if _indent(line) > body_indent + 1:
        return True  # a first-line indent, or a centred line
    first_word = line.split()[0]
    return len(previous.rstrip()) + 1 + len(first_word) <= width * FULL_SHARE


def reflow(layout_text: str) -> str:
    """Paragraphs, one per line, from pdftotext -layout output (pages separated by form feeds)."""
    pages = [page.split("\n") for page in layout_text.rstrip("\f\n").split("\f")]
    lines = [line.rstrip() for page in drop_furniture(pages) for line in page]
    filled = [line for line in lines if line.strip()]
    if not filled:
        return ""
    width = max(len(line) for line in filled)
    body_indent = Counter(_indent(line) for line in filled).most_common(1)[0][0]
    adjacent = sum(1 for a, b in zip(lines, lines[1:]) if a.strip() and b.strip())
    # Wide line spacing puts a blank line between every two printed lines; then blanks say nothing.
    blanks_matter = adjacent >= 0.25 * len(filled)
    paragraphs: list[str] = []
    previous_raw: str | None = None
    blank_run = 0
    for raw in lines:
        if not raw.strip():
            blank_run += 1
            continue
        text = _SPACES.sub(" ", raw.strip())
        starts_new = (
            previous_raw is None
            or (blank_run and (blanks_matter or blank_run >= 2))
            or _ends_paragraph(previous_raw, raw, width, body_indent)
        )
        if starts_new:
            paragraphs.append(text)
        else:
            paragraphs[-1] = _join(paragraphs[-1], text)
        previous_raw = raw
        blank_run = 0
    return "\n".join(paragraphs)
