"""Build .docx files the way old offices typed them (runs in .VnTime/.VnTimeH or VNI-Times fonts), and read refusals."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from docx.oxml import parse_xml

from scripts_vi.errors import ImportFailed
from scripts_vi.importers import import_file
from scripts_vi.tools import DEFAULT_TOOLS, ImportTools

from scripts_vi.encodings import decode_literal, encode_tcvn3, encode_vni

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def as_font_text(data: bytes) -> str:
    """The characters Word stores for 8-bit codes shown in an ANSI (legacy) font."""
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in data)


def tcvn3_runs(text: str) -> list[tuple[str, str]]:
    """(font, stored text) runs for text typed in TCVN3: toned capitals in .VnTimeH, as typists did."""
    runs: list[tuple[str, str]] = []
    for ch in unicodedata.normalize("NFC", text):
        code = encode_tcvn3(ch)
        font = ".VnTime" if decode_literal(code, "tcvn3") == ch else ".VnTimeH"
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + as_font_text(code))
        else:
            runs.append((font, as_font_text(code)))
    return runs


def vni_runs(text: str) -> list[tuple[str, str]]:
    """One VNI-Times run holding text typed in VNI."""
    return [("VNI-Times", as_font_text(encode_vni(text)))]


def add_runs(paragraph, runs: list[tuple[str, str]]) -> None:
    """Append runs with their fonts to a python-docx paragraph."""
    for font, text in runs:
        run = paragraph.add_run(text)
        if font:
            run.font.name = font


def add_page_field(paragraph, shown: str = "1") -> None:
    """Append a PAGE field (as Word writes page numbers) whose last result was `shown`."""
    for xml in (
        '<w:r %s><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r %s><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>',
        '<w:r %s><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r %s><w:t>{shown}</w:t></w:r>',
        '<w:r %s><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        paragraph._p.append(parse_xml(xml % W_NS))


def refusal(path: Path, tools: ImportTools = DEFAULT_TOOLS) -> str:
    """The one-sentence reason import_file gives for refusing path, checked to name the file."""
    with pytest.raises(ImportFailed) as info:
        import_file(path, tools=tools)
    message = str(info.value)
    assert path.name in message and message.endswith(".") and "\n" not in message
    return message
