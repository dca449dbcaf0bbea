"""/api/v1 operations: one-offs, slot removal, player and receiver status, script import, recording upload, bulletins,
the per-token rate limit. Each route: success, refusal without a token or with the wrong role (no audit row), bad input
as one Vietnamese sentence in problem+json with nothing changed."""

from __future__ import annotations

import dataclasses
import io
import subprocess
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from broadcast.models import Broadcast, BroadcastStatus, Bulletin, PlayerHeartbeat, Receiver, ReceiverReport, Recording, Script, Slot, Station
from broadcast.timeutil import SystemClock
from tests.web.conftest import Client, populate
from tests.web.test_api import PROBLEM, _audit, _token
from web import create_app

BASE = "/api/v1/stations/cam-tan"


@pytest.fixture
def tokens(app):
    """Bearer headers of the demo's admin, editor and approver, each a token named «tỉnh»."""
    return {who: {"Authorization": f"Bearer {_token(Client(app, user), 'tỉnh')}"}
            for who, user in (("admin", "admin"), ("editor", "bientap"), ("approver", "pheduyet"))}


def _count(app, model, *where) -> int:
    with app.app_context():
        from web.db import db
        return db().scalar(select(func.count()).select_from(model).where(*where))


def _refused_without_writing(app, call, tokens, wrong_role: str, model) -> None:
    """No token: 401; a token of a role that may not: 403; neither writes an audit row nor a row of `model`."""
    seen, rows = len(_audit(app)), _count(app, model)
    anonymous = call({})
    assert anonymous.status_code == 401 and anonymous.mimetype == PROBLEM
    refused = call(tokens[wrong_role])
    assert refused.status_code == 403 and refused.mimetype == PROBLEM and refused.get_json()["detail"]
    assert len(_audit(app)) == seen and _count(app, model) == rows


def _audited(app, seen: int, action: str, actor: str, obj: tuple[str, int]) -> list:
    """The one audit row the call wrote: the endpoint, the token's name and the object changed."""
    rows = _audit(app)[seen:]
    assert [(r.action, r.actor_kind, r.actor, r.object_type, r.object_id) for r in rows] == [
        (f"api_v1.{action}", "token", actor, obj[0], str(obj[1]))]  # one action, one row
    return rows


def test_one_off_of_a_typed_message_and_of_approved_scripts(app, tokens, demo_settings):
    http = app.test_client()
    start = (SystemClock().now() + timedelta(days=3)).replace(hour=1, minute=17, second=0, microsecond=0)  # 08:17 in Vietnam
    local = start.astimezone(demo_settings.tz).replace(tzinfo=None).isoformat(timespec="minutes")

    def post(headers, **body):  # type: ignore[no-untyped-def]
        return http.post(f"{BASE}/oneoffs", json={"title": "Lịch họp thôn", "start": local, "text": "Mời bà con họp lúc 19 giờ.", **body},
                         headers=headers)

    _refused_without_writing(app, post, tokens, "approver", Broadcast)
    seen, before = len(_audit(app)), _count(app, Broadcast)
    made = post(tokens["editor"], zones=["thon-1"])
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["title"] == "Lịch họp thôn" and body["kind"] == "oneoff" and datetime.fromisoformat(body["planned_start"]) == start
    assert len(body["zone_ids"]) == 1 and _count(app, Broadcast) == before + 1
    _audited(app, seen, "oneoff_create", "bientap/tỉnh", ("Broadcast", body["id"]))

    seen, before = len(_audit(app)), _count(app, Broadcast)
    anonymous = http.post(f"{BASE}/oneoffs", json={"title": "x", "start": local, "text": "x"})
    assert anonymous.status_code == 401
    both = post(tokens["editor"], script_ids=[1])
    assert both.status_code == 400 and both.mimetype == PROBLEM and "HOẶC" in both.get_json()["detail"] and both.get_json()["field"] == "text"
    unknown_zone = post(tokens["editor"], zones=["khong-co"])
    assert unknown_zone.status_code == 400 and "thon-1" in unknown_zone.get_json()["detail"]
    past = post(tokens["editor"], start="2024-01-01T08:00")
    assert past.status_code == 400 and "đã qua" in past.get_json()["detail"] and past.get_json()["field"] == "start"
    overlap = post(tokens["editor"], zones=["thon-1"])
    assert overlap.status_code in (400, 409) and overlap.mimetype == PROBLEM
    draft = http.post(f"{BASE}/scripts", json={"title": "Bản nháp", "body": "Chưa duyệt."}, headers=tokens["editor"]).get_json()
    seen = len(_audit(app))
    not_approved = post(tokens["editor"], text=None, script_ids=[draft["id"]], start=(start + timedelta(hours=2)).isoformat())
    assert not_approved.status_code == 400 and not_approved.mimetype == PROBLEM and not_approved.get_json()["field"] == "scripts"
    assert len(_audit(app)) == seen and _count(app, Broadcast) == before

    later = (start + timedelta(hours=3)).isoformat()  # with its offset (UTC), as honoured as a local time
    of_scripts = post(tokens["editor"], text=None, script_ids=[4, 5], start=later, title="Tin chiến dịch")
    assert of_scripts.status_code == 201, of_scripts.get_json()
    assert datetime.fromisoformat(of_scripts.get_json()["planned_start"]) == start + timedelta(hours=3) and of_scripts.get_json()["zone_ids"] == []
    with app.app_context():
        from web.db import db
        items = db().get(Broadcast, of_scripts.get_json()["id"]).items
        assert [i.script_id for i in items if i.script_id] == [4, 5]


def test_slot_removal(app, tokens):
    http = app.test_client()
    slot = http.post(f"{BASE}/slots", json={"name": "Buổi tối", "start_time": "20:30", "duration_s": 600}, headers=tokens["admin"]).get_json()

    def remove(headers):  # type: ignore[no-untyped-def]
        return http.delete(f"{BASE}/slots/{slot['id']}", headers=headers)

    _refused_without_writing(app, remove, tokens, "editor", Slot)
    seen = len(_audit(app))
    removed = remove(tokens["admin"])
    assert removed.status_code == 200 and removed.get_json()["id"] == slot["id"] and removed.get_json()["cancelled"] >= 0
    assert slot["id"] not in [s["id"] for s in http.get(f"{BASE}/slots", headers=tokens["admin"]).get_json()]
    _audited(app, seen, "slot_remove", "admin/tỉnh", ("Slot", slot["id"]))
    seen = len(_audit(app))
    again = remove(tokens["admin"])
    assert again.status_code == 404 and again.mimetype == PROBLEM and again.get_json()["detail"]
    assert len(_audit(app)) == seen


def test_player_status(app, tokens, demo_settings):
    populate(demo_settings)
    http = app.test_client()
    assert http.get(f"{BASE}/player").status_code == 401
    idle = http.get(f"{BASE}/player", headers=tokens["editor"]).get_json()
    assert idle == {"alive": False, "last_seen": None, "host": None, "on_air": None}
    now = SystemClock().now()
    with app.app_context():
        from web.db import db
        session = db()
        station = session.scalar(select(Station).where(Station.slug == "cam-tan"))
        playing = session.scalars(select(Broadcast).where(Broadcast.station_id == station.id, Broadcast.planned_start > now)
                                  .order_by(Broadcast.planned_start)).first()
        playing.status, playing.started_at = BroadcastStatus.PLAYING, now - timedelta(seconds=20)
        total = sum(i.duration_s for i in playing.items)
        session.add(PlayerHeartbeat(station_id=station.id, pid=4242, host="may-phat", started_at=now - timedelta(hours=1), beat_at=now - timedelta(seconds=1)))
        session.commit()
        playing_id = playing.id
    status = http.get(f"{BASE}/player", headers=tokens["editor"]).get_json()
    assert status["alive"] is True and status["host"] == "may-phat" and datetime.fromisoformat(status["last_seen"]) == now - timedelta(seconds=1)
    on_air = status["on_air"]
    assert (on_air["id"], on_air["total_s"]) == (playing_id, round(total, 1)) and 20.0 <= on_air["elapsed_s"] <= min(total, 20.0 + 300)
    with app.app_context():
        from web.db import db
        db().get(PlayerHeartbeat, station.id).beat_at = now - timedelta(minutes=10)
        db().commit()
    assert http.get(f"{BASE}/player", headers=tokens["editor"]).get_json()["alive"] is False


def test_receiver_status(app, tokens):
    http = app.test_client()
    assert http.get(f"{BASE}/receivers").status_code == 401
    now = SystemClock().now()
    with app.app_context():
        from web.db import db
        session = db()
        station = session.scalar(select(Station).where(Station.slug == "cam-tan"))
        first, second = station.zones[0], station.zones[1]
        heard = Receiver(station_id=station.id, zone_id=first.id, name="Loa chợ", token_hash="1" * 64)
        silent = Receiver(station_id=station.id, zone_id=second.id, name="Loa đình", token_hash="2" * 64)
        session.add_all([heard, silent])
        session.flush()
        session.add(ReceiverReport(receiver_id=heard.id, received_at=now - timedelta(seconds=10), counter=1, interval_s=60, connected=True, playing=False))
        session.commit()
        codes = [(z.code, z.name) for z in station.zones]
    board = http.get(f"{BASE}/receivers", headers=tokens["editor"]).get_json()
    assert [(z["code"], z["name"]) for z in board] == codes
    by_code = {z["code"]: z for z in board}
    assert by_code[codes[0][0]]["colour"] == "green" and by_code[codes[0][0]]["receivers"] == [
        {"name": "Loa chợ", "colour": "green", "why": "Sẵn sàng.", "last_report": (now - timedelta(seconds=10)).isoformat(), "connected": True, "playing": False}]
    assert by_code[codes[1][0]]["colour"] == "red" and by_code[codes[1][0]]["receivers"][0]["why"] == "Chưa từng liên lạc với đài."
    assert by_code[codes[1][0]]["receivers"][0]["last_report"] is None and all(z["listeners"] is None for z in board)  # no Icecast in this demo


def test_script_import_from_files(app, tokens):
    http = app.test_client()

    def send(headers, *files):  # type: ignore[no-untyped-def]
        return http.post(f"{BASE}/scripts/import", data={"files": [(io.BytesIO(body), name) for name, body in files]},
                         headers=headers, content_type="multipart/form-data")

    note = ("thong-bao.txt", "Thông báo tiêm phòng\n\nMời bà con đưa trẻ đến trạm y tế xã sáng thứ Bảy.\n".encode())
    _refused_without_writing(app, lambda h: send(h, note), tokens, "approver", Script)
    seen, before = len(_audit(app)), _count(app, Script)
    made = send(tokens["editor"], note, ("virus.exe", b"MZ"))
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert [(c["file"], c["script"]["title"], c["script"]["status"]) for c in body["created"]] == [("thong-bao.txt", "Thông báo tiêm phòng", "draft")]
    assert [f["file"] for f in body["failed"]] == ["virus.exe"] and _count(app, Script) == before + 1
    _audited(app, seen, "script_import", "bientap/tỉnh", ("Script", body["created"][0]["script"]["id"]))
    seen = len(_audit(app))
    bad = send(tokens["editor"], ("rong.txt", b""))
    assert bad.status_code == 400 and bad.mimetype == PROBLEM and bad.get_json()["field"] == "files" and "rong.txt" in bad.get_json()["detail"]
    nothing = http.post(f"{BASE}/scripts/import", data={}, headers=tokens["editor"], content_type="multipart/form-data")
    assert nothing.status_code == 422 and nothing.mimetype == PROBLEM
    assert len(_audit(app)) == seen and _count(app, Script) == before + 1


def test_recording_upload(app, tokens, tmp_path):
    http = app.test_client()
    script = http.post(f"{BASE}/scripts", json={"title": "Tin ghi âm", "body": "Mời bà con họp."}, headers=tokens["editor"]).get_json()
    wav = tmp_path / "doc.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", "-ar", "44100", str(wav)], check=True)

    def send(headers, name="doc.wav", data=None):  # type: ignore[no-untyped-def]
        return http.post(f"{BASE}/scripts/{script['id']}/recordings", data={"audio": (io.BytesIO(data or wav.read_bytes()), name)},
                         headers=headers, content_type="multipart/form-data")

    _refused_without_writing(app, send, tokens, "approver", Recording)
    seen = len(_audit(app))
    made = send(tokens["editor"])
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["script_id"], body["script_version"], body["status"]) == (script["id"], script["version"], "draft") and 2.8 <= body["duration_s"] <= 3.2
    _audited(app, seen, "recording_upload", "bientap/tỉnh", ("Recording", body["id"]))
    seen, recordings = len(_audit(app)), _count(app, Recording)
    text = send(tokens["editor"], "ghi-chu.txt", b"khong phai am thanh")
    assert text.status_code == 400 and text.mimetype == PROBLEM and "không phải tệp âm thanh" in text.get_json()["detail"]
    broken = send(tokens["editor"], "hong.wav", b"RIFF....WAVEfmt garbage")
    assert broken.status_code == 400 and broken.mimetype == PROBLEM and broken.get_json()["field"] == "audio"
    assert http.post(f"{BASE}/scripts/999999/recordings", data={"audio": (io.BytesIO(wav.read_bytes()), "a.wav")}, headers=tokens["editor"],
                     content_type="multipart/form-data").status_code == 404
    assert len(_audit(app)) == seen and _count(app, Recording) == recordings


def test_bulletin_from_the_province(app, tokens):
    http = app.test_client()
    later = (SystemClock().now() + timedelta(days=2)).replace(microsecond=0)

    def send(headers, **body):  # type: ignore[no-untyped-def]
        return http.post("/api/v1/bulletins", json={"title": "Phòng chống bão", "text": "Bà con chằng chống nhà cửa trước 17 giờ.",
                                                    "when": later.isoformat(), "targets": [{"station": "cam-tan", "zones": ["thon-1"]}], **body},
                         headers=headers)

    _refused_without_writing(app, send, tokens, "editor", Bulletin)
    seen = len(_audit(app))
    made = send(tokens["approver"])
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["title"], body["priority"]) == ("Phòng chống bão", "normal")
    assert [(c["station"], c["zones"], c["state"]) for c in body["communes"]] == [("cam-tan", "thon-1", "pending")]
    assert datetime.fromisoformat(body["communes"][0]["planned_at"]) >= later
    _audited(app, seen, "bulletin_send", "pheduyet/tỉnh", ("Bulletin", body["id"]))
    seen, bulletins = len(_audit(app)), _count(app, Bulletin)
    for wrong, field, words in ((dict(priority="rat-gap"), "priority", "Mức ưu tiên"), (dict(when="2024-01-01T08:00"), "when", "đã qua"),
                                (dict(targets=[]), "targets", "Chưa chọn xã"), (dict(title=" "), "title", "")):
        refused = send(tokens["approver"], **wrong)
        assert refused.status_code == 400 and refused.mimetype == PROBLEM and refused.get_json()["field"] == field and words in refused.get_json()["detail"]
    elsewhere = send(tokens["approver"], targets=[{"station": "xa-khac"}])
    assert elsewhere.status_code == 403 and "xa-khac" in elsewhere.get_json()["detail"]
    assert len(_audit(app)) == seen and _count(app, Bulletin) == bulletins


def test_rate_limit_per_token(demo_settings):
    """Past the limit a token gets a Vietnamese 429 problem; another token is counted apart."""
    # Per day, not per minute: the limiter's windows are fixed, and a minute's boundary could fall between the calls.
    app = create_app(dataclasses.replace(demo_settings, api_rate_limit="3 per day"), testing=True)
    first, second = ({"Authorization": f"Bearer {_token(Client(app, user), 'tỉnh')}"} for user in ("bientap", "pheduyet"))
    http = app.test_client()
    answers = [http.get(f"{BASE}/zones", headers=first).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = http.get(f"{BASE}/zones", headers=first)
    assert limited.status_code == 429 and limited.mimetype == PROBLEM and "quá nhiều yêu cầu" in limited.get_json()["detail"]
    assert 0 < int(limited.headers["Retry-After"]) <= 24 * 3600
    assert http.get(f"{BASE}/zones", headers=second).status_code == 200


def test_bulletin_of_an_audio_file(app, tokens, tmp_path):
    """Multipart: the fields and the file typed by one schema; the file airs as it is in each target commune."""
    http = app.test_client()
    wav = tmp_path / "ban-tin.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=4", "-ar", "44100", str(wav)], check=True)

    def send(headers, name="ban-tin.wav", data=None, **fields):  # type: ignore[no-untyped-def]
        form = {"title": "Bản tin của tỉnh", "targets": ["cam-tan:thon-1,thon-2"], **fields,
                "audio": (io.BytesIO(data if data is not None else wav.read_bytes()), name)}
        return http.post("/api/v1/bulletins/audio", data=form, headers=headers, content_type="multipart/form-data")

    _refused_without_writing(app, send, tokens, "editor", Bulletin)
    seen = len(_audit(app))
    made = send(tokens["approver"])
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert [(c["station"], c["zones"]) for c in body["communes"]] == [("cam-tan", "thon-1,thon-2")]
    _audited(app, seen, "bulletin_send_audio", "pheduyet/tỉnh", ("Bulletin", body["id"]))
    with app.app_context():
        from web.db import db
        bulletin = db().get(Bulletin, body["id"])
        assert bulletin.body == "Tệp âm thanh ban-tin.wav"  # no text: the file's name describes it
        copy = db().get(Script, bulletin.targets[0].script_id)
        assert copy.status.value == "approved"
    seen, bulletins = len(_audit(app)), _count(app, Bulletin)
    text = send(tokens["approver"], "ghi-chu.txt", b"khong phai am thanh")
    assert text.status_code == 400 and text.mimetype == PROBLEM and text.get_json()["detail"]
    bad_target = send(tokens["approver"], targets=[":thon-1"])
    assert bad_target.status_code == 400 and bad_target.get_json()["field"] == "targets" and "cam-tan:thon-1,thon-2" in bad_target.get_json()["detail"]
    no_file = http.post("/api/v1/bulletins/audio", data={"title": "x", "targets": ["cam-tan"]}, headers=tokens["approver"],
                        content_type="multipart/form-data")
    assert no_file.status_code == 422 and no_file.mimetype == PROBLEM and "audio" in no_file.get_json()["errors"]["form"]
    assert len(_audit(app)) == seen and _count(app, Bulletin) == bulletins


def test_campaign_progress_per_day_as_the_campaign_page_counts_it(app, tokens, demo_settings):
    from broadcast.asrun import chain as asrun
    from broadcast.campaigns.manage import create_campaign
    from broadcast.models import AsRunEntry, LogStatus
    from broadcast.timeutil import local_at

    tz = demo_settings.tz
    today = SystemClock().now().astimezone(tz).date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    with app.app_context():
        from web.db import db
        session = db()
        station = session.scalar(select(Station).where(Station.slug == "cam-tan"))
        station.created_at = SystemClock().now() - timedelta(days=7)  # on air a week: yesterday counts
        create_campaign(session, station, "tien-do", "Tiến độ", yesterday, tomorrow, target_kind="minutes_per_day", target_value=1.0)
        at = local_at(yesterday, datetime.min.time().replace(hour=10), tz)
        asrun.append(session, AsRunEntry(station_id=station.id, planned_start=at, actual_start=at, item_type="script", title="Bài",
                                         campaign="tien-do", status=LogStatus.PLAYED, seconds=30.0))
        session.commit()
    http = app.test_client()
    assert http.get(f"{BASE}/campaigns/tien-do/progress").status_code == 401
    body = http.get(f"{BASE}/campaigns/tien-do/progress", headers=tokens["editor"]).get_json()
    # A minute a day on three days; 30 s aired yesterday: under 90 % of yesterday's 60 s, so behind.
    assert body == {"slug": "tien-do", "aired_s": 30.0, "needed_s": 180.0, "behind": True, "days": [
        {"day": yesterday.isoformat(), "aired_s": 30.0, "needed_s": 60.0}, {"day": today.isoformat(), "aired_s": 0.0, "needed_s": 60.0},
        {"day": tomorrow.isoformat(), "aired_s": 0.0, "needed_s": 60.0}]}
    missing = http.get(f"{BASE}/campaigns/khong-co/progress", headers=tokens["editor"])
    assert missing.status_code == 404 and missing.mimetype == PROBLEM and missing.get_json()["detail"]
