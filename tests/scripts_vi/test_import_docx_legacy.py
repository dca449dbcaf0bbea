"""Word files typed in legacy fonts: each run decoded by its font, in every part of the document."""

import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from scripts_vi.encodings import decode_bytes, encode_tcvn3
from scripts_vi.importers import import_file
from scripts_vi.legacy_fonts import FontEncoding, font_encoding
from tests.scripts_vi.legacy_docs import W_NS, add_page_field, add_runs, as_font_text, tcvn3_runs, vni_runs

@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", FontEncoding("tcvn3")),
        (".VnTimeH", FontEncoding("tcvn3", capitals=True)),
        (".VnArial NarrowH", FontEncoding("tcvn3", capitals=True)),
        (".VnCentury Schoolbook", FontEncoding("tcvn3")),
        ("VNI-Times", FontEncoding("vni")),
        ("VNI-Helve", FontEncoding("vni")),
        ("VPS Times", FontEncoding("vps")),
        ("Times New Roman", None),
        ("Arial", None),
        ("", None),
        (None, None),
    ],
)
def test_font_encoding_table(font, expected):
    assert font_encoding(font) == expected


def test_lowercase_after_colon_stays_lowercase():
    # The bug of issue 21: "ý" after a colon came back as "Ý".
    text = "Chủ đề: ý thức phòng chống dịch bệnh.\nÝ kiến của nhân dân: ủng hộ."
    decoded = decode_bytes(encode_tcvn3(text))
    assert decoded.encoding == "tcvn3"
    assert decoded.text == text


def _save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def test_mixed_unicode_tcvn3_vni_and_capitals(tmp_path):
    document = docx.Document()
    add_runs(document.add_paragraph(), tcvn3_runs("THÔNG BÁO CỦA ĐÀI TRUYỀN THANH XÃ CẨM TÂN"))
    add_runs(document.add_paragraph(), tcvn3_runs("Thông báo của Đài truyền thanh xã Cẩm Tân: ý kiến của Ủy ban."))
    document.add_paragraph("Kính thưa bà con nhân dân, đây là đoạn gõ bằng Unicode.")
    paragraph = document.add_paragraph()
    add_runs(paragraph, [("Times New Roman", "Một đoạn trộn: ")] + vni_runs("Đảng bộ xã") + [("", " và ")] + tcvn3_runs("Hội Phụ nữ"))
    path = _save(document, tmp_path / "tron.docx")
    script = import_file(path)
    assert script.body.split("\n") == [
        "THÔNG BÁO CỦA ĐÀI TRUYỀN THANH XÃ CẨM TÂN",
        "Thông báo của Đài truyền thanh xã Cẩm Tân: ý kiến của Ủy ban.",
        "Kính thưa bà con nhân dân, đây là đoạn gõ bằng Unicode.",
        "Một đoạn trộn: Đảng bộ xã và Hội Phụ nữ",
    ]
    assert script.encoding == "tcvn3+vni"
    assert script.converted == ("TCVN3 (ABC) (phông .VnTime, .VnTimeH)", "VNI (phông VNI-Times)")
    assert "đã chuyển sang Unicode từ TCVN3" in script.describe()


def test_font_from_styles_tables_headers_footers(tmp_path):
    document = docx.Document()
    document.styles["Normal"].font.name = ".VnTime"  # every run inherits it, none names a font
    document.add_paragraph(as_font_text(encode_tcvn3("Lịch tiêm chủng tháng này")))
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = as_font_text(encode_tcvn3("Thời gian"))
    table.cell(0, 1).text = as_font_text(encode_tcvn3("Địa điểm: nhà văn hóa thôn"))
    section = document.sections[0]
    section.header.paragraphs[0].text = as_font_text(encode_tcvn3("Đài truyền thanh xã"))
    footer = section.footer.paragraphs[0]
    footer.text = as_font_text(encode_tcvn3("Trang "))
    add_page_field(footer, "7")  # its result is page furniture, not text
    path = _save(document, tmp_path / "kieu.docx")
    script = import_file(path)
    assert script.body.split("\n") == [
        "Đài truyền thanh xã",
        "Lịch tiêm chủng tháng này",
        "Thời gian",
        "Địa điểm: nhà văn hóa thôn",
        "Trang",
    ]
    assert script.converted == ("TCVN3 (ABC) (phông .VnTime)",)


def _text_box(text_runs: list[tuple[str, str]]) -> str:
    runs = "".join(
        f'<w:r><w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr><w:t xml:space="preserve">{_xml(t)}</w:t></w:r>'
        for font, t in text_runs
    )
    content = f"<w:txbxContent><w:p>{runs}</w:p></w:txbxContent>"
    return (
        f'<w:r {W_NS} xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_text_boxes_once_and_footnotes(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Nội dung chính.")
    paragraph._p.append(parse_xml(_text_box(tcvn3_runs("Ghi chú trong khung"))))
    document.add_paragraph("Đoạn sau.")
    path = _save(document, tmp_path / "khung.docx")
    footnotes = (
        f'<w:footnotes {W_NS}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="1"><w:p><w:r><w:rPr><w:rFonts w:ascii="VNI-Times" w:hAnsi="VNI-Times"/></w:rPr>'
        f'<w:t>{_xml(vni_runs("Chú thích: theo kế hoạch của huyện.")[0][1])}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/footnotes.xml", footnotes)
    script = import_file(path)
    assert script.body.split("\n") == [
        "Nội dung chính.",
        "Ghi chú trong khung",
        "Đoạn sau.",
        "Chú thích: theo kế hoạch của huyện.",
    ]


def test_unknown_font_detected_by_content(tmp_path):
    document = docx.Document()
    document.add_paragraph("Thông báo gõ bằng Unicode.")
    add_runs(document.add_paragraph(), [("Times New Roman", as_font_text(encode_tcvn3("Kính thưa bà con nhân dân xã Cẩm Tân")))])
    path = _save(document, tmp_path / "la.docx")
    script = import_file(path)
    assert script.body.split("\n") == ["Thông báo gõ bằng Unicode.", "Kính thưa bà con nhân dân xã Cẩm Tân"]
    assert script.converted == ("TCVN3 (ABC) (nhận ra theo nội dung)",)


def test_unicode_letters_in_a_legacy_font_are_kept(tmp_path):
    document = docx.Document()
    add_runs(document.add_paragraph(), [(".VnTime", "Các đồng chí"), ("VNI-Times", "Việt Nam")])
    script = import_file(_save(document, tmp_path / "u.docx"))
    assert (script.body, script.converted) == ("Các đồng chíViệt Nam", ())


@pytest.mark.parametrize("text", ["BA TẦNG ĐÌNH.", "TẦNG ĐÌNH", "Cẩm Tân, TẦNG ĐÌNH"])
def test_a_word_split_across_tcvn3_fonts_is_decoded_whole(tmp_path, text):
    """TCVN3 capitals: "TẦNG ĐÌNH" is typed "TÁNG §" in .VnTime, "×" in .VnTimeH, "NH" in .VnTime; the first run ends
    mid-word, and its decoded fragment "Đ" must not make "TÁNG §" look like Unicode typed in .VnTime (a property run
    found it)."""
    document = docx.Document()
    add_runs(document.add_paragraph(), tcvn3_runs(text))
    assert import_file(_save(document, tmp_path / "split.docx")).body == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kính thưa bà con nhân dân xã Cẩm Tân.", True),
        ("Chúc mừng 🎉 năm mới, 2025!", True),
        ("", True),
        ("12345 ... ---", True),
        ("탏ᇠꆱ#ȃЅ؇ࠉฏထሓᐕᘗ᠙ᨛᰝḟ‡∣␥☧⠩⨫Ⱝⸯ", False),  # a binary file a converter read as UTF-16
        ("Thông báo \ue0e1\ue2e3\ue4e5 xã", False),  # private-use code points
        ("Kính thưa bà con nhân dân xã Cẩm Tân, Москва", True),  # a few foreign letters among Vietnamese ones
    ],
)
def test_looks_vietnamese_script(text, expected):
    from scripts_vi.encodings import looks_vietnamese_script

    assert looks_vietnamese_script(text) is expected


def _vps_encode(text: str) -> bytes:
    from scripts_vi.legacy_tables import VPS_DECODE

    table = {ch: b for b, ch in VPS_DECODE.items()}
    return bytes(table[ch] if ch in table else ch.encode("latin-1")[0] for ch in text)


def test_vps_table_matches_gnu_recode():
    import subprocess

    from scripts_vi.encodings import decode_literal

    # recode is installed for the tests (tools/install-system.sh test); it is where the table comes from.
    for byte in range(256):
        run = subprocess.run(["recode", "VPS..UTF-8"], input=bytes([byte]), capture_output=True, check=False)
        if run.returncode == 0:
            assert decode_literal(bytes([byte]), "vps") == run.stdout.decode("utf-8"), hex(byte)


def test_vps_runs(tmp_path):
    text = "Kính thưa bà con nhân dân xã Cẩm Tân: Ủy ban thông báo lịch tiêm chủng."
    document = docx.Document()
    add_runs(document.add_paragraph(), [("VPS Times", as_font_text(_vps_encode(text)))])
    script = import_file(_save(document, tmp_path / "vps.docx"))
    assert (script.body, script.converted) == (text, ("VPS (phông VPS Times)",))
