"""The panel in a real Chromium: login, write, hear, approve, roles, every page clean; screenshots for the guide."""

from __future__ import annotations

import dataclasses
import os
import tempfile
import threading
from types import SimpleNamespace
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import clone_settings, discard
from tests.web.conftest import populate
from web import create_app

pytestmark = pytest.mark.slow
# The operator guide's pictures are refreshed on purpose (`make screenshots`); a plain test run takes them to a
# temporary folder, so the same steps run and the source tree stays clean.
GUIDE_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = GUIDE_SHOTS if os.environ.get("LOAXA_SCREENSHOTS") == "1" else Path(tempfile.gettempdir()) / f"loaxa-screenshots-{os.getpid()}"
PASSWORD = "camtan2024"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]  # a synthetic microphone for the recorder


@pytest.fixture(scope="module")
def panel(tmp_path_factory, demo_template):
    """The panel on a private demo copy, served by werkzeug on a free loopback port."""
    root = tmp_path_factory.mktemp("panel")
    # Many users log in from one address within a minute here; the limit itself is tested in test_security.
    settings = dataclasses.replace(clone_settings(demo_template, root), login_rate_limit="1000 per minute")
    populate(settings)
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", settings=settings)
    server.shutdown()
    discard(settings)


@pytest.fixture(scope="module")
def base_url(panel):
    return panel.url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Session:
    """One user's browser context that records console errors."""

    def __init__(self, browser, base_url: str, username: str, phone: bool = False):
        size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 768}
        self.context = browser.new_context(viewport=size, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", device_scale_factor=1)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{self.page.url}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.base = base_url
        if username:
            self.page.goto(base_url + "/dang-nhap")
            self.page.fill("#username", username)
            self.page.fill("#password", PASSWORD)
            self.page.click("button[type=submit]")
            self.page.wait_for_url(base_url + "/")

    def unexpected_errors(self) -> list[str]:
        """Console errors other than the browser's note on a refused request (400/409) that the test itself provoked."""
        return [e for e in self.errors if "the server responded with a status of 400" not in e and "status of 409" not in e]

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def shot(self, name: str, full: bool = False) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)

    def close(self) -> None:
        self.context.close()


def test_login_page_and_wrong_password(browser, base_url):
    s = Session(browser, base_url, "")
    s.go("/")
    assert "/dang-nhap" in s.page.url
    s.shot("dang-nhap")
    s.page.fill("#username", "admin")
    s.page.fill("#password", "sai")
    s.page.click("button[type=submit]")
    assert "không đúng" in s.page.inner_text(".flash")
    phone = Session(browser, base_url, "", phone=True)
    phone.go("/dang-nhap")
    phone.shot("dang-nhap-dien-thoai")
    assert not s.errors and not phone.errors
    s.close(), phone.close()


def test_operator_writes_hears_and_approver_approves(browser, base_url):
    editor = Session(browser, base_url, "bientap")
    editor.go("/bai/moi")
    editor.page.fill("#f-title", "Thông báo tiêm chủng")
    editor.page.fill("#f-body", "UBND xã thông báo: ngày 15/11/2024 tiêm chủng tại trạm y tế thôn 3.\n<script>alert('x')</script>")
    editor.page.wait_for_function("document.querySelector('#spoken-text') && document.querySelector('#spoken-text').textContent.includes('mười lăm tháng mười một')")
    assert "Ủy ban nhân dân" in editor.page.inner_text("#spoken") or "ủy ban nhân dân" in editor.page.inner_text("#spoken").lower()
    editor.shot("viet-bai")
    editor.page.click("#script-form button[type=submit]")
    editor.page.wait_for_selector("#render-btn")
    assert editor.page.locator("script:has-text(\"alert('x')\")").count() == 0  # shown as text, never run
    editor.page.click("#render-btn")
    editor.page.wait_for_selector("audio#preview")
    duration = editor.page.evaluate("""() => new Promise((ok, bad) => { const a = document.querySelector('audio#preview');
        if (a.readyState >= 1) return ok(a.duration); a.addEventListener('loadedmetadata', () => ok(a.duration)); a.addEventListener('error', () => bad('audio error')); a.load(); })""")
    assert duration > 1.0
    editor.page.locator("#nghe").scroll_into_view_if_needed()
    editor.shot("nghe-thu")
    phone = Session(browser, base_url, "bientap", phone=True)
    phone.page.goto(editor.page.url.split("#")[0])
    phone.shot("viet-bai-dien-thoai")

    approver = Session(browser, base_url, "pheduyet")
    approver.go("/phe-duyet/")
    card = approver.page.locator("article.review", has_text="Thông báo tiêm chủng")
    assert card.locator("audio").count() == 1
    approver.shot("phe-duyet")
    card.locator("button", has_text="Duyệt").click()
    assert "Đã duyệt bài" in approver.page.inner_text(".flash")
    assert not editor.errors and not approver.errors and not phone.errors
    for s in (editor, approver, phone):
        s.close()


def test_record_in_the_browser_with_level_meter(browser, base_url):
    """MediaRecorder on Chromium's fake microphone: the meter moves, the WebM/Opus upload is prepared and listed."""
    editor = Session(browser, base_url, "bientap")
    editor.context.grant_permissions(["microphone"], origin=base_url)
    editor.go("/bai/2")
    before = editor.page.locator("#ghi-am .rec").count()
    editor.page.click('[data-rec="start"]')
    editor.page.wait_for_function("parseFloat(document.querySelector('.meter span').style.width) > 0", timeout=5000)
    editor.page.wait_for_timeout(2500)
    with editor.page.expect_navigation(timeout=30000):
        editor.page.click('[data-rec="stop"]')
    assert editor.page.locator("#ghi-am .rec").count() == before + 1
    assert "ghi-am.webm" in editor.page.inner_text("#ghi-am")
    assert not editor.errors, editor.errors
    editor.close()


def test_viewer_cannot_reach_editing_pages(browser, base_url):
    viewer = Session(browser, base_url, "xem")
    assert viewer.page.locator("nav.mainnav a", has_text="Bài phát thanh").count() == 0
    assert viewer.page.locator("nav.mainnav a", has_text="Cài đặt").count() == 0
    for path in ("/bai/moi", "/phe-duyet/", "/khan-cap/", "/cai-dat"):
        assert viewer.go(path).status == 403
    viewer.go("/lich/")
    assert viewer.page.locator("text=Thêm buổi phát một lần").count() == 0
    viewer.close()


def test_import_preview_then_confirm(browser, base_url, tmp_path):
    """An old office's files: a .docx typed in .VnTime and a TCVN3 text file, seen as they will be saved, then saved."""
    import docx

    from scripts_vi.encodings import encode_tcvn3
    from tests.scripts_vi.legacy_docs import add_runs, tcvn3_runs

    word = tmp_path / "thong-bao-tiem-chung.docx"
    document = docx.Document()
    add_runs(document.add_paragraph(), tcvn3_runs("THÔNG BÁO LỊCH TIÊM CHỦNG"))
    add_runs(document.add_paragraph(), tcvn3_runs("Kính thưa bà con: ngày 15/11/2024 Trạm Y tế xã tiêm chủng cho trẻ em."))
    document.save(str(word))
    text = tmp_path / "hop-thon.txt"
    text.write_bytes(encode_tcvn3("Lịch họp thôn\nChủ đề: ý kiến của bà con về đường thôn."))
    editor = Session(browser, base_url, "bientap")
    editor.go("/bai/nhap")
    editor.page.set_input_files("#f-files", [str(word), str(text)])
    editor.page.click("form button.primary")
    editor.page.wait_for_selector("#xem-truoc")
    preview = editor.page.inner_text("#xem-truoc")
    assert "THÔNG BÁO LỊCH TIÊM CHỦNG" in preview and "Chủ đề: ý kiến của bà con" in preview
    assert "Word .docx, đã chuyển sang Unicode từ TCVN3 (ABC) (phông .VnTime, .VnTimeH)" in preview
    assert "mười lăm tháng mười một" in preview  # the spoken form
    editor.shot("nhap-bai-xem-truoc", full=True)
    editor.page.click("#xac-nhan-nhap")
    editor.page.wait_for_selector("text=Đã nhập")
    assert editor.page.locator("ul.list a", has_text="THÔNG BÁO LỊCH TIÊM CHỦNG").count() == 1
    assert not editor.unexpected_errors(), editor.errors
    editor.close()


PAGES = {"/": "trang-chu", "/bai/": "danh-sach-bai", "/bai/nhap": "nhap-bai", "/chien-dich/": "chien-dich", "/chien-dich/bdg-2024": "chien-dich-tien-do",
         "/lich/?thang=2024-11": "lich-thang", "/lich/ngay/2024-11-20": "lich-ngay", "/khan-cap/": "khan-cap", "/nhat-ky/?tu=2024-11-19&den=2024-11-21": "nhat-ky",
         "/bao-cao/": "bao-cao", "/cai-dat": "cai-dat", "/nguoi-dung": "nguoi-dung", "/phe-duyet/": None,
         "/bao-cao/bdg-2024?tu=19/11/2024&den=21/11/2024": None, "/lich/buoi-phat/": "buoi-phat", "/chien-dich/moi": "chien-dich-moi",
         "/chien-dich/bdg-2026/sua": "chien-dich-sua"}


def test_every_page_renders_without_console_errors(browser, base_url):
    admin = Session(browser, base_url, "admin")
    phone = Session(browser, base_url, "admin", phone=True)
    for path, name in PAGES.items():
        assert admin.go(path).status == 200, path
        admin.page.wait_for_load_state("networkidle")
        if name:
            admin.shot(name)
        assert phone.go(path).status == 200
        if name in ("trang-chu", "lich-thang", "nhat-ky", "buoi-phat", "chien-dich-sua"):
            phone.shot(name + "-dien-thoai")
    assert admin.page.evaluate("typeof htmx") == "object"
    admin.go("/chien-dich/bdg-2024")
    assert admin.page.evaluate("typeof Chart") == "function"
    assert not admin.errors, admin.errors
    assert not phone.errors, phone.errors
    admin.close(), phone.close()


def test_emergency_from_the_panel(browser, base_url):
    editor = Session(browser, base_url, "bientap")
    editor.page.set_default_timeout(3000)
    editor.go("/khan-cap/")
    editor.page.fill("#f-title", "Khẩn cấp: bão số 9")
    editor.page.fill("#f-text", "Bão số 9 đang vào, bà con không ra biển.")
    editor.page.check("input[name=confirm]")
    editor.page.on("dialog", lambda d: d.accept())
    editor.page.click("button.danger")
    assert "Đã đưa bản tin khẩn cấp lên sóng" in editor.page.inner_text(".flash")
    assert editor.page.locator(".rec", has_text="bão số 9").count() >= 1
    editor.close()


def test_one_off_from_the_panel_is_aired_by_the_scheduler_and_logged(browser, panel):
    """Panel → database → scheduler's air job (real ffmpeg to a null sink, in real time) → on-air page → log page."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from broadcast.db import make_engine, make_session_factory
    from broadcast.models import Broadcast
    from broadcast.timeutil import UTC
    from scheduler import context, jobs

    editor = Session(browser, panel.url, "bientap")
    tomorrow = (datetime.now(panel.settings.tz) + timedelta(days=1)).date()
    editor.go(f"/lich/ngay/{tomorrow.isoformat()}")
    editor.page.fill("#one-off #f-title", "Thông báo lấy ý kiến")
    editor.page.fill("#one-off #f-text", "Mời bà con góp ý dự thảo quy ước thôn.")
    editor.page.fill("#one-off #f-time", "07:15")
    editor.page.check("#one-off input[name=zones] >> nth=0")
    editor.page.click("#one-off button.primary")
    assert "Đã thêm buổi phát một lần" in editor.page.inner_text(".flash")
    assert editor.page.locator(".broadcast-card", has_text="Thông báo lấy ý kiến").count() == 1
    editor.shot("them-buoi-phat")

    engine = make_engine(panel.settings.db_url)
    factory = make_session_factory(engine)
    with factory() as session:
        # "A slot seconds away": move the broadcast from tomorrow to two seconds from now.
        broadcast = session.scalar(select(Broadcast).where(Broadcast.title == "Thông báo lấy ý kiến"))
        shift = datetime.now(UTC) + timedelta(seconds=2) - broadcast.planned_start
        broadcast.planned_start += shift
        broadcast.slot_start += shift
        broadcast.slot_end += shift
        session.commit()
        planned, broadcast_id = broadcast.planned_start, broadcast.id

    settings = dataclasses.replace(panel.settings, aircheck=False)
    context.install(context.PlayoutContext(settings=settings, factory=factory))
    airing = threading.Thread(target=jobs.air, args=(broadcast_id,))
    airing.start()
    editor.page.wait_for_timeout(4500)
    editor.go("/")
    if editor.page.locator(".onair.live").count():
        editor.shot("dang-phat")
    airing.join(timeout=60)
    assert not airing.is_alive()
    engine.dispose()
    day = planned.astimezone(panel.settings.tz).strftime("%d/%m/%Y")
    editor.go(f"/nhat-ky/?tu={day}&den={day}")
    row = editor.page.locator("tr", has_text="Thông báo lấy ý kiến")
    assert row.count() == 1 and "Đã phát" in row.inner_text()
    assert not editor.errors, editor.errors
    editor.close()


def test_full_story_script_to_log(browser, panel):
    """The script written and approved above is added to an unstarted broadcast from the day view, aired by the scheduler, and logged."""
    from datetime import datetime, timedelta

    from sqlalchemy import select

    from broadcast.db import make_engine, make_session_factory
    from broadcast.models import Broadcast, Script
    from broadcast.timeutil import UTC, SystemClock
    from scheduler import context, jobs

    engine = make_engine(panel.settings.db_url)
    factory = make_session_factory(engine)
    with factory() as session:
        script = session.scalar(select(Script).where(Script.title == "Thông báo tiêm chủng"))
        assert script is not None and script.status.value == "approved", "runs after test_operator_writes_hears_and_approver_approves"
        broadcast = next(b for b in session.scalars(select(Broadcast).where(Broadcast.planned_start > SystemClock().now() + timedelta(minutes=5)).order_by(Broadcast.planned_start))
                         if all(i.script_id != script.id for i in b.items) and b.kind.value == "regular")
        bid, day = broadcast.id, broadcast.planned_start.astimezone(panel.settings.tz).date()

    editor = Session(browser, panel.url, "bientap")
    editor.go(f"/lich/ngay/{day.isoformat()}")
    editor.page.locator(f"#buoi-{bid} select[name=script_id]").select_option(label="Thông báo tiêm chủng")
    editor.page.click(f"#buoi-{bid} .add-script button")
    assert "Đã thêm bài vào buổi phát" in editor.page.inner_text(".flash")
    row = editor.page.locator(f"#buoi-{bid} tr", has_text="Thông báo tiêm chủng")
    assert row.count() == 1 and "thêm bằng tay" in row.inner_text()

    with factory() as session:
        # "A slot seconds away": keep only the added script (real-time airing then takes seconds) and start in 2 s.
        broadcast = session.get(Broadcast, bid)
        for item in [i for i in broadcast.items if i.script_id != script.id]:
            broadcast.items.remove(item)
        offset = 0.0
        for position, item in enumerate(broadcast.items):
            item.position, item.offset_s, offset = position, offset, offset + item.duration_s
        shift = datetime.now(UTC) + timedelta(seconds=2) - broadcast.planned_start
        broadcast.planned_start += shift
        broadcast.slot_start += shift
        broadcast.slot_end += shift
        broadcast.audio_path, broadcast.segments = "", []
        session.commit()
        planned = broadcast.planned_start

    context.install(context.PlayoutContext(settings=dataclasses.replace(panel.settings, aircheck=False), factory=factory))
    airing = threading.Thread(target=jobs.air, args=(bid,))
    airing.start()
    airing.join(timeout=90)
    assert not airing.is_alive()
    engine.dispose()
    when = planned.astimezone(panel.settings.tz).strftime("%d/%m/%Y")
    editor.go(f"/nhat-ky/?tu={when}&den={when}")
    logged = editor.page.locator("tr", has_text="Thông báo tiêm chủng")
    assert logged.count() == 1 and "Đã phát" in logged.inner_text()
    assert not editor.errors, editor.errors
    editor.close()


def test_report_page_downloads_and_section_five(browser, base_url):
    """A viewer downloads the Word report with its Vietnamese name; an editor writes section V; a bad period stays beside its field."""
    viewer = Session(browser, base_url, "xem")
    viewer.go("/bao-cao/")
    viewer.page.click("a:has-text('Tạo báo cáo') >> nth=-1")
    viewer.page.fill("#f-tu", "19/11/2024")
    viewer.page.fill("#f-den", "21/11/2024")
    with viewer.page.expect_download() as download:
        viewer.page.click("#report-form button.primary")
    assert download.value.suggested_filename == "Báo cáo chiến dịch bdg-2024 19.11.2024-21.11.2024.docx"
    assert viewer.page.locator("#hoat-dong-khac textarea").count() == 0
    viewer.page.fill("#f-tu", "01/11/2024")
    viewer.page.click("#report-form button:has-text('Xem số liệu')")
    assert "nằm ngoài chiến dịch" in viewer.page.inner_text("#report-form .field.has-error")
    assert viewer.page.input_value("#f-tu") == "01/11/2024"
    viewer.shot("bao-cao-loi-ngay")

    editor = Session(browser, base_url, "bientap")
    editor.go("/bao-cao/bdg-2024?tu=19/11/2024&den=21/11/2024")
    editor.page.fill("#hoat-dong-khac textarea", "Phối hợp Hội Phụ nữ xã thực hiện 02 phóng sự về bình đẳng giới; treo 12 băng rôn tại các thôn.")
    editor.page.click("#hoat-dong-khac button")
    assert "Đã lưu phần hoạt động khác" in editor.page.inner_text(".flash")
    assert editor.page.locator("#report-totals .stat").count() == 4
    editor.page.locator("#report-totals").scroll_into_view_if_needed()
    editor.shot("bao-cao-chien-dich")
    phone = Session(browser, base_url, "bientap", phone=True)
    phone.go("/bao-cao/bdg-2024?tu=19/11/2024&den=21/11/2024")
    phone.shot("bao-cao-chien-dich-dien-thoai")
    assert not viewer.unexpected_errors() and not editor.errors and not phone.errors, viewer.errors + editor.errors + phone.errors
    for s in (viewer, editor, phone):
        s.close()


def test_drag_and_drop_reorder_and_add_a_script(browser, panel):
    """SortableJS in Chromium: a drag saves the new order; a refused order goes back with the message in the card."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from broadcast.db import make_engine, make_session_factory
    from broadcast.models import Broadcast, ContentStatus, ItemType, Script
    from broadcast.timeutil import SystemClock

    engine = make_engine(panel.settings.db_url)
    with make_session_factory(engine)() as session:
        broadcast = next(b for b in session.scalars(select(Broadcast).where(Broadcast.planned_start > SystemClock().now() + timedelta(minutes=5)).order_by(Broadcast.planned_start))
                         if sum(1 for i in b.items if i.item_type == ItemType.SCRIPT) >= 2)
        bid, day = broadcast.id, broadcast.planned_start.astimezone(panel.settings.tz).date()
        slot_start, slot_end = broadcast.slot_start, broadcast.slot_end
    editor = Session(browser, panel.url, "bientap")
    editor.go(f"/lich/ngay/{day.isoformat()}")
    card = editor.page.locator(f"#buoi-{bid}")
    rows = card.locator("tbody tr[data-item-id]")
    before = rows.evaluate_all("rs => rs.map(r => r.dataset.itemId)")
    with editor.page.expect_navigation():
        rows.nth(1).locator(".grip").drag_to(rows.nth(len(before) - 2).locator(".grip"))
    after = editor.page.locator(f"#buoi-{bid} tbody tr[data-item-id]").evaluate_all("rs => rs.map(r => r.dataset.itemId)")
    assert after != before and sorted(after) == sorted(before)
    editor.page.locator(f"#buoi-{bid}").scroll_into_view_if_needed()
    editor.shot("lich-keo-tha")

    with engine.begin() as conn:  # the slot is shortened behind the operator's back: the next order overruns it
        conn.execute(update(Broadcast).where(Broadcast.id == bid).values(slot_end=slot_start + timedelta(seconds=10)))
    rows = editor.page.locator(f"#buoi-{bid} tbody tr[data-item-id]")
    rows.nth(1).locator(".grip").drag_to(rows.nth(len(after) - 2).locator(".grip"))
    message = editor.page.locator(f"#buoi-{bid} .reorder-msg")
    message.wait_for(state="visible")
    assert "quá thời lượng buổi phát" in message.inner_text()
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.itemId)") == after  # put back where they were
    editor.page.wait_for_timeout(400)  # let SortableJS finish its animation before the picture
    editor.shot("lich-keo-tha-loi")

    with engine.begin() as conn:
        conn.execute(update(Broadcast).where(Broadcast.id == bid).values(slot_end=slot_end + timedelta(hours=1)))
    editor.go(f"/lich/ngay/{day.isoformat()}")
    with make_session_factory(engine)() as session:
        inside = {i.script_id for i in session.get(Broadcast, bid).items if i.script_id}  # NOT IN with a NULL matches nothing
        choice = session.scalar(select(Script.id).where(Script.status == ContentStatus.APPROVED, Script.id.not_in(inside)).order_by(Script.id))
    editor.page.locator(f"#buoi-{bid} select[name=script_id]").select_option(str(choice))
    editor.page.click(f"#buoi-{bid} .add-script button")
    assert "Đã thêm bài vào buổi phát" in editor.page.inner_text(".flash")
    assert editor.page.locator(f"#buoi-{bid} tr[data-item-id]", has_text="").count() == len(after) + 1
    assert not editor.unexpected_errors(), editor.errors
    editor.close()
    engine.dispose()


def test_slot_and_campaign_forms_in_the_browser(browser, base_url):
    """An overlapping slot is refused beside its start time; a new campaign shows its feasibility warnings."""
    admin = Session(browser, base_url, "admin")
    admin.go("/lich/buoi-phat/")
    admin.page.fill("#f-name", "Buổi sáng thêm")
    admin.page.fill("#f-start_time", "05:45")
    admin.page.fill("#f-duration_min", "20")
    admin.page.click("#slot-form button.primary")
    field = admin.page.locator("#slot-form .field.has-error")
    assert "trùng giờ với buổi" in field.inner_text() and admin.page.input_value("#f-start_time") == "05:45"
    admin.shot("buoi-phat-loi")
    admin.page.fill("#f-start_time", "11:00")
    admin.page.click("#slot-form button.primary")
    assert "Đã thêm buổi phát Buổi sáng thêm" in admin.page.inner_text(".flash")

    editor = Session(browser, base_url, "bientap")
    editor.go("/chien-dich/")
    editor.page.click("a:has-text('Chiến dịch mới')")
    for name, value in {"slug": "an-toan-giao-thong-2027", "name": "Tháng an toàn giao thông 2027", "start_date": "01/09/2027",
                        "end_date": "30/09/2027", "target_value": "6"}.items():
        editor.page.fill(f"#f-{name}", value)
    editor.page.click("#campaign-form button.primary")
    assert "Đã tạo chiến dịch" in editor.page.inner_text(".flash")
    assert "chưa có bài nào đã duyệt" in editor.page.inner_text("#feasibility")
    editor.page.check("#danh-sach-bai input[type=checkbox] >> nth=0")
    editor.page.locator("#danh-sach-bai").scroll_into_view_if_needed()
    editor.shot("chien-dich-chon-bai")
    assert not admin.unexpected_errors() and not editor.errors, admin.errors + editor.errors
    admin.close(), editor.close()


def test_province_user_sends_a_bulletin_and_switches_station(browser, panel):
    """An admin of two communes sends a bulletin to one zone of the other, sees both on the province page, then switches."""
    from broadcast.db import make_engine, make_session_factory, transaction
    from broadcast.models import Role
    from broadcast.province.setup import create_station, grant

    engine = make_engine(panel.settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        create_station(session, "xa-binh-an", "Xã Bình An", [("thon-1", "Thôn 1"), ("thon-2", "Thôn 2"), ("thon-3", "Thôn 3")])
        grant(session, "admin", "xa-binh-an", Role.ADMIN)
    engine.dispose()
    admin = Session(browser, panel.url, "admin")
    admin.go("/ban-tin-tinh/")
    admin.page.fill("#f-title", "Họp dân thôn 1")
    admin.page.fill("#f-text", "Mời bà con thôn 1 dự họp tại nhà văn hóa thôn tối nay.")
    admin.page.check("input[name=priority][value=priority]")
    admin.page.check("input[name=stations][value=xa-binh-an]")
    admin.page.check("input[name='zones-xa-binh-an'][value=thon-1]")
    admin.page.click("form.card button.primary")
    assert "Đã gửi bản tin" in admin.page.inner_text(".flash")
    sent = admin.page.inner_text("table")
    assert "Xã Bình An" in sent and "thon-1" in sent and "chờ phát" in sent and "Cẩm Tân" not in sent
    admin.shot("ban-tin-tinh", full=True)
    admin.go("/toan-tinh")
    rows = admin.page.inner_text("table")
    assert "Xã Bình An" in rows and "Cẩm Tân" in rows
    admin.shot("toan-tinh")
    admin.page.select_option("#station-pick", label="Xã Bình An")
    admin.page.click(".station-switch button")
    admin.go("/")
    assert "Xã Bình An" in admin.page.inner_text("h1")
    assert not admin.unexpected_errors(), admin.errors
    admin.close()


def test_editor_uploads_a_song_to_the_library_and_the_approver_hears_it(browser, base_url, tmp_path):
    from audio import ffmpeg
    from audio.tools import Tools
    from audio.tts.espeak import EspeakEngine

    spoken, song = tmp_path / "spoken.wav", tmp_path / "chung-tay.mp3"
    EspeakEngine().synthesize("Nam và nữ cùng chia sẻ việc nhà.", "vi", {}, spoken, tools=Tools())
    ffmpeg.run(["-i", str(spoken), "-ac", "2", "-c:a", "libmp3lame", "-y", str(song)], tools=Tools())
    editor = Session(browser, base_url, "bientap")
    editor.go("/thu-vien/")
    editor.page.set_input_files("#f-audio", str(song))
    editor.page.fill("#f-title", "Bài hát: Chung tay")
    editor.page.select_option("#f-campaign", "bdg-2024")
    editor.page.click("#media-upload button.primary")
    assert "Đã tải lên «Bài hát: Chung tay»" in editor.page.inner_text(".flash")
    row = editor.page.locator("tr", has_text="Bài hát: Chung tay")
    duration = row.locator("audio").evaluate("""a => new Promise((ok, bad) => { if (a.readyState >= 1) return ok(a.duration);
        a.addEventListener('loadedmetadata', () => ok(a.duration)); a.addEventListener('error', () => bad('audio error')); a.load(); })""")
    assert duration > 1.0
    editor.shot("thu-vien-am-thanh")
    approver = Session(browser, base_url, "pheduyet")
    approver.go("/phe-duyet/")
    card = approver.page.locator("article.review", has_text="Bài hát: Chung tay")
    assert card.locator("audio").count() == 1 and "chung-tay.mp3" in card.inner_text()
    card.locator("button", has_text="Duyệt").click()
    assert "Đã duyệt bài" in approver.page.inner_text(".flash")
    assert not editor.errors and not approver.errors
    editor.close(), approver.close()


def test_receiver_tiles_from_reports_sent_over_http(browser, panel):
    """Three thôn get receivers; two report through the receivers' API: the tiles and the receivers page show it."""
    import requests

    from broadcast.db import make_engine, make_session_factory, transaction
    from broadcast.receivers import intake
    from broadcast.stations.lookup import get_station
    from broadcast.timeutil import SystemClock

    engine = make_engine(panel.settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        station = get_station(session, panel.settings.station)
        tokens = {code: intake.add_receiver(session, station, code, f"Máy thu {code}", SystemClock().now())[1] for code in ("thon-1", "thon-2", "thon-3")}
    engine.dispose()
    for code in ("thon-1", "thon-3"):  # thôn 2's receiver never reports
        answer = requests.post(panel.url + "/api/receivers/v1/report", headers={"Authorization": f"Bearer {tokens[code]}"}, timeout=30,
                               json={"zone": code, "counter": 1, "interval_s": 60, "connected": True, "playing": False, "playing_for_s": 0,
                                     "network_errors": 0, "uptime_s": 3600, "version": "test"})
        assert answer.status_code == 200, answer.text
    admin = Session(browser, base_url=panel.url, username="admin")
    admin.go("/")
    tiles = admin.page.locator(".tiles [data-zone]")
    colours = {tile.get_attribute("data-zone"): tile.get_attribute("data-colour") for tile in tiles.all()}
    assert (colours["thon-1"], colours["thon-2"], colours["thon-3"]) == ("green", "red", "green")  # nothing on air: reporting is enough
    assert admin.page.locator(".tiles [data-zone='thon-4']").inner_text().split("\n") == ["Thôn 4", "Chưa có máy thu"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin.page.locator("section.card", has=tiles.first).screenshot(path=str(SHOTS / "may-thu-trang-chu.png"))
    admin.go("/may-thu")
    assert "Máy thu thon-2" in admin.page.inner_text("main")
    admin.shot("may-thu", full=True)
    assert not admin.unexpected_errors(), admin.errors
    admin.close()
