"""import_file / import_paths on real files made in tmp_path."""

import os
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest

from scripts_vi.encodings import encode_cp1258, encode_tcvn3, encode_vni
from scripts_vi.errors import ImportFailed
from scripts_vi.importers import import_file, import_paths

TEXT = "Thông báo lịch tiêm chủng\nKính thưa bà con nhân dân xã Cẩm Tân, Trạm Y tế xã thông báo lịch tiêm."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (encode_tcvn3(TEXT), "tcvn3"),
        (encode_vni(TEXT), "vni"),
        (encode_cp1258(TEXT), "cp1258"),
    ],
)
def test_txt_in_each_encoding(tmp_path, data, encoding):
    path = tmp_path / "thong-bao.txt"
    path.write_bytes(data)
    script = import_file(path)
    assert script.encoding == encoding
    assert script.body == TEXT
    assert script.title == "Thông báo lịch tiêm chủng"
    assert script.header is None
    assert script.source_path == path


def test_md_with_header(tmp_path):
    path = tmp_path / "bai.md"
    path.write_text(
        "---\ntitle: Lịch phát thanh\ncategory: thong-bao\npriority: khẩn cấp\nvalid_from: 2024-11-15\n---\n\n# Tiêu đề phụ\nNội dung bài.\n",
        encoding="utf-8",
    )
    script = import_file(path)
    assert script.title == "Lịch phát thanh"
    assert script.body == "# Tiêu đề phụ\nNội dung bài."
    assert script.header.priority == "emergency"
    assert script.header.valid_from == date(2024, 11, 15)


def test_md_title_from_first_line_without_markup(tmp_path):
    path = tmp_path / "bai.md"
    path.write_text("\n\n## **Tin vắn buổi sáng**\nNội dung.", encoding="utf-8")
    assert import_file(path).title == "Tin vắn buổi sáng"


def test_title_skips_empty_heading_lines(tmp_path):
    path = tmp_path / "tin-sang.txt"
    path.write_text("---\ncategory: tin\n---\n\n#\nNội dung", encoding="utf-8")
    assert import_file(path).title == "Nội dung"


def _make_docx(path: Path) -> None:
    document = docx.Document()
    document.add_heading("Thông báo về Tháng hành động", level=1)
    paragraph = document.add_paragraph()
    paragraph.add_run("Kính thưa bà con nhân dân.").bold = True
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Thời gian"
    table.cell(0, 1).text = "Từ ngày 15/11/2024"
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Địa điểm: nhà văn hóa thôn"
    document.add_paragraph("Trân trọng thông báo.")
    document.save(str(path))


def test_docx(tmp_path):
    path = tmp_path / "thong-bao.docx"
    _make_docx(path)
    script = import_file(path)
    assert (script.format, script.encoding, script.converted) == ("docx", "unicode", ())
    assert script.title == "Thông báo về Tháng hành động"
    assert script.body.split("\n") == [
        "Thông báo về Tháng hành động",
        "Kính thưa bà con nhân dân.",
        "Thời gian",
        "Từ ngày 15/11/2024",
        "Địa điểm: nhà văn hóa thôn",
        "Trân trọng thông báo.",
    ]


def _reason(path: Path, **kwargs) -> str:
    with pytest.raises(ImportFailed) as info:
        import_file(path, **kwargs)
    message = str(info.value)
    assert path.name in message
    assert message.endswith(".")
    return message


def test_empty_file(tmp_path):
    path = tmp_path / "rong.txt"
    path.write_text("  \n\t\n\u200b\n", encoding="utf-8")
    assert "không có nội dung" in _reason(path)


def test_binary_renamed_docx(tmp_path):
    path = tmp_path / "anh.docx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    assert "không phải tệp Word" in _reason(path)


def test_zip_without_document_is_not_docx(tmp_path):
    path = tmp_path / "nen.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    assert "không phải tệp Word" in _reason(path)


def test_binary_txt(tmp_path):
    path = tmp_path / "nhi-phan.txt"
    path.write_bytes(bytes(range(256)) * 8)
    assert "nhị phân" in _reason(path)


def test_oversize_file(tmp_path):
    path = tmp_path / "lon.txt"
    path.write_text("Kính thưa bà con. " * 200, encoding="utf-8")
    assert "quá lớn" in _reason(path, max_bytes=1000)


def test_zip_bomb_docx(tmp_path):
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b"0" * (30 * 1024 * 1024) + b"</w:document>")
    assert path.stat().st_size < 200_000
    assert "bom zip" in _reason(path)


def test_unknown_extension(tmp_path):
    path = tmp_path / "anh.jpg"
    path.write_bytes(b"\xff\xd8\xff")
    assert "không hỗ trợ" in _reason(path)


def test_bad_header_names_key(tmp_path):
    path = tmp_path / "sai.md"
    path.write_text("---\nprioriti: khẩn\n---\nNội dung", encoding="utf-8")
    assert "prioriti" in _reason(path)


def test_folder_with_one_bad_and_two_good(tmp_path):
    folder = tmp_path / "bai"
    (folder / "con").mkdir(parents=True)
    (folder / "b-tin.txt").write_bytes(encode_vni("Tin thứ hai\nNội dung."))
    (folder / "con" / "a-tin.md").write_text("Tin thứ nhất\nNội dung.", encoding="utf-8")
    (folder / "hong.docx").write_bytes(b"not a zip at all")
    (folder / ".an.txt").write_text("ẩn", encoding="utf-8")
    (folder / "~$tam.docx").write_bytes(b"lock")
    report = import_paths([folder])
    assert [s.title for s in report.imported] == ["Tin thứ hai", "Tin thứ nhất"]
    assert [p.name for p, _ in report.failed] == ["hong.docx"]
    assert "hong.docx" in report.failed[0][1]


def test_import_paths_mixes_files_and_missing(tmp_path):
    good = tmp_path / "tot.txt"
    good.write_text("Bài tốt", encoding="utf-8")
    missing = tmp_path / "khong-co.txt"
    report = import_paths([good, missing])
    assert [s.title for s in report.imported] == ["Bài tốt"]
    assert report.failed[0][0] == missing
    assert "không tồn tại" in report.failed[0][1]


def test_title_from_stem_when_no_words(tmp_path):
    path = tmp_path / "ban-tin-sang.txt"
    path.write_text("**\n...\n", encoding="utf-8")
    assert import_file(path).title == "ban-tin-sang"
