"""The one place that runs poppler's pdfinfo and pdftotext."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from scripts_vi.errors import ConversionFailed, ToolMissing
from scripts_vi.tools import DEFAULT_TOOLS, ImportTools

TIMEOUT_S = 120.0
_MISSING = "chưa cài poppler-utils để đọc tệp PDF: hãy chạy «make system» hoặc «apt-get install poppler-utils»."


@dataclass(frozen=True)
class PdfInfo:
    """What pdfinfo says: pages, and whether the file is encrypted (a password is needed to open it or not)."""

    pages: int
    encrypted: bool
    needs_password: bool = False


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
    except FileNotFoundError as exc:
        raise ToolMissing(_MISSING) from exc
    except subprocess.TimeoutExpired as exc:
        raise ConversionFailed(f"pdftotext chạy quá {TIMEOUT_S:.0f} giây nên đã dừng; hãy chia tệp PDF thành tệp nhỏ hơn.") from exc


def pdf_info(path: Path, tools: ImportTools = DEFAULT_TOOLS) -> PdfInfo:
    """Page count and encryption of a PDF; ConversionFailed when poppler cannot open it at all."""
    proc = _run([tools.pdfinfo, str(path)])
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        if "password" in err.lower():
            return PdfInfo(pages=0, encrypted=True, needs_password=True)
        raise ConversionFailed("poppler không mở được tệp PDF này (có thể bị hỏng hoặc chưa tải hết); hãy lấy lại bản gốc.")
    out = proc.stdout.decode("utf-8", "replace")
    pages = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
    encrypted = re.search(r"^Encrypted:\s+yes", out, re.MULTILINE) is not None
    return PdfInfo(pages=int(pages.group(1)) if pages else 0, encrypted=encrypted)


def pdf_words(path: Path, tools: ImportTools = DEFAULT_TOOLS) -> bytes:
    """The text layer of a PDF as XHTML: pages, blocks, lines and words with their boxes (-bbox-layout)."""
    proc = _run([tools.pdftotext, "-bbox-layout", "-enc", "UTF-8", "-q", str(path), "-"])
    if proc.returncode != 0:
        raise ConversionFailed("poppler không đọc được chữ trong tệp PDF này (có thể bị hỏng); hãy lấy lại bản gốc.")
    return proc.stdout
