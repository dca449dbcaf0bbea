"""Voice choices in the panel: the station's and a script's, "Nghe thử", refusals in one sentence, the voice a script airs with."""

from __future__ import annotations

import html as html_lib
import time

from sqlalchemy import select

from broadcast.content.scripts import approve_script, create_script
from broadcast.db import make_engine, make_session_factory
from broadcast.models import Render, User
from broadcast.stations.lookup import get_station
from broadcast.stations.settings import station_style


def _station(demo_settings):
    session = make_session_factory(make_engine(demo_settings.db_url))()
    return session, get_station(session, demo_settings.station)


def test_admin_chooses_the_station_voice_and_a_bad_choice_is_refused(login, demo_settings):
    admin = login("admin")
    page = admin.get("/cai-dat").get_data(as_text=True)
    assert "Vùng giọng" in page and "Nghe thử" in page
    assert admin.post("/cai-dat/giong-vung", {"region": "central", "gender": "male", "pace": "slow"}).status_code == 302
    bad = admin.post("/cai-dat/giong-vung", {"region": "central", "gender": "male", "pace": "rất nhanh"})
    text = html_lib.unescape(bad.get_data(as_text=True))
    assert bad.status_code == 400 and "Tốc độ đọc 'rất nhanh' không hợp lệ: hãy chọn Bình thường, Chậm." in text
    session, station = _station(demo_settings)
    assert station_style(station).as_dict() == {"region": "central", "gender": "male", "pace": "slow"}
    session.close()


def test_preview_is_audio_and_a_bad_choice_is_one_sentence(login):
    editor = login("bientap")
    sample = editor.get("/nghe-thu-giong?region=south&gender=female&pace=normal")
    assert sample.status_code == 200 and sample.mimetype == "audio/wav" and sample.data[:4] == b"RIFF"
    bad = editor.get("/nghe-thu-giong?region=east&gender=female&pace=normal")
    assert bad.status_code == 400 and bad.get_data(as_text=True).startswith("Vùng giọng 'east' không hợp lệ")


def test_script_gets_its_own_voice_and_the_list_says_how_it_airs(login, demo_settings):
    # A short approved script of its own: a demo script reads for two and a half minutes, and rendering and hearing
    # that is the cost of reading, not of the voice choice this test is about.
    session, station = _station(demo_settings)
    approver = session.scalar(select(User).where(User.username == "pheduyet"))
    script = create_script(session, station, "Lịch tiêm chủng", "Kính thưa bà con. Sáng thứ Bảy trạm y tế xã tiêm chủng cho trẻ em.")
    approve_script(session, script, approver)
    session.commit()
    script_id = script.id
    session.close()
    editor = login("bientap")
    assert editor.post(f"/bai/{script_id}/giong", {"region": "south", "gender": "female", "pace": "slow"}).status_code == 302
    assert editor.post(f"/bai/{script_id}/tao-giong").status_code == 302
    # The panel hears the fresh render in a thread of its own, off the air path: its verdict lands on the row.
    session, _ = _station(demo_settings)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        session.expire_all()
        render = session.scalars(select(Render).where(Render.script_id == script_id).order_by(Render.id.desc())).first()
        if render.speech_cer is not None:
            break
        time.sleep(0.2)
    assert render.speech_cer is not None and 0 <= render.speech_cer and isinstance(render.misheard, list)
    session.close()
    page = html_lib.unescape(editor.get(f"/bai/{script_id}").get_data(as_text=True))
    assert "Phát hôm nay bằng:" in page
    airs = page.split('id="airs-with"', 1)[1].split("</p>", 1)[0]
    assert "vi-vn-x-south+f3, 125 từ/phút" in airs  # no recording of this script: it airs with its own voice
    listing = html_lib.unescape(editor.get("/bai/?q=L%E1%BB%8Bch+ti%C3%AAm+ch%E1%BB%A7ng").get_data(as_text=True))
    row = listing.split(f'href="/bai/{script_id}"', 1)[1].split("</tr>", 1)[0]
    assert "Phát hôm nay bằng" in listing and "vi-vn-x-south+f3, 125 từ/phút" in row
    bad = editor.post(f"/bai/{script_id}/giong", {"region": "south", "gender": "x", "pace": "slow"})
    assert bad.status_code == 400 and "Giọng nam hay nữ 'x' không hợp lệ" in html_lib.unescape(bad.get_data(as_text=True))
