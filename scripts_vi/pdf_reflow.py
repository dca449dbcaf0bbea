"""Turn the words of a PDF page (poppler's -bbox-layout) back into paragraphs: page furniture dropped,
wrapped and hyphenated lines joined, numbered headings kept on their own lines."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from lxml import etree

# A page number alone on a line: "3", "- 3 -", "Trang 3", "Trang 3/12", "3/12", "Page 3 of 12".
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:trang|page)\s*)?\d{1,4}\s*(?:(?:/|of|trên)\s*\d{1,4})?[-–—\s]*$", re.IGNORECASE
)
_TRAILING_NUMBER = re.compile(r"[\d/\s\-–—]+$")
# Lines that start a paragraph of their own: numbered headings and list items ("1.", "1.2.", "II.", "a)", "-", "•").
_STARTS_BLOCK = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*[.)]|[IVXLC]{1,6}[.)]|[a-zđ][.)]|[-–•+*▪●])\s", re.IGNORECASE)
# Running headers and footers live within this share of the page height from its top or bottom.
EDGE_SHARE = 0.12
# A first line indented this many points more than the page's text starts a paragraph.
INDENT_PT = 8.0
# Extra space above a line, beyond the usual space between lines, that starts a paragraph (share of a line's height).
PARAGRAPH_GAP = 0.4
# A next word that would have fitted on the previous line with this much room to spare proves a paragraph end.
SLACK_PT = 2.0
_NS = "{http://www.w3.org/1999/xhtml}"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=True)


@dataclass(frozen=True)
class Word:
    """One word and where it starts and ends across the page, in points."""

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class Line:
    """One printed line: its words, its vertical place, and the block poppler put it in (kept for reading)."""

    words: tuple[Word, ...]
    y0: float
    y1: float
    block: int

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def x1(self) -> float:
        return self.words[-1].x1


@dataclass(frozen=True)
class Page:
    """A page's height and its lines in reading order."""

    height: float
    lines: tuple[Line, ...]


def parse_bbox(xhtml: str | bytes) -> list[Page]:
    """Pages of `pdftotext -bbox-layout` output as values."""
    if isinstance(xhtml, str):
        xhtml = xhtml.encode("utf-8")
    root = etree.fromstring(xhtml, _PARSER)
    pages = []
    block_id = 0
    for page in root.iter(_NS + "page"):
        lines = []
        for block in page.iter(_NS + "block"):
            block_id += 1
            for line in block.iter(_NS + "line"):
                words = tuple(
                    Word(w.text, float(w.get("xMin")), float(w.get("xMax"))) for w in line if w.text and not w.text.isspace()
                )
                if words:
                    lines.append(Line(words, float(line.get("yMin")), float(line.get("yMax")), block_id))
        pages.append(Page(float(page.get("height") or 0), tuple(lines)))
    return pages


def _in_edge(line: Line, page: Page) -> bool:
    band = page.height * EDGE_SHARE
    return line.y1 <= band or line.y0 >= page.height - band


def _furniture_key(text: str) -> str:
    return _TRAILING_NUMBER.sub("#", " ".join(text.split()).lower())


def drop_furniture(pages: list[Page]) -> list[list[Line]]:
    """Each page's lines without page numbers and the headers and footers repeated on half the pages or more."""
    seen: Counter = Counter()
    for page in pages:
        seen.update({_furniture_key(line.text) for line in page.lines if _in_edge(line, page)})
    repeated = {key for key, n in seen.items() if len(pages) >= 2 and n >= max(2, len(pages) / 2)}
    return [
        [
            line for line in page.lines
            if not (_in_edge(line, page) and (_PAGE_NUMBER.match(line.text) or _furniture_key(line.text) in repeated))
        ]
        for page in pages
    ]


def _join(previous: str, line: str) -> str:
    if previous.endswith("\u00ad"):
        return previous[:-1] + line  # a soft hyphen only marks where the line broke
    if len(previous) >= 2 and previous.endswith("-") and previous[-2].isalpha():
        return previous + line  # "ki-" + "lô-gam": a hyphenated word goes on
    return previous + " " + line


def _gap(line: Line) -> float:
    gaps = [b.x0 - a.x1 for a, b in zip(line.words, line.words[1:]) if b.x0 > a.x1]
    return sorted(gaps)[len(gaps) // 2] if gaps else (line.y1 - line.y0) * 0.25


def _would_fit(previous: Line, line: Line, right: float) -> bool:
    word = line.words[0]
    return previous.x1 + _gap(previous) + (word.x1 - word.x0) <= right - SLACK_PT


def _usual_gap(lines: list[Line]) -> float:
    """The space between two lines of one paragraph on this page: a low quantile of the downward gaps."""
    gaps = sorted(b.y0 - a.y1 for a, b in zip(lines, lines[1:]) if b.y0 > a.y0 and b.y0 >= a.y1)
    return gaps[(len(gaps) - 1) // 4] if gaps else 0.0


def _left_margin(lines: list[Line]) -> float:
    """Where most lines of the page start (the leftmost of the commonest starts)."""
    counts = Counter(round(line.x0) for line in lines)
    most = max(counts.values())
    return float(min(x for x, n in counts.items() if n == most))


def _starts_paragraph(previous: Line, line: Line, right: float, left: float, usual_gap: float) -> bool:
    if _STARTS_BLOCK.match(line.text) or line.y0 < previous.y0:
        return True  # a heading or list item, or the top of a new column
    if line.y0 - previous.y1 > usual_gap + PARAGRAPH_GAP * (previous.y1 - previous.y0):
        return True  # more space above it than between the lines of a paragraph
    return _would_fit(previous, line, right) or line.x0 > left + INDENT_PT


def reflow_pages(pages: list[Page]) -> str:
    """Paragraphs, one per output line, from the lines of the pages."""
    paragraphs: list[str] = []
    previous: Line | None = None
    previous_right = 0.0
    for lines in drop_furniture(pages):
        if not lines:
            continue
        right, left, usual_gap = max(line.x1 for line in lines), _left_margin(lines), _usual_gap(lines)
        for index, line in enumerate(lines):
            if previous is None:
                new = True
            elif index == 0:  # a paragraph may go on over a page break, by the same fitting test
                new = bool(_STARTS_BLOCK.match(line.text)) or _would_fit(previous, line, previous_right)
            else:
                new = _starts_paragraph(previous, line, right, left, usual_gap)
            if new:
                paragraphs.append(line.text)
            else:
                paragraphs[-1] = _join(paragraphs[-1], line.text)
            previous = line
        previous_right = right
    return "\n".join(paragraphs)


def reflow(xhtml: str | bytes) -> str:
    """Paragraphs from `pdftotext -bbox-layout` output."""
    return reflow_pages(parse_bbox(xhtml))
