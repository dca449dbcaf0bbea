"""Word 97–2003 (.doc) import: LibreOffice makes the .doc files from .docx in one batch, the importer reads them back."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from scripts_vi import office
from scripts_vi.importers import import_file, import_paths
from scripts_vi.tools import ImportTools
from tests.scripts_vi.legacy_docs import add_runs, refusal, tcvn3_runs, vni_runs

LINES = [
    "THÔNG BÁO CỦA ĐÀI TRUYỀN THANH XÃ CẨM TÂN",
    "Kính thưa bà con nhân dân: ý kiến của Ủy ban về lịch tiêm chủng.",
    "Đoạn gõ bằng Unicode, giữ nguyên.",
    "Đảng bộ xã và Hội Phụ nữ thông báo.",
]


def _legacy_docx(path: Path) -> Path:
    document = docx.Document()
    add_runs(document.add_paragraph(), tcvn3_runs(LINES[0]))
    add_runs(document.add_paragraph(), tcvn3_runs(LINES[1]))
    document.add_paragraph(LINES[2])
    add_runs(document.add_paragraph(), vni_runs(LINES[3]))
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[Path]:
    """Two .doc files from one LibreOffice run."""
    folder = tmp_path_factory.mktemp("doc")
    sources = [_legacy_docx(folder / "thong-bao.docx"), _legacy_docx(folder / "thong-bao-2.docx")]
    made = office.convert(sources, "doc", folder / "out")
    assert all(p.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" for p in made)
    return made


def test_doc_with_legacy_fonts_back_to_the_text(docs):
    script = import_file(docs[0])
    assert script.body.split("\n") == LINES
    assert script.format == "doc"
    assert script.converted == ("TCVN3 (ABC) (phông .VnTime, .VnTimeH)", "VNI (phông VNI-Times)")
    assert script.describe().startswith("Word 97–2003 .doc, đã chuyển sang Unicode từ TCVN3")


def test_folder_of_docs_in_one_conversion(docs, monkeypatch):
    calls = []
    real = office.convert
    monkeypatch.setattr(office, "convert", lambda sources, to, outdir, tools: calls.append(len(sources)) or real(sources, to, outdir, tools))
    report = import_paths([docs[0].parent])
    assert [s.body.split("\n") for s in report.imported] == [LINES, LINES]
    assert report.failed == []
    assert calls == [2]  # one LibreOffice process for the whole folder


def test_doc_that_is_html_refused(tmp_path):
    path = tmp_path / "trang-web.doc"
    path.write_text("<html><body><p>Thông báo</p></body></html>", encoding="utf-8")
    assert "không phải tệp Word 97–2003 thật" in refusal(path)


def test_truncated_doc_refused(tmp_path, docs):
    path = tmp_path / "cut.doc"
    path.write_bytes(docs[0].read_bytes()[:1500])
    assert "LibreOffice" in refusal(path)


def test_docx_named_doc_is_read_as_docx(tmp_path):
    path = _legacy_docx(tmp_path / "x.docx").rename(tmp_path / "doi-ten.doc")
    script = import_file(path)
    assert (script.body.split("\n"), script.format) == (LINES, "docx")


def test_missing_libreoffice_named(tmp_path, docs):
    message = refusal(docs[0], ImportTools(soffice=str(tmp_path / "khong-co-soffice")))  # as LOAXA_SOFFICE would name it
    assert "libreoffice-writer-nogui" in message and "make system-doc" in message
