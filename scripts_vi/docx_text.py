"""The text of a .docx, every run decoded by its font: Unicode, TCVN3 (.Vn*) or VNI runs in one clean text."""

from __future__ import annotations

import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from scripts_vi.encodings import decode_literal, font_bytes, redecode_legacy, syllable_letters
from scripts_vi.legacy_fonts import FontEncoding, font_encoding

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Never fetch or expand anything a document names: a .docx comes from anyone.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
# Parts in reading order: headers, the body, footnotes and endnotes, footers.
_PART_ORDER = (
    (re.compile(r"word/header\d*\.xml"), 0),
    (re.compile(r"word/document\.xml"), 1),
    (re.compile(r"word/footnotes\.xml"), 2),
    (re.compile(r"word/endnotes\.xml"), 3),
    (re.compile(r"word/footer\d*\.xml"), 4),
)
# Field results that are page furniture, not text: page numbers and counts.
_PAGE_FIELDS = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES)\b", re.IGNORECASE)
# Wrappers whose runs are not part of the visible text (deleted or moved-away revisions, fallbacks).
_SKIP = {W + "del", W + "moveFrom", MC + "Fallback", W + "instrText", W + "delText"}


@dataclass
class DocxText:
    """A document's text and what was converted: counts of runs by (encoding, font)."""

    text: str
    converted: Counter = field(default_factory=Counter)


class _Fonts:
    """Resolve a run's font the way Word does: direct formatting, character style, paragraph style, defaults."""

    def __init__(self, styles: etree._Element | None):
        self._styles: dict[str, etree._Element] = {}
        self._default_para: str | None = None
        self._doc_default: str | None = None
        if styles is None:
            return
        for style in styles.iter(W + "style"):
            style_id = style.get(W + "styleId")
            if style_id:
                self._styles[style_id] = style
                if style.get(W + "type") == "paragraph" and style.get(W + "default") in ("1", "true", "on"):
                    self._default_para = style_id
        default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
        self._doc_default = _rfonts(default)

    def _from_style(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self._styles.get(style_id)
            if style is None:
                return None
            found = _rfonts(style.find(W + "rPr"))
            if found:
                return found
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None
        return None

    def of_run(self, run: etree._Element, paragraph: etree._Element | None) -> str | None:
        rpr = run.find(W + "rPr")
        found = _rfonts(rpr)
        if found:
            return found
        if rpr is not None:
            rstyle = rpr.find(W + "rStyle")
            if rstyle is not None:
                found = self._from_style(rstyle.get(W + "val"))
                if found:
                    return found
        pstyle_id = self._default_para
        if paragraph is not None:
            pstyle = paragraph.find(f"{W}pPr/{W}pStyle")
            if pstyle is not None:
                pstyle_id = pstyle.get(W + "val")
        return self._from_style(pstyle_id) or self._doc_default


def _rfonts(rpr: etree._Element | None) -> str | None:
    """The font of the letters beyond ASCII (hAnsi), else of ASCII, named in an rPr."""
    if rpr is None:
        return None
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(W + "hAnsi") or fonts.get(W + "ascii")


@dataclass
class _Walk:
    fonts: _Fonts
    converted: Counter
    field_stack: list = field(default_factory=list)  # per open complex field: [instruction, result hidden]


def _run_text(run: etree._Element, walk: _Walk) -> str:
    parts = []
    for child in run:
        tag = child.tag
        if tag == W + "fldChar":
            kind = child.get(W + "fldCharType")
            if kind == "begin":
                walk.field_stack.append(["", False])
            elif kind == "separate" and walk.field_stack:
                walk.field_stack[-1][1] = bool(_PAGE_FIELDS.match(walk.field_stack[-1][0]))
            elif kind == "end" and walk.field_stack:
                walk.field_stack.pop()
        elif tag == W + "instrText" and walk.field_stack:
            walk.field_stack[-1][0] += child.text or ""
        elif any(hidden for _, hidden in walk.field_stack):
            continue
        elif tag == W + "t":
            parts.append(child.text or "")
        elif tag == W + "tab":
            parts.append("\t")
        elif tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif tag == W + "noBreakHyphen":
            parts.append("-")
        elif tag == W + "softHyphen":
            # Kept for the decoder: in a TCVN3 font this code (0xAD) is the letter ư; clean_text drops it elsewhere.
            parts.append("\u00ad")
    return "".join(parts)


def _decode_run(text: str, legacy: FontEncoding | None, font: str | None, walk: _Walk) -> str:
    if legacy is None or not text:
        return text
    data = font_bytes(text)
    if data is None:
        return text  # Unicode letters typed in a legacy font: already right
    decoded = decode_literal(data, legacy.encoding)
    if legacy.capitals:
        decoded = decoded.upper()
    if decoded == text:
        return text
    # Unicode text that only happens to fit in 8 bits ("Các" in .VnTime) reads better as it is: it has more letters
    # inside Vietnamese syllables than its decoding. Counts, not shares: a run may end mid-word (TCVN3 "TẦNG ĐÌNH" is
    # "TÁNG §" in .VnTime, "×" in .VnTimeH, "NH" in .VnTime), and its decoded fragment "Đ", no syllable on its own,
    # must not tip the run back to "§".
    has_letters = any(ord(ch) > 0x7F and ch.isalpha() for ch in text)
    if has_letters and not legacy.capitals and syllable_letters(text) > syllable_letters(decoded):
        return text
    walk.converted[(legacy.encoding, font)] += 1
    return decoded


def _paragraph(p: etree._Element, walk: _Walk, nested: list) -> str:
    """A paragraph's own text; text boxes inside it are put in `nested` to follow it."""
    pieces: list[tuple[str, str | None]] = []  # (text, font) of runs in a font we cannot name

    def collect(elem: etree._Element) -> None:
        for child in elem:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "txbxContent":
                nested.append(child)
            elif tag == W + "r":
                font = walk.fonts.of_run(child, p)
                text = _run_text(child, walk)
                legacy = font_encoding(font)
                pieces.append((text, None) if legacy is None else (_decode_run(text, legacy, font, walk), font))
                collect(child)  # drawings and their text boxes hang inside runs
            elif tag == W + "fldSimple" and _PAGE_FIELDS.match(child.get(W + "instr") or ""):
                continue
            elif tag == W + "p":
                nested.append(child)
            else:
                collect(child)

    collect(p)
    return _with_detector(pieces, walk).rstrip()


def _with_detector(pieces: list[tuple[str, str | None]], walk: _Walk) -> str:
    """Runs in fonts we cannot name: if together they read as legacy mojibake, decode them."""
    unknown = "".join(text for text, font in pieces if font is None)
    found = redecode_legacy(unknown) if unknown else None
    if found is None:
        return "".join(text for text, _ in pieces)
    out = []
    for text, font in pieces:
        data = font_bytes(text) if font is None else None
        out.append(decode_literal(data, found.encoding) if data is not None else text)
    walk.converted[(found.encoding, None)] += 1
    return "".join(out)


def _paragraphs(root: etree._Element, walk: _Walk) -> list[str]:
    out: list[str] = []

    def visit(elem: etree._Element) -> None:
        for child in elem:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "p":
                nested: list = []
                out.append(_paragraph(child, walk, nested))
                for inner in nested:
                    if inner.tag == W + "p":
                        out.append(_paragraph(inner, walk, []))
                    else:
                        visit(inner)
            elif tag in (W + "footnote", W + "endnote") and child.get(W + "type") not in (None, "normal"):
                continue  # separators between text and notes
            else:
                visit(child)

    visit(root)
    return out


def _parts(archive: zipfile.ZipFile) -> list[str]:
    ranked = []
    for name in archive.namelist():
        for pattern, rank in _PART_ORDER:
            if pattern.fullmatch(name):
                ranked.append((rank, name))
    return [name for _, name in sorted(ranked)]


def docx_text(archive: zipfile.ZipFile) -> DocxText:
    """Read every text part of an opened .docx; headers and footers that repeat are kept once."""
    styles = etree.fromstring(archive.read("word/styles.xml"), _PARSER) if "word/styles.xml" in archive.namelist() else None
    walk = _Walk(_Fonts(styles), Counter())
    blocks: list[str] = []
    seen_furniture: set[str] = set()
    for name in _parts(archive):
        root = etree.fromstring(archive.read(name), _PARSER)
        text = "\n".join(_paragraphs(root, walk))
        if name.startswith(("word/header", "word/footer")):
            if not text.strip() or text in seen_furniture:
                continue
            seen_furniture.add(text)
        blocks.append(text)
    return DocxText("\n".join(blocks), walk.converted)
