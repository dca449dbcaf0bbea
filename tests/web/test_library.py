"""Thư viện âm thanh in the panel: upload, the approval queue, roles and CSRF, and the hostile files refused with nothing stored."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audio import ffmpeg
from audio.tools import Tools
from audio.tts.espeak import EspeakEngine
from broadcast.campaigns.manage import get_campaign
from broadcast.content.media import media_dirs
from broadcast.models import ContentStatus, Recording, Script
from broadcast.stations.lookup import get_station
from tests.reliability.hostile import MEDIA_LIMIT_MIN, hostile_audio
from web import create_app

TOOLS = Tools()
TITLE = "Bài hát: Chung tay vì bình đẳng giới"


@pytest.fixture
def app(demo_settings):
    """The panel with the library limit the hostile corpus is built for."""
    return create_app(dataclasses.replace(demo_settings, media_max_minutes=MEDIA_LIMIT_MIN), testing=True)


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sentence read by espeak-ng, from which the test files are made."""
    out = tmp_path_factory.mktemp("spoken") / "spoken.wav"
    EspeakEngine().synthesize("Nam và nữ cùng chia sẻ việc nhà, cùng chăm sóc con cái.", "vi", {}, out, tools=TOOLS)
    return out


@pytest.fixture(scope="module")
def song(spoken_wav: Path, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("song") / "chung-tay.mp3"
    ffmpeg.run(["-i", str(spoken_wav), "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-y", str(out)], tools=TOOLS)
    return out.read_bytes()


def _stored(app, settings) -> tuple[int, int, list[Path]]:  # type: ignore[no-untyped-def]
    """Scripts, recordings and files the library holds (uploads still lying around count too)."""
    with app.app_context():
        from web.db import db

        counts = (db().scalar(select(func.count()).select_from(Script)), db().scalar(select(func.count()).select_from(Recording)))
    folders = [*media_dirs(settings), settings.data_dir / "uploads"]
    return (*counts, [p for folder in folders for p in folder.rglob("*") if p.is_file()])


def _upload(client, data: bytes, name: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/thu-vien/tai-len", {"audio": (io.BytesIO(data), name), **fields}, content_type="multipart/form-data")


def test_editor_uploads_a_song_into_a_campaign_and_the_approver_hears_and_approves_it(login, app, demo_settings, song):
    editor, approver = login("bientap"), login("pheduyet")
    form = editor.get("/thu-vien/").get_data(as_text=True)
    assert 'action="/thu-vien/tai-len"' in form and "bdg-2024" in form
    response = _upload(editor, song, "chung-tay.mp3", title=TITLE, kind="song", campaign="bdg-2024")
    assert response.status_code == 302, response.get_data(as_text=True)
    listing = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã tải lên «" + TITLE + "»" in listing and "chung-tay.mp3" in listing and "Bản nháp" in listing
    with app.app_context():
        from web.db import db

        item = db().scalar(select(Script).where(Script.title == TITLE))
        assert item.kind == "audio" and item.category == "bài hát"
        campaign = get_campaign(db(), get_station(db(), demo_settings.station), "bdg-2024")
        assert item.id in [e.script_id for e in campaign.pool]
        item_id = item.id
    queue = approver.get("/phe-duyet/").get_data(as_text=True)
    card = queue[queue.index(f'id="bai-{item_id}"'):]
    card = card[:card.index("</article>")]
    heard = re.search(r'src="(/am-thanh/ban-ghi/\d+\.wav)"', card)
    assert heard and "chung-tay.mp3" in card and "LUFS" in card and "Tạo giọng đọc" not in card
    assert approver.get(heard[1]).status_code == 200
    assert approver.post(f"/phe-duyet/{item_id}/duyet").status_code == 302
    with app.app_context():
        from web.db import db

        assert db().get(Script, item_id).status == ContentStatus.APPROVED
        assert {r.status for r in db().scalars(select(Recording).where(Recording.script_id == item_id))} == {ContentStatus.APPROVED}
    page = editor.get(f"/bai/{item_id}").get_data(as_text=True)
    assert 'id="tep-am-thanh"' in page and "Tạo giọng đọc" not in page


def test_hostile_files_are_refused_in_one_sentence_with_nothing_stored(login, app, demo_settings, spoken_wav, tmp_path):
    editor = login("bientap")
    before = _stored(app, demo_settings)
    for case, path in hostile_audio(tmp_path, spoken_wav, TOOLS).items():
        response = _upload(editor, path.read_bytes(), path.name, title="Thử", kind="song")
        html = response.get_data(as_text=True)
        errors = re.findall(r'<p class="field-error" role="alert">([^<]*)</p>', html)
        assert response.status_code == 400 and len(errors) == 1, (case, errors)
        assert path.name in errors[0] and ": hãy " in errors[0], (case, errors)
    none = _upload(editor, b"", "", title="Thử")
    assert none.status_code == 400 and "Chưa chọn tệp âm thanh" in none.get_data(as_text=True)
    assert _stored(app, demo_settings) == before


def test_roles_and_csrf_guard_the_library(login, app, song):
    viewer, approver, editor = login("xem"), login("pheduyet"), login("bientap")
    assert viewer.get("/thu-vien/").status_code == 403
    assert _upload(viewer, song, "a.mp3").status_code == 403
    assert approver.get("/thu-vien/").status_code == 200 and "tai-len" not in approver.get("/thu-vien/").get_data(as_text=True)
    assert _upload(approver, song, "a.mp3").status_code == 403
    editor.token = "sai"
    assert _upload(editor, song, "a.mp3").status_code == 400
