"""Campaign reports computed from the as-run log, and their DOCX/XLSX/CSV/JSON files."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from broadcast.errors import InvalidInput
from broadcast.reports.build import build_report
from broadcast.reports.compute import CampaignReport, Letterhead, to_dict

FORMATS = ("docx", "xlsx", "csv", "json")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}

__all__ = ["FORMATS", "MEDIA_TYPES", "CampaignReport", "Letterhead", "build_report", "default_filename", "render", "to_dict", "write_report"]


def render(report: CampaignReport, fmt: str, today: date | None = None, table: str = "days") -> bytes:
    """The report file's bytes in one format (CSV carries a BOM so Excel reads Vietnamese right)."""
    if fmt == "docx":
        from broadcast.reports.docx import render_docx

        return render_docx(report, today)
    if fmt == "xlsx":
        from broadcast.reports.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "csv":
        from broadcast.reports.tables import render_csv

        return render_csv(report, table).encode("utf-8-sig")
    if fmt == "json":
        from broadcast.reports.tables import render_json

        return render_json(report).encode("utf-8")
    raise InvalidInput(f"Không có định dạng {fmt!r}: chọn một trong {', '.join(FORMATS)}.", field="format")


def default_filename(report: CampaignReport, fmt: str) -> str:
    """A file name that says which campaign and period the report covers."""
    return f"bao-cao-{report.slug}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{fmt}"


def write_report(report: CampaignReport, fmt: str, out_path: str | os.PathLike[str], today: date | None = None, table: str = "days") -> Path:
    """Render and write atomically: the file appears whole or not at all."""
    data = render(report, fmt, today, table)  # rendered first, so a failure leaves nothing behind
    target = Path(out_path)
    if target.is_dir():
        target = target / default_filename(report, fmt)
    if not target.parent.is_dir():
        raise InvalidInput(f"Thư mục {str(target.parent)!r} không có: hãy tạo thư mục hoặc chọn nơi lưu khác.", field="output")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
