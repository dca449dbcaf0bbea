"""The panel page «Bản tin tỉnh/huyện»: who sees it, errors beside the fields with nothing saved, a sent bulletin's status table."""

from __future__ import annotations

from sqlalchemy import func, select

from broadcast.db import transaction
from broadcast.models.bulletins import Bulletin
from tests.web.conftest import Client
from web import create_app


def test_page_sends_to_chosen_communes_and_shows_errors_beside_fields(province, demo_settings):
    app = create_app(demo_settings, testing=True)
    tinh = Client(app, "tinh")
    page = tinh.get("/ban-tin-tinh/").get_data(as_text=True)
    offered = page[page.index('name="stations"') - 200:]  # the form's communes (the station switch above lists all three)
    assert 'value="xa-b"' in offered and 'value="cam-tan"' in offered and 'value="xa-c"' not in offered  # only where the user approves
    assert 'href="/ban-tin-tinh/"' in page  # in the menu
    assert 'href="/ban-tin-tinh/"' not in Client(app, "bientap").get("/").get_data(as_text=True)  # an editor does not send bulletins
    assert Client(app, "bientap").get("/ban-tin-tinh/").status_code == 403

    bad = tinh.post("/ban-tin-tinh/", {"title": "Tin", "text": "", "priority": "priority", "stations": ["xa-b"]})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and 'class="field-error"' in html and "Nội dung đang để trống" in html
    none = tinh.post("/ban-tin-tinh/", {"title": "Tin", "text": "Họp thôn", "priority": "normal"}).get_data(as_text=True)
    assert "Chưa chọn xã" in none
    zone = tinh.post("/ban-tin-tinh/", {"title": "Tin", "text": "Họp thôn", "priority": "normal", "stations": ["xa-b"], "zones-xa-b": ["thon-7"]})
    assert zone.status_code == 400 and "không có cụm loa" in zone.get_data(as_text=True)
    with transaction(province) as session:
        assert session.scalar(select(func.count()).select_from(Bulletin)) == 0

    sent = tinh.post("/ban-tin-tinh/", {"title": "Họp dân", "text": "Mời bà con dự họp thôn tối nay.", "priority": "priority",
                                        "stations": ["cam-tan", "xa-b"], "zones-xa-b": ["thon-1"]})
    assert sent.status_code == 302
    html = tinh.get("/ban-tin-tinh/").get_data(as_text=True)
    assert "Họp dân" in html and html.count("chờ phát") == 2 and "thon-1" in html
