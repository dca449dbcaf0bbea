"""The campaign report as a Vietnamese administrative document (Decree 30/2020/NĐ-CP layout)."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from broadcast.reports import charts
from broadcast.numbers import vn_minutes, vn_number
from broadcast.reports.compute import REACH_RULE, CampaignReport, iter_problem_rows, judged_on_reach

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
TEXT_WIDTH_CM = 16.5  # A4 210 mm minus left 30 mm and right 15 mm
RED = RGBColor(0xC0, 0x00, 0x00)
# OOXML schema order: Word refuses a file whose property children are out of sequence.
AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
              "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
              "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
AFTER_TBLBORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _rfonts(element, name: str = FONT) -> None:  # type: ignore[no-untyped-def]
    """Set every script slot of a run's font (Word picks eastAsia/cs for Vietnamese in some locales)."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _setup(doc) -> None:  # type: ignore[no-untyped-def]
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _rfonts(normal.element)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.1
    doc.core_properties.language = "vi-VN"
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    _page_numbers(section)


def _page_numbers(section) -> None:  # type: ignore[no-untyped-def]
    """Page number centred in the top margin from page 2 on (Decree 30 leaves page 1 unnumbered)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), tag)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    run.font.size = Pt(BODY_PT)


def _para(container, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None, align=None,  # type: ignore[no-untyped-def]
          before: float = 0, after: float = 6, indent_cm: float | None = None, color: RGBColor | None = None, keep_next: bool = False):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        paragraph.alignment = align
    if indent_cm is not None:
        fmt.first_line_indent = Cm(indent_cm)
    if keep_next:
        fmt.keep_with_next = True
    return paragraph


def _body(doc, text: str, **kw):  # type: ignore[no-untyped-def]
    """A justified body paragraph with the customary first-line indent."""
    kw.setdefault("indent_cm", 1.0)
    kw.setdefault("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    return _para(doc, text, **kw)


def _rule(container, width_cm: float, column_cm: float) -> None:  # type: ignore[no-untyped-def]
    """A short centred horizontal line (the rule under the issuing body, the motto and the subject)."""
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    side = max(0.0, (column_cm - width_cm) / 2)
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        top.set(qn(f"w:{key}"), value)
    border.append(top)
    ppr.insert_element_before(border, *AFTER_PBDR)
    run = paragraph.add_run()
    run.font.size = Pt(2)


def _no_borders(table) -> None:  # type: ignore[no-untyped-def]
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.insert_element_before(borders, *AFTER_TBLBORDERS)


def _widths(table, widths_cm: list[float]) -> None:  # type: ignore[no-untyped-def]
    table.autofit = False
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm):
        col.set(qn("w:w"), str(int(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)


def _cell(cell, text: str, *, bold: bool = False, italic: bool = False, size: float = TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT) -> None:  # type: ignore[no-untyped-def]
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = 1.0
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)


def _grid(doc, header: list[str], rows: list[list[str]], widths: list[float], numeric: set[int] | None = None,  # type: ignore[no-untyped-def]
          bold_rows: set[int] | None = None, red_rows: set[int] | None = None):
    """A bordered data table with a repeated bold header row."""
    numeric, bold_rows, red_rows = numeric or set(), bold_rows or set(), red_rows or set()
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, title in enumerate(header):
        _cell(table.rows[0].cells[i], title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    trpr = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    table_rows = table.rows  # python-docx rebuilds these lists on every access: fetch once
    for r, values in enumerate(rows, start=1):
        row = table_rows[r]
        cells = row.cells
        for c, value in enumerate(values):
            align = WD_ALIGN_PARAGRAPH.CENTER if c in numeric else WD_ALIGN_PARAGRAPH.LEFT
            _cell(cells[c], value, bold=(r - 1) in bold_rows, align=align)
            if (r - 1) in red_rows:
                for run in cells[c].paragraphs[0].runs:
                    run.font.color.rgb = RED
        row_pr = row._tr.get_or_add_trPr()
        cant = OxmlElement("w:cantSplit")
        row_pr.append(cant)
    _widths(table, widths)
    _para(doc, after=4)  # breathing room after the table
    return table


def _heading(doc, text: str, level: int = 1) -> None:  # type: ignore[no-untyped-def]
    _para(doc, text, bold=True, italic=level > 1, before=6 if level == 1 else 3, after=4, indent_cm=1.0 if level > 1 else 0.0,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, keep_next=True)


def _picture(doc, png: bytes, width_cm: float, caption: str) -> None:  # type: ignore[no-untyped-def]
    paragraph = _para(doc, align=WD_ALIGN_PARAGRAPH.CENTER, after=0, keep_next=True)
    paragraph.add_run().add_picture(io.BytesIO(png), width=Cm(width_cm))
    _para(doc, caption, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, after=8)


def _date_line(place: str, today: date | None) -> str:
    """Place and date with the day left for the office to fill in when it signs."""
    if today is None:
        return f"{place}, ngày      tháng      năm 20   "
    return f"{place}, ngày      tháng {today.month:02d} năm {today.year}"


def _letterhead(doc, report: CampaignReport, today: date | None) -> None:  # type: ignore[no-untyped-def]
    head = report.letterhead
    left_w, right_w = 6.3, 10.2
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [left_w, right_w])
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    p = left.paragraphs[0]
    p.alignment = center
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run(head.parent_body)
    run.font.size = Pt(13)
    _para(left, head.body, bold=True, size=13, align=center, after=1)
    _rule(left, 2.2, left_w)
    _para(left, f"Số:        /{head.symbol}", size=13, align=center, before=6, after=0)

    p = right.paragraphs[0]
    p.alignment = center
    p.paragraph_format.space_after = Pt(0)
    run = p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold, run.font.size = True, Pt(12)
    _para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, align=center, after=1)
    _rule(right, 6.0, right_w)
    _para(right, _date_line(head.place, today), italic=True, size=13, align=center, before=6, after=0)


def _signature(doc, report: CampaignReport) -> None:  # type: ignore[no-untyped-def]
    head = report.letterhead
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.5, 8.0])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    p.paragraph_format.space_after = Pt(0)
    for line in head.recipients:
        _para(left, f"- {line}", size=11, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    p = right.paragraphs[0]
    p.alignment = center
    p.paragraph_format.space_after = Pt(0)
    for i, line in enumerate(head.signer_lines):
        if i:
            p.add_run().add_break()
        run = p.add_run(line)
        run.bold, run.font.size = True, Pt(13)
    for _ in range(4):
        _para(right, "", after=0)
    _para(right, head.signer_name or " ", bold=True, size=13, align=center, after=0)
    # Keep the closing block on one page: a signature alone on a page is not accepted.
    for row in table.rows:
        cant = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(cant)


def _warning(doc, report: CampaignReport) -> None:  # type: ignore[no-untyped-def]
    _para(
        doc,
        "CẢNH BÁO: NHẬT KÝ PHÁT SÓNG ĐÃ BỊ THAY ĐỔI SAU KHI GHI "
        f"({report.log.reason}). Báo cáo này được tính từ nhật ký đã bị thay đổi, số liệu không bảo đảm trung thực; "
        "không dùng báo cáo này làm căn cứ khi chưa xác minh lại nhật ký.",
        bold=True, color=RED, align=WD_ALIGN_PARAGRAPH.JUSTIFY, before=6, after=6,
    )


def render_docx(report: CampaignReport, today: date | None = None) -> bytes:
    """The report as DOCX bytes, ready to sign (number and day left blank for the office)."""
    doc = Document()
    _setup(doc)
    _letterhead(doc, report, today)
    t = report.totals
    center = WD_ALIGN_PARAGRAPH.CENTER
    if not report.log.verified:
        _warning(doc, report)
    _para(doc, "BÁO CÁO", bold=True, size=14, align=center, before=18, after=0)
    _para(doc, f"Kết quả thông tin, tuyên truyền hưởng ứng {report.name} trên hệ thống truyền thanh xã",
          bold=True, size=14, align=center, after=2)
    _rule(doc, 3.5, TEXT_WIDTH_CM)
    _para(doc, after=4)

    period = f"từ ngày {report.start:%d/%m/%Y} đến ngày {report.end:%d/%m/%Y}"
    commune = report.letterhead.place
    _body(doc, f"Thực hiện Kế hoạch của Ủy ban nhân dân xã {commune} về triển khai {report.name} trên địa bàn xã, "
               f"{report.station_name} báo cáo kết quả thông tin, tuyên truyền trên hệ thống truyền thanh xã {period} như sau:")

    _heading(doc, "I. CHỦ ĐỀ, THỜI GIAN VÀ CHỈ TIÊU")
    if report.theme:
        _body(doc, f"1. Chủ đề: “{report.theme}”.")
    _body(doc, f"2. Thời gian thực hiện: từ ngày {report.campaign_start:%d/%m/%Y} đến ngày {report.campaign_end:%d/%m/%Y}; "
               f"báo cáo này tính {period} ({t.days} ngày).")
    _body(doc, f"3. Chỉ tiêu phát sóng: {report.target_note}; tổng chỉ tiêu trong kỳ báo cáo là {vn_minutes(t.target_seconds)} phút.")
    _body(doc, "4. Nguồn số liệu: toàn bộ số liệu được tính tự động từ nhật ký phát sóng của đài, chỉ tính thời lượng "
               "đã thực sự phát ra loa; buổi phát bị ngắt chỉ tính số giây đã phát.")

    _heading(doc, "II. KẾT QUẢ PHÁT SÓNG")
    _heading(doc, "1. Kết quả chung", 2)
    ok = t.broadcasts - len(report.problems)
    pct = f"{vn_number(100 * t.aired_seconds / t.target_seconds, 1)}%" if t.target_seconds else "—"
    summary = [
        ["1", "Số buổi phát có nội dung chiến dịch", vn_number(t.broadcasts)],
        ["", "- Phát đủ, đúng giờ", vn_number(ok)],
        ["", "- Phát trễ giờ", vn_number(t.late)],
        ["", "- Bị ngắt giữa chừng", vn_number(t.interrupted)],
        ["", "- Không phát được", vn_number(t.missed)],
        ["2", "Số lượt phát bài tuyên truyền của chiến dịch", vn_number(t.items)],
        ["3", "Thời lượng nội dung chiến dịch đã phát (phút)", vn_minutes(t.aired_seconds)],
        ["4", "Chỉ tiêu thời lượng trong kỳ (phút)", vn_minutes(t.target_seconds)],
        ["5", "Tỷ lệ đạt so với chỉ tiêu", pct],
        ["6", "Số ngày đạt chỉ tiêu", f"{t.days_met}/{t.days} ngày"],
        ["7", "Buổi phát khác của đài trong kỳ (không có nội dung chiến dịch)", vn_number(t.other_broadcasts)],
    ]
    _grid(doc, ["TT", "Nội dung", "Kết quả"], summary, [1.2, 11.3, 4.0], numeric={0, 2}, bold_rows={0, 6})
    _body(doc, f"Trong kỳ, đài đã phát {vn_number(t.items)} lượt bài tuyên truyền của chiến dịch trong {vn_number(t.broadcasts - t.missed)} buổi phát, "
               f"tổng thời lượng {vn_minutes(t.aired_seconds)} phút, đạt {pct} chỉ tiêu; {t.days_met}/{t.days} ngày đạt chỉ tiêu thời lượng trong ngày.")

    _heading(doc, "2. Kết quả theo ngày", 2)
    rows, red = [], set()
    for i, d in enumerate(report.days):
        rows.append([d.date.strftime("%d/%m/%Y"), vn_minutes(d.target_seconds), vn_minutes(d.aired_seconds), str(d.broadcasts),
                     str(d.items), "Đạt" if d.met else "Chưa đạt"])
        if not d.met:
            red.add(i)
    rows.append(["Cộng", vn_minutes(t.target_seconds), vn_minutes(t.aired_seconds), str(t.broadcasts), str(t.items), f"{t.days_met}/{t.days} ngày đạt"])
    _grid(doc, ["Ngày", "Chỉ tiêu (phút)", "Đã phát (phút)", "Số buổi", "Số lượt bài", "Đánh giá"], rows,
          [3.0, 2.8, 2.8, 2.2, 2.5, 3.2], numeric={0, 1, 2, 3, 4, 5}, red_rows=red, bold_rows={len(rows) - 1})
    _picture(doc, charts.daily_chart(report), 15.5, "Biểu đồ 1. Thời lượng nội dung chiến dịch đã phát theo ngày so với chỉ tiêu")

    _heading(doc, "3. Buổi phát trễ giờ, bị ngắt hoặc không phát được", 2)
    if report.problems:
        _body(doc, f"Trong kỳ có {len(report.problems)} buổi phát không đạt yêu cầu; lý do theo nhật ký phát sóng:")
        _grid(doc, ["Giờ dự kiến", "Tình trạng", "Đã phát (phút)", "Lý do"], [list(r) for r in iter_problem_rows(report)],
              [3.3, 3.6, 2.2, 7.4], numeric={0, 2})
    else:
        _body(doc, "Tất cả các buổi phát có nội dung chiến dịch đều phát đủ và đúng giờ.")

    _heading(doc, "III. KẾT QUẢ THEO TỪNG BÀI")
    plays_target = any(s.target_plays is not None for s in report.scripts)
    header = ["TT", "Tên bài", "Số lần phát", "Thời lượng (phút)", "Phát lần đầu", "Phát lần cuối", "Giọng đọc"]
    widths = [0.9, 5.9, 1.7, 1.8, 1.7, 1.7, 2.8]
    if plays_target:
        header.insert(3, "Chỉ tiêu (lần)")
        widths = [0.9, 4.6, 1.6, 1.5, 1.7, 1.6, 1.6, 2.5]
    rows = []
    for i, s in enumerate(report.scripts, start=1):
        plays = str(s.plays) + (f" (+{s.interrupted} bị ngắt)" if s.interrupted else "")
        row = [str(i), s.title, plays, vn_minutes(s.aired_seconds), s.first_aired.strftime("%d/%m") if s.first_aired else "—",
               s.last_aired.strftime("%d/%m") if s.last_aired else "—", ", ".join(s.voices) or "—"]
        if plays_target:
            row.insert(3, vn_number(s.target_plays or 0, 1))
        rows.append(row)
    _grid(doc, header, rows, widths, numeric={0, 2, 3, 4, 5} | ({6} if plays_target else set()))
    _picture(doc, charts.scripts_chart(report), 15.5, "Biểu đồ 2. Thời lượng đã phát của từng bài")

    _heading(doc, "IV. KẾT QUẢ THEO THÔN (CỤM LOA)")
    if report.zone_targeted:
        _body(doc, "Một số buổi phát chỉ phát trên một số thôn; thời lượng nội dung chiến dịch đến từng thôn như sau:")
        _grid(doc, ["TT", "Thôn", "Số buổi", "Số lượt bài", "Thời lượng (phút)"],
              [[str(i), z.name, str(z.broadcasts), str(z.items), vn_minutes(z.aired_seconds)] for i, z in enumerate(report.zones, start=1)],
              [1.2, 6.3, 2.8, 2.8, 3.4], numeric={0, 2, 3, 4})
    else:
        _body(doc, f"Tất cả các buổi phát đều phát trên toàn bộ {len(report.zones)} thôn (cụm loa) của xã; "
                   f"mỗi thôn nhận {vn_minutes(t.aired_seconds)} phút nội dung chiến dịch.")
    if judged_on_reach(report):
        _body(doc, "Thời lượng đến được từng thôn (theo báo cáo của máy thu đặt tại thôn):")
        _grid(doc, ["TT", "Thôn", "Thời lượng phát (phút)", "Thời lượng đến được (phút)", "Số buổi không đến được"],
              [[str(i), z.name, vn_minutes(z.aired_seconds), vn_minutes(z.reached_seconds or 0.0), str(z.unreached_broadcasts)]
               for i, z in enumerate(report.zones, start=1)],
              [1.2, 5.3, 3.2, 3.4, 3.4], numeric={0, 2, 3, 4})
        _body(doc, REACH_RULE)

    _heading(doc, "V. CÁC HOẠT ĐỘNG KHÁC CỦA ĐÀI")
    lines = [line.strip() for line in report.note.splitlines() if line.strip()]
    for line in lines:
        _body(doc, line)
    if not lines:
        _body(doc, "(Cán bộ đài chưa ghi nội dung phần này.)", italic=True)

    _heading(doc, "VI. KIỂM TRA TÍNH TOÀN VẸN CỦA NHẬT KÝ PHÁT SÓNG")
    log = report.log
    if log.verified:
        _body(doc, f"Nhật ký phát sóng của đài ({vn_number(log.rows_checked)} dòng) đã được kiểm tra bằng chuỗi mã băm SHA-256: "
                   "toàn vẹn, không có dòng nào bị sửa hoặc xóa sau khi ghi.")
    else:
        _body(doc, f"Nhật ký phát sóng đã bị thay đổi sau khi ghi: {log.reason}. Các số liệu trên được tính từ nhật ký đã bị thay đổi.",
              bold=True, color=RED)
    # Keep the last body lines with the signature: Decree 30 does not accept a signature page without text.
    _body(doc, f"Báo cáo được tính từ {vn_number(log.rows_in_period)} dòng nhật ký trong kỳ (số thứ tự {log.first_seq} đến {log.last_seq}); "
               f"mã băm của dòng cuối: {log.last_hash[:16]}…", keep_next=True)
    _body(doc, f"Trên đây là báo cáo kết quả thông tin, tuyên truyền hưởng ứng {report.name} của {report.station_name}./.", after=12, keep_next=True)
    _signature(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
