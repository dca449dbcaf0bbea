"""The one place that runs LibreOffice (headless), to turn Word 97–2003 files into .docx."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from scripts_vi.errors import ConversionFailed, ToolMissing
from scripts_vi.tools import DEFAULT_TOOLS, ImportTools

PACKAGE = "libreoffice-writer-nogui"
TIMEOUT_S = 180.0
MISSING = (
    f"chưa cài LibreOffice để đọc tệp Word 97–2003 (.doc): hãy chạy «make system-doc» (gói {PACKAGE}) "
    "hoặc mở tệp bằng Word và lưu lại dưới dạng .docx."
)


def convert(sources: list[Path], to: str, outdir: Path, tools: ImportTools = DEFAULT_TOOLS) -> list[Path]:
    """Convert files with LibreOffice (to = "docx", "doc", "pdf"...); one process, a private profile."""
    with tempfile.TemporaryDirectory(prefix="loaxa-lo-") as profile:
        # A profile of its own: two conversions at once never share (and lock) one.
        args = [
            tools.soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
            "--nolockcheck", "--convert-to", to, "--outdir", str(outdir), *map(str, sources),
        ]
        try:
            subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL, check=False)
        except FileNotFoundError as exc:
            raise ToolMissing(MISSING) from exc
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"LibreOffice chuyển đổi quá {TIMEOUT_S:.0f} giây nên đã dừng; hãy lưu tệp thành .docx.") from exc
    ext = to.split(":")[0]
    return [outdir / f"{src.stem}.{ext}" for src in sources]


def doc_to_docx(source: Path, outdir: Path, tools: ImportTools = DEFAULT_TOOLS) -> Path:
    """A .docx made by LibreOffice from a Word 97–2003 file; ConversionFailed when it cannot read it."""
    (out,) = convert([source], "docx", outdir, tools)
    if not out.is_file() or out.stat().st_size == 0:
        raise ConversionFailed("LibreOffice không đọc được tệp Word này (có thể bị hỏng); hãy mở bằng Word và lưu lại dưới dạng .docx.")
    return out
