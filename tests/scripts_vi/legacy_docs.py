"""Build .docx files the way old offices typed them: runs in .VnTime/.VnTimeH (TCVN3) or VNI-Times fonts."""

from __future__ import annotations

import unicodedata

from scripts_vi.encodings import decode_literal, encode_tcvn3, encode_vni


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
