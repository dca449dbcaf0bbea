"""The report's tables as an Excel workbook (openpyxl)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from broadcast.reports.compute import OUTCOME_LABELS, REACH_RULE, CampaignReport, judged_on_reach, station_tz_name
from broadcast.stations.lookup import zone_codes

BOLD = Font(bold=True)
RED = Font(bold=True, color="C00000")
HEAD_FILL = PatternFill("solid", fgColor="DDE6F0")


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list], widths: list[int]):  # type: ignore[no-untyped-def]
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    for row in rows:
        ws.append(row)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return ws


def render_xlsx(report: CampaignReport) -> bytes:
    """Workbook with sheets Tổng hợp, Theo ngày, Theo bài, Theo thôn, Nhật ký; seconds stay numbers."""
    wb = Workbook()
    wb.remove(wb.active)
    reach = judged_on_reach(report)  # receivers judged some rows: each day and thôn also shows what reached it
    t = report.totals
    ws = wb.create_sheet("Tổng hợp")
    ws.append(["Báo cáo chiến dịch", report.name])
    ws["A1"].font = ws["B1"].font = BOLD
    if not report.log.verified:
        ws.append(["CẢNH BÁO", f"Nhật ký phát sóng đã bị thay đổi sau khi ghi ({report.log.reason}): số liệu tính từ nhật ký đã bị thay đổi."])
        ws.cell(ws.max_row, 1).font = ws.cell(ws.max_row, 2).font = RED
    rows = [
        ("Mã chiến dịch", report.slug), ("Đài", report.station_name), ("Chủ đề", report.theme),
        ("Chiến dịch từ ngày", report.campaign_start), ("Chiến dịch đến ngày", report.campaign_end),
        ("Kỳ báo cáo từ ngày", report.start), ("Kỳ báo cáo đến ngày", report.end), ("Chỉ tiêu", report.target_note),
        ("Chỉ tiêu trong kỳ (giây)", t.target_seconds), ("Thời lượng chiến dịch đã phát (giây)", t.aired_seconds),
        ("Số buổi phát có nội dung chiến dịch", t.broadcasts), ("Số lượt bài đã phát", t.items),
        ("Buổi phát trễ giờ", t.late), ("Buổi phát bị ngắt", t.interrupted), ("Buổi không phát được", t.missed),
        ("Số ngày đạt chỉ tiêu", t.days_met), ("Số ngày trong kỳ", t.days), ("Buổi phát khác trong kỳ", t.other_broadcasts),
        ("Nhật ký toàn vẹn", "có" if report.log.verified else "KHÔNG"), ("Số dòng nhật ký đã kiểm tra", report.log.rows_checked),
        ("Mã băm dòng cuối trong kỳ", report.log.last_hash), ("Hoạt động khác của đài", report.note),
        *([("Thời lượng đến được thôn", REACH_RULE)] if reach else []),
    ]
    for label, value in rows:
        ws.append([label, value])
        if hasattr(value, "isoformat"):
            ws.cell(ws.max_row, 2).number_format = "DD/MM/YYYY"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 38, 90
    for row in ws.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top", horizontal="left")

    ws = _sheet(wb, "Theo ngày", ["Ngày", "Chỉ tiêu (giây)", "Đã phát (giây)", "Số buổi", "Số lượt bài", "Không phát được", "Trễ giờ", "Bị ngắt", "Đạt chỉ tiêu"]
                + (["Đến được thôn (giây)"] if reach else []),
                [[d.date, d.target_seconds, d.aired_seconds, d.broadcasts, d.items, d.missed, d.late, d.interrupted, "Đạt" if d.met else "Chưa đạt"]
                 + ([d.reached_seconds] if reach else []) for d in report.days],
                [12, 15, 15, 10, 12, 15, 10, 10, 13, 15])
    for cell in ws["A"][1:]:
        cell.number_format = "DD/MM/YYYY"
    _sheet(wb, "Theo bài", ["Mã bài", "Tên bài", "Số lần phát đủ", "Số lần bị ngắt", "Đã phát (giây)", "Phát lần đầu", "Phát lần cuối", "Giọng đọc", "Chỉ tiêu (lần)"],
           [[s.id, s.title, s.plays, s.interrupted, s.aired_seconds, s.first_aired, s.last_aired, ", ".join(s.voices), s.target_plays] for s in report.scripts],
           [8, 60, 14, 14, 14, 13, 13, 30, 13])
    ws = _sheet(wb, "Theo thôn", ["Mã thôn", "Thôn", "Số buổi", "Số lượt bài", "Đã phát (giây)"]
                + (["Đến được (giây)", "Số buổi không đến được"] if reach else []),
                [[z.code, z.name, z.broadcasts, z.items, z.aired_seconds] + ([z.reached_seconds, z.unreached_broadcasts] if reach else [])
                 for z in report.zones], [12, 24, 10, 12, 15, 15, 15])

    tz = station_tz_name(report)
    _sheet(wb, "Sự cố", ["Mã buổi phát", "Giờ dự kiến", "Tình trạng", "Đã phát (giây)", "Lý do", "Thôn"],
           [[p.broadcast_id, p.planned_start.astimezone(tz).strftime("%d/%m/%Y %H:%M"), OUTCOME_LABELS[p.outcome], p.aired_seconds, p.reason, "tất cả" if zone_codes(p.zones) is None else p.zones]
            for p in report.problems], [12, 18, 20, 14, 60, 20])
    fields = list(report.entries[0]) if report.entries else []
    _sheet(wb, "Nhật ký", fields, [[e[f] for f in fields] for e in report.entries], [14] * len(fields))
    for ws in wb.worksheets[1:]:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if hasattr(cell.value, "isoformat") and cell.number_format == "General":
                    cell.number_format = "DD/MM/YYYY"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
