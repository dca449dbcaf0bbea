"""The DOCX report is a Decree 30 document that LibreOffice opens and lays out as expected."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from docx import Document
from docx.shared import Pt
from sqlalchemy import select, text

from broadcast.db import transaction
from broadcast.models import Campaign
from broadcast.reports import build_report, write_report
from broadcast.reports.notes import save_note
from broadcast.stations.lookup import get_station
from broadcast.stations.users import get_user

NOTE = (
    "Phối hợp với Hội Liên hiệp Phụ nữ xã thực hiện 02 phóng sự về mô hình “Địa chỉ tin cậy tại cộng đồng”.\n"
    "Tiếp sóng chương trình thời sự của Đài Phát thanh và Truyền hình tỉnh vào các buổi phát sáng và chiều.\n"
    "Đưa tin Lễ phát động Tháng hành động tại nhà văn hóa thôn 3 ngày 18/11/2024."
)


def _convert(docs: list[Path], workdir: Path) -> None:
    """One LibreOffice headless run (a private profile) converts every document to PDF: start-up is the slow part."""
    profile = workdir / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(workdir), *map(str, docs)],
        check=True, capture_output=True, timeout=120,
    )


def _pdf_pages(pdf: Path, workdir: Path) -> tuple[list[Path], str]:
    """PNG pages and the text of a PDF."""
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(workdir / pdf.stem)], check=True, timeout=60)
    words = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=60).stdout
    return sorted(workdir.glob(f"{pdf.stem}-*.png")), words


def test_docx_layout_and_libreoffice_rendering(month, tmp_path):
    _, factory, _ = month
    with transaction(factory) as session:
        station = get_station(session, "cam-tan")
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        save_note(session, campaign, NOTE, get_user(session, "bientap"))
        report = build_report(session, station, campaign)
        session.execute(text("UPDATE asrun_log SET status = 'played', seconds = 900 WHERE seq = 12"))
        altered = build_report(session, station, campaign)
    good = write_report(report, "docx", tmp_path / "bao-cao.docx", today=date(2024, 12, 16))
    bad = write_report(altered, "docx", tmp_path / "bao-cao-nhat-ky-bi-sua.docx", today=date(2024, 12, 16))

    doc = Document(str(good))
    section = doc.sections[0]
    size_mm = [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)]
    assert size_mm == [210, 297, 20, 20, 30, 15]  # A4; Decree 30 margins
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size == Pt(13)
    head = [p.text for cell in doc.tables[0].rows[0].cells for p in cell.paragraphs]
    assert head == ["UBND XÃ CẨM TÂN", "ĐÀI TRUYỀN THANH", "", "Số:        /BC-ĐTT",
                    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "", "Cẩm Tân, ngày      tháng 12 năm 2024"]
    closing = [p.text for cell in doc.tables[-1].rows[0].cells for p in cell.paragraphs]
    assert closing[0] == "Nơi nhận:" and "Hoàng Thị Hợp" in closing and "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in closing
    assert len(doc.inline_shapes) == 2  # the two charts
    assert not any(p.text.startswith("CẢNH BÁO") for p in doc.paragraphs)

    _convert([good, bad], tmp_path)
    pages, words = _pdf_pages(tmp_path / "bao-cao.pdf", tmp_path)
    assert 3 <= len(pages) <= 7
    flat = " ".join(words.split())
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "I. CHỦ ĐỀ, THỜI GIAN VÀ CHỈ TIÊU",
                   "VI. KIỂM TRA TÍNH TOÀN VẸN", "Địa chỉ tin cậy tại cộng đồng", "Nơi nhận:", "Hoàng Thị Hợp"):
        assert phrase in flat, phrase
    bad_pages, bad_words = _pdf_pages(tmp_path / "bao-cao-nhat-ky-bi-sua.pdf", tmp_path)
    assert "CẢNH BÁO: NHẬT KÝ PHÁT SÓNG ĐÃ BỊ THAY ĐỔI" in " ".join(bad_words.split()[:200])

    keep = os.environ.get("LOAXA_REPORT_SCREENSHOTS")  # set to docs/screenshots to refresh the committed pages
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        for i, page in enumerate(pages, start=1):
            shutil.copy(page, Path(keep) / f"report-{i}.png")
        shutil.copy(bad_pages[0], Path(keep) / "report-altered-log-1.png")
