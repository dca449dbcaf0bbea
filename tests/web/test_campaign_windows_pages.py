"""Campaign page: time windows and extra slots through the panel, with errors beside the field and nothing saved."""

from datetime import date
from html import unescape

from sqlalchemy import func, select

from broadcast.campaigns.manage import get_campaign, update_campaign
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.stations.lookup import get_station
from broadcast.models import Campaign, Slot

URL = "/chien-dich/bdg-2024"
ALL_DAYS = list("1234567")


def stored(settings):
    """The campaign's windows and status, and how many slots the station has."""
    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        found = (list(campaign.windows), campaign.status.value, session.scalar(select(func.count(Slot.id))))
    engine.dispose()
    return found


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_windows_from_the_panel(login, demo_settings):
    editor, viewer = login("bientap"), login("xem")
    assert viewer.post(f"{URL}/khung-gio", {"w_start": "05:00", "w_end": "07:00", "w_weekdays": ALL_DAYS}).status_code == 403
    before = stored(demo_settings)
    refused = editor.post(f"{URL}/khung-gio", {"w_start": "12:00", "w_end": "13:00", "w_weekdays": ALL_DAYS})
    page = text(refused)
    assert refused.status_code == 400
    assert 'role="alert">Khung giờ 12:00–13:00 không trùng buổi phát nào của đài: các buổi có khối chiến dịch là Buổi sáng 05:30–06:00' in page
    assert 'value="12:00"' in page and stored(demo_settings) == before  # what was typed is kept, nothing saved
    bad_time = text(editor.post(f"{URL}/khung-gio", {"w_start": "7h", "w_end": "07:00", "w_weekdays": ALL_DAYS}))
    assert "Giờ bắt đầu «7h» không đúng dạng" in bad_time and stored(demo_settings) == before
    added = editor.post(f"{URL}/khung-gio", {"w_start": "05:00", "w_end": "07:00", "w_weekdays": list("12345")})
    assert added.status_code == 302 and added.headers["Location"].endswith("#khung-gio")
    assert stored(demo_settings)[:2] == ([{"start": "05:00", "end": "07:00", "weekdays": "12345"}], "draft")
    page = text(editor.get(URL))
    assert "cần phê duyệt lại" in page and "T2, T3, T4, T5, T6" in page
    overlap = text(editor.post(f"{URL}/khung-gio", {"w_start": "06:30", "w_end": "08:00", "w_weekdays": ["5"]}))
    assert "chồng lên khung giờ 06:30–08:00 (T6)" in overlap
    assert editor.post(f"{URL}/khung-gio/1/xoa").status_code == 302 and stored(demo_settings)[0] == []


def test_extra_slot_from_the_panel(login, demo_settings):
    editor = login("bientap")
    before = stored(demo_settings)
    clash = editor.post(f"{URL}/buoi-phat-them", {"name": "Buổi tối", "start_time": "17:15", "end_time": "17:45", "weekdays": ALL_DAYS})
    assert clash.status_code == 400
    assert 'role="alert">Buổi phát Buổi tối trùng giờ với buổi Buổi chiều (17:00–17:30)' in text(clash) and stored(demo_settings) == before
    outside = text(editor.post(f"{URL}/buoi-phat-them", {"start_time": "19:00", "end_time": "19:15", "valid_to": "20/12/2024", "weekdays": ALL_DAYS}))
    assert "Ngày 20/12/2024 của buổi phát thêm Buổi phát thêm bdg-2024 nằm ngoài thời gian chiến dịch" in outside
    assert stored(demo_settings) == before
    added = editor.post(f"{URL}/buoi-phat-them", {"name": "Buổi tối", "start_time": "19:00", "end_time": "19:15", "weekdays": list("12345")})
    assert added.status_code == 302 and added.headers["Location"].endswith("#buoi-phat-them")
    assert stored(demo_settings)[1:] == ("draft", before[2] + 1)
    page = text(editor.get(URL))
    assert "Buổi tối" in page and "19:00</strong>–19:15" in page and "15/11/2024 – 15/12/2024" in page
    slot_id = page.split('id="extra-')[1].split('"')[0]
    assert editor.post(f"{URL}/buoi-phat-them/{slot_id}/xoa").status_code == 302 and stored(demo_settings)[2] == before[2]


def test_extra_slot_dates_shown_are_the_days_it_airs(login, demo_settings):
    editor = login("bientap")
    added = editor.post(f"{URL}/buoi-phat-them", {"name": "Buổi tối", "start_time": "19:00", "end_time": "19:15", "valid_from": "20/11/2024",
                                                  "valid_to": "10/12/2024", "weekdays": ALL_DAYS})
    assert added.status_code == 302
    engine = make_engine(demo_settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        update_campaign(session, get_campaign(session, get_station(session, "cam-tan"), "bdg-2024"), end_date=date(2024, 12, 5))
    engine.dispose()
    row = text(editor.get(URL)).split('id="extra-')[1].split("</tr>")[0]
    assert "20/11/2024 – 05/12/2024" in row  # the campaign now ends on 05/12, before the slot's own 10/12
