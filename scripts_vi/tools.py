"""The programs the importers run: one value built by the caller from its settings (scripts_vi reads no environment)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportTools:
    """Executables for PDF (poppler) and Word 97–2003 (LibreOffice) files: names looked up on PATH, or full paths."""

    pdfinfo: str = "pdfinfo"
    pdftotext: str = "pdftotext"
    soffice: str = "soffice"


DEFAULT_TOOLS = ImportTools()
