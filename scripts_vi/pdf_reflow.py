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
# A first line indented this many points more than its block starts a paragraph.
INDENT_PT = 8.0
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
    """One printed line: its words, its vertical place, and the block poppler put it in."""

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


def reflow_pages(pages: list[Page]) -> str:
    """Paragraphs, one per output line, from the lines of the pages."""
    kept = drop_furniture(pages)
    paragraphs: list[str] = []
    previous: Line | None = None
    previous_right = 0.0
    previous_page = -1
    for page_index, lines in enumerate(kept):
        if not lines:
            continue
        rights: dict[int, float] = {}
        lefts: dict[int, float] = {}
        for line in lines:
            rights[line.block] = max(rights.get(line.block, 0.0), line.x1)
            lefts[line.block] = min(lefts.get(line.block, line.x0), line.x0)
        page_right = max(rights.values())
        for line in lines:
            text = line.text
            if previous is None or _STARTS_BLOCK.match(text):
                new = True
            elif previous.block == line.block:
                new = _would_fit(previous, line, rights[line.block]) or line.x0 > lefts[line.block] + INDENT_PT
            elif previous_page == page_index:
                new = True  # poppler saw space between the two blocks
            else:
                new = _would_fit(previous, line, previous_right)  # a paragraph going on over a page break
            if new:
                paragraphs.append(text)
            else:
                paragraphs[-1] = _join(paragraphs[-1], text)
            previous, previous_page = line, page_index
        previous_right = page_right
    return "\n".join(paragraphs)


def reflow(xhtml: str | bytes) -> str:
    """Paragraphs from `pdftotext -bbox-layout` output."""
    return reflow_pages(parse_bbox(xhtml))
