"""Báo cáo page: period, downloads in four formats, section V by role, bad periods beside the field, an altered log."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

import openpyxl
import pytest
from docx import Document

from tests.web.conftest import Client

URL = "/bao-cao/bdg-2024"


@pytest.fixture(scope="module")
def viewer(logged_app):
    return Client(logged_app, "xem")


@pytest.fixture(scope="module")
def editor(logged_app):
    return Client(logged_app, "bientap")


def _get(client, fmt, **period):
    return client.get(f"{URL}/tai", query_string={"tu": period.get("tu", "19/11/2024"), "den": period.get("den", "21/11/2024"), "dinh_dang": fmt, **period.get("extra", {})})


def test_page_shows_the_period_figures_and_the_intact_log(viewer):
    html = viewer.get(URL, query_string={"tu": "19/11/2024", "den": "21/11/2024"}).get_data(as_text=True)
    assert 'value="19/11/2024"' in html and "Nhật ký nguyên vẹn" in html and 'id="report-totals"' in html
    assert "log-altered" not in html
    assert 'action="/bao-cao/bdg-2024/hoat-dong-khac"' not in html  # viewers read section V, they do not write it


@pytest.mark.parametrize("fmt, media", [("docx", "wordprocessingml"), ("xlsx", "spreadsheetml"), ("csv", "text/csv"), ("json", "application/json")])
def test_viewer_downloads_each_format_with_a_vietnamese_file_name(viewer, fmt, media):
    response = _get(viewer, fmt)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert media in response.headers["Content-Type"]
    disposition = unquote(response.headers["Content-Disposition"])
    assert "attachment" in disposition and "Báo cáo chiến dịch bdg-2024 19.11.2024-21.11.2024" in disposition and disposition.endswith(f".{fmt}")
    data = response.get_data()
    if fmt == "docx":
        assert "BÁO CÁO" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs).upper()
    elif fmt == "xlsx":
        assert "Theo ngày" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    elif fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").splitlines()[0].startswith("date,")
    else:
        report = json.loads(data)
        assert report["campaign"]["slug"] == "bdg-2024" and [d["date"] for d in report["days"]] == ["2024-11-19", "2024-11-20", "2024-11-21"]
        assert report["log_verified"] is True and report["totals"]["aired_seconds"] > 0


def test_csv_of_another_table(viewer):
    response = _get(viewer, "csv", extra={"bang": "scripts"})
    assert response.status_code == 200 and response.get_data().decode("utf-8-sig").startswith("id,title,plays")
    assert "theo bài" in unquote(response.headers["Content-Disposition"])


def test_bad_periods_are_shown_beside_the_field_and_keep_what_was_typed(viewer):
    outside = _get(viewer, "docx", tu="01/11/2024")
    html = outside.get_data(as_text=True)
    assert outside.status_code == 400 and "nằm ngoài chiến dịch" in html and 'value="01/11/2024"' in html
    assert html.index("nằm ngoài chiến dịch") > html.index('id="f-tu"')  # beside the start field, not a page-level banner
    reversed_ = _get(viewer, "docx", tu="21/11/2024", den="19/11/2024")
    assert reversed_.status_code == 400 and "trước ngày bắt đầu" in reversed_.get_data(as_text=True)
    garbled = _get(viewer, "docx", den="32/13/2024")
    assert garbled.status_code == 400 and "«32/13/2024» không đúng dạng" in garbled.get_data(as_text=True)
    no_log = _get(viewer, "json", tu="01/12/2024", den="05/12/2024")
    assert no_log.status_code == 400 and "không có buổi phát nào của chiến dịch" in no_log.get_data(as_text=True)
    unknown = _get(viewer, "pdf")
    assert unknown.status_code == 400 and "Không có định dạng" in unknown.get_data(as_text=True)
    assert viewer.get("/bao-cao/khong-co/tai").status_code == 404


def test_section_five_is_written_by_editors_escaped_and_in_the_report(viewer, editor, logged_app):
    assert viewer.post(f"{URL}/hoat-dong-khac", {"body": "Xem ghi"}).status_code == 403
    text = "Phối hợp Hội Phụ nữ xã thực hiện 02 phóng sự <b>về</b> bình đẳng giới."
    saved = editor.post(f"{URL}/hoat-dong-khac", {"body": text, "tu": "19/11/2024", "den": "21/11/2024"})
    assert saved.status_code == 302
    page = editor.get(saved.headers["Location"]).get_data(as_text=True)
    assert "&lt;b&gt;về&lt;/b&gt;" in page and "<b>về</b>" not in page
    assert json.loads(_get(viewer, "json").get_data())["note"] == text
    too_long = editor.post(f"{URL}/hoat-dong-khac", {"body": "x" * 10_001})
    html = too_long.get_data(as_text=True)
    assert too_long.status_code == 400 and "quá 10000" in html and "x" * 10_001 in html  # kept, so it can be shortened


def test_a_broken_hash_chain_is_shown_and_marked_in_the_file(demo_settings):
    from sqlalchemy import update

    from broadcast.db import make_engine
    from broadcast.models import AsRunEntry
    from tests.web.conftest import populate
    from web import create_app

    populate(demo_settings)
    engine = make_engine(demo_settings.db_url)
    with engine.begin() as conn:
        conn.execute(update(AsRunEntry).where(AsRunEntry.seq == 3).values(seconds=999.0))
    engine.dispose()
    viewer = Client(create_app(demo_settings, testing=True), "xem")
    html = viewer.get(URL, query_string={"tu": "19/11/2024", "den": "21/11/2024"}).get_data(as_text=True)
    assert 'id="log-altered"' in html and "dòng số 3" in html and "Nhật ký đã bị sửa" in html
    report = json.loads(_get(viewer, "json").get_data())
    assert report["log_verified"] is False
