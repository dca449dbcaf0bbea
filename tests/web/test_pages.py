"""Every page renders for the roles that may see it; forms keep input and show field errors."""

from __future__ import annotations

import io

from sqlalchemy import select

from broadcast.models import ContentStatus, Script

PAGES = ["/", "/bai/", "/bai/moi", "/bai/nhap", "/phe-duyet/", "/chien-dich/", "/chien-dich/bdg-2024", "/lich/", "/lich/ngay/2024-11-20",
         "/khan-cap/", "/nhat-ky/", "/bao-cao/", "/bao-cao/bdg-2024", "/cai-dat", "/nguoi-dung", "/lich/buoi-phat/", "/lich/buoi-phat/1",
         "/chien-dich/moi", "/chien-dich/bdg-2024/sua", "/thu-vien/"]


def test_admin_sees_every_page(login):
    admin = login("admin")
    for url in PAGES:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert "Đăng xuất" in response.get_data(as_text=True)


def test_viewer_is_refused_editing_pages_and_sees_no_edit_buttons(login):
    viewer = login("xem")
    for url in ["/bai/", "/bai/moi", "/phe-duyet/", "/khan-cap/", "/cai-dat", "/nguoi-dung", "/lich/buoi-phat/", "/chien-dich/moi", "/chien-dich/bdg-2024/sua"]:
        assert viewer.get(url).status_code == 403, url
    html = viewer.get("/lich/ngay/2024-11-20").get_data(as_text=True)
    assert "Thêm buổi phát một lần" not in html
    campaign = viewer.get("/chien-dich/bdg-2024").get_data(as_text=True)
    assert "/chien-dich/bdg-2024/sua" not in campaign and "sao-chep" not in campaign
    assert "Bài phát thanh" not in viewer.get("/").get_data(as_text=True)
    assert viewer.get("/nhat-ky/").status_code == 200


def test_new_script_errors_keep_input_and_escape_html(login, app):
    editor = login("bientap")
    response = editor.post("/bai/moi", {"title": "", "body": "<script>alert(1)</script> Họp thôn"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tiêu đề đang để trống" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Họp thôn" in html
    assert "<script>alert(1)</script>" not in html
    long = editor.post("/bai/moi", {"title": "Dài", "body": "chữ " * 6000})
    assert long.status_code == 400 and "không vừa buổi phát nào" in long.get_data(as_text=True)
    dates = editor.post("/bai/moi", {"title": "Ngày", "body": "Nội dung", "valid_from": "2024-12-10", "valid_to": "2024-12-01"})
    assert dates.status_code == 400 and "thứ tự ngày" in dates.get_data(as_text=True)


def test_spoken_preview_uses_station_lexicon(login, app):
    admin = login("admin")
    assert admin.post("/cai-dat/tu-dien", {"action": "add", "term": "QXCT", "spoken": "quỹ xã cẩm tân", "kind": "abbreviation"}).status_code == 302
    html = admin.post("/bai/doc-thu", {"title": "Tin", "body": "QXCT họp ngày 15/11/2024."}).get_data(as_text=True)
    assert "quỹ xã cẩm tân" in html.lower() and "mười lăm tháng mười một" in html
    bad = admin.post("/cai-dat/tu-dien", {"action": "add", "term": "", "spoken": "x"})
    assert bad.status_code == 400 and "Từ viết tắt đang để trống" in bad.get_data(as_text=True)


def test_upload_refuses_non_audio_and_accepts_a_wav(login, app, demo_settings):
    editor = login("bientap")
    with app.app_context():
        from web.db import db
        script_id = db().scalar(select(Script.id).limit(1))
    bad = editor.post(f"/bai/{script_id}/ghi-am", {"audio": (io.BytesIO(b"%PDF-1.4 not audio"), "bai.pdf")}, content_type="multipart/form-data", follow_redirects=True)
    assert "không phải tệp âm thanh" in bad.get_data(as_text=True)
    fake = editor.post(f"/bai/{script_id}/ghi-am", {"audio": (io.BytesIO(b"%PDF-1.4 not audio" * 100), "bai.mp3")}, content_type="multipart/form-data",
                       headers={"Accept": "application/json"})
    assert fake.status_code == 400 and fake.get_json()["ok"] is False
    wav = next((demo_settings.audio_dir / "assets").rglob("*.wav")).read_bytes()
    good = editor.post(f"/bai/{script_id}/ghi-am", {"audio": (io.BytesIO(wav), "doc.wav")}, content_type="multipart/form-data", headers={"Accept": "application/json"})
    assert good.status_code == 200 and good.get_json()["ok"] is True
    assert editor.get(f"/am-thanh/ban-ghi/{good.get_json()['id']}.wav").status_code == 200


def test_approver_returns_with_comment_and_approves(login, app):
    editor, approver = login("bientap"), login("pheduyet")
    response = editor.post("/bai/moi", {"title": "Thông báo họp", "body": "Mời bà con họp lúc 8 giờ."})
    script_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert "Thông báo họp" in approver.get("/phe-duyet/").get_data(as_text=True)
    empty = approver.post(f"/phe-duyet/{script_id}/tra-lai", {"comment": ""})
    assert empty.status_code == 400 and "lý do trả lại" in empty.get_data(as_text=True)
    assert editor.post(f"/phe-duyet/{script_id}/duyet").status_code == 403
    assert approver.post(f"/phe-duyet/{script_id}/duyet").status_code == 302
    with app.app_context():
        from web.db import db
        assert db().get(Script, script_id).status == ContentStatus.APPROVED


def test_log_export_and_verify(login):
    viewer = login("xem")
    csv = viewer.get("/nhat-ky/xuat.csv").get_data(as_text=True)
    assert csv.lstrip("\ufeff").startswith("broadcast_id,station,zones")
    xlsx = viewer.get("/nhat-ky/xuat.xlsx")
    assert xlsx.data[:2] == b"PK"
    assert "Nhật ký nguyên vẹn" in viewer.post("/nhat-ky/kiem-tra", follow_redirects=True).get_data(as_text=True)
    wrong = viewer.get("/nhat-ky/?tu=2024-12-10&den=2024-12-01")
    assert wrong.status_code == 400 and "thứ tự ngày" in wrong.get_data(as_text=True)


def test_one_off_rejects_past_time_and_keeps_input(login):
    editor = login("bientap")
    response = editor.post("/lich/phat-mot-lan", {"title": "Lịch tiêm", "text": "Nội dung <b>đậm</b>", "date": "2020-01-01", "time": "07:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Giờ phát đã qua" in html and "Nội dung &lt;b&gt;đậm&lt;/b&gt;" in html


def test_settings_refuse_bad_loudness_and_english_switch(login):
    admin = login("admin")
    bad = admin.post("/cai-dat/dai", {"name": "Đài xã", "loudness_lufs": "-3"})
    assert bad.status_code == 400 and "-30 đến -10" in bad.get_data(as_text=True)
    assert admin.post("/cai-dat/giong-doc", {"engine": "nope", "voice": ""}).status_code == 400
    admin.post("/ngon-ngu", {"lang": "en", "next": "/"})
    assert "Schedule" in admin.get("/").get_data(as_text=True)


def _script_count(app) -> int:
    from sqlalchemy import func, select

    from broadcast.models import Script

    with app.config["LOAXA_SESSIONS"]() as session:
        return session.scalar(select(func.count()).select_from(Script))


def _token(html: str) -> str:
    import re

    match = re.search(r'name="token" value="([0-9a-f]{32})"', html)
    assert match, "no confirmation form"
    return match.group(1)


def test_import_previews_then_saves_only_on_confirm(login, app):
    from scripts_vi.encodings import encode_tcvn3

    editor = login("bientap")
    before = _script_count(app)
    files = [
        (io.BytesIO("Lịch họp thôn\nMời bà con họp lúc 19 giờ.".encode()), "hop-thon.txt"),
        (io.BytesIO(encode_tcvn3("Thông báo tiêm chủng\nChủ đề: ý thức phòng bệnh.")), "tiêm chủng.txt"),
        (io.BytesIO(b"GIF89a"), "anh.gif"),
    ]
    preview = editor.post("/bai/nhap", {"files": files}, content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    # The text as it will be saved, what each file was, the spoken form, and the refused file by its name.
    assert "Mời bà con họp lúc 19 giờ." in html and "Chủ đề: ý thức phòng bệnh." in html
    assert "văn bản .txt, đã chuyển sang Unicode từ TCVN3 (ABC)" in html and "tiêm chủng.txt" in html
    assert "mười chín giờ" in html
    assert "anh.gif" in html and "Không phải tệp .txt" in html
    assert _script_count(app) == before  # nothing saved before the editor confirms
    token = _token(html)
    done = editor.post("/bai/nhap/xac-nhan", {"token": token})
    assert done.status_code == 200 and "Đã nhập" in done.get_data(as_text=True)
    assert _script_count(app) == before + 2
    again = editor.post("/bai/nhap/xac-nhan", {"token": token})  # the upload is gone once used
    assert again.status_code == 400 and "hãy tải tệp lên lại" in again.get_data(as_text=True)
    assert _script_count(app) == before + 2


def test_import_cancel_and_foreign_token_save_nothing(login, app):
    editor = login("bientap")
    before = _script_count(app)
    files = [(io.BytesIO("Tin ngắn\nNội dung.".encode()), "tin.txt")]
    token = _token(editor.post("/bai/nhap", {"files": files}, content_type="multipart/form-data").get_data(as_text=True))
    other = login("admin")
    assert other.post("/bai/nhap/xac-nhan", {"token": token}).status_code == 400  # another user's upload
    assert editor.post("/bai/nhap/xac-nhan", {"token": "../../etc"}).status_code == 400
    assert editor.post("/bai/nhap/huy", {"token": token}).status_code == 302
    assert editor.post("/bai/nhap/xac-nhan", {"token": token}).status_code == 400
    assert _script_count(app) == before
    empty = editor.post("/bai/nhap", {}, content_type="multipart/form-data")
    assert empty.status_code == 400 and "Chưa chọn tệp" in empty.get_data(as_text=True)


def test_upload_over_the_size_limit_is_refused_in_vietnamese(demo_settings):
    import dataclasses

    from tests.web.conftest import Client
    from web import create_app

    small = create_app(dataclasses.replace(demo_settings, max_upload_mb=1), testing=True)
    editor = Client(small, "bientap")
    big = editor.post("/bai/1/ghi-am", {"audio": (io.BytesIO(b"\0" * (1024 * 1024 + 1000)), "to.wav")}, content_type="multipart/form-data",
                      headers={"Accept": "application/json"})
    assert big.status_code == 400 and "quá giới hạn 1 MB" in big.get_json()["error"]
    huge = editor.post("/bai/1/ghi-am", {"audio": (io.BytesIO(b"\0" * (2 * 1024 * 1024)), "to.wav")}, content_type="multipart/form-data")
    assert huge.status_code == 413 and "vượt giới hạn 1 MB" in huge.get_data(as_text=True)


def test_verify_reports_an_altered_log_row(login, app):
    from sqlalchemy import update

    from broadcast.asrun import chain as asrun
    from broadcast.models import AsRunEntry, LogStatus
    from broadcast.timeutil import SystemClock

    with app.app_context():
        from web.db import db
        session = db()
        for n in range(3):
            asrun.append(session, AsRunEntry(station_id=1, planned_start=SystemClock().now(), item_type="script", title=f"Bài {n}", status=LogStatus.PLAYED, seconds=10.0))
        session.commit()
        session.execute(update(AsRunEntry).where(AsRunEntry.seq == 2).values(seconds=99.0))
        session.commit()
    html = login("xem").post("/nhat-ky/kiem-tra", follow_redirects=True).get_data(as_text=True)
    assert "Nhật ký đã bị thay đổi" in html and "dòng số 2" in html


def test_session_cookie_expires_with_the_configured_lifetime(login, app, demo_settings):
    client = login("xem")
    cookie = client.http.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.expires is not None
    assert app.permanent_session_lifetime.total_seconds() == demo_settings.session_minutes * 60
