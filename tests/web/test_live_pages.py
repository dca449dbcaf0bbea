"""The live page and its endpoints: roles, CSRF, one source per zone, chunks into the spool, end and status."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import LiveSession, Zone
from broadcast.playout import live as rules
from broadcast.stations.lookup import get_station
from tests.web.conftest import Client

WEBM_HEAD = b"\x1aE\xdf\xa3" + b"\x00" * 60  # what a first MediaRecorder piece starts with


def _zone_ids(settings, *codes):
    engine = make_engine(settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        found = {z.code: z.id for z in session.scalars(select(Zone))}
    engine.dispose()
    return [str(found[c]) for c in codes]


def _row(settings, live_id) -> LiveSession:
    engine = make_engine(settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        row = session.get(LiveSession, live_id)
    engine.dispose()
    return row


def _chunk(client: Client, live_id: int, seq: int, data: bytes = WEBM_HEAD, token: str | None = None):
    headers = {"X-CSRFToken": client.token if token is None else token, "Content-Type": "application/octet-stream"}
    return client.http.post(f"/truc-tiep/{live_id}/am-thanh/{seq}", data=data, headers=headers)


def test_editor_goes_live_sends_pieces_and_ends(app, demo_settings):
    editor = Client(app, "bientap")
    page = editor.get("/truc-tiep/").get_data(as_text=True)
    assert "Bắt đầu phát trực tiếp" in page and "live.js" in page and "live-insecure" in page
    started = editor.post("/truc-tiep/bat-dau", {"zones": _zone_ids(demo_settings, "thon-1", "thon-2"), "jingle": "yes"})
    assert started.status_code == 200, started.get_data(as_text=True)
    state = started.get_json()
    assert state["status"] == rules.REQUESTED
    live_id = state["id"]
    assert _chunk(editor, live_id, 0).status_code == 204
    assert _chunk(editor, live_id, 1, b"\x01" * 100).status_code == 204
    live = _row(demo_settings, live_id)
    spool = Path(live.spool_dir)
    assert sorted(p.name for p in spool.iterdir()) == [rules.chunk_name(0), rules.chunk_name(1)]
    assert (spool / rules.chunk_name(0)).read_bytes() == WEBM_HEAD and live.speaker and live.jingle
    assert editor.get(f"/truc-tiep/{live_id}/trang-thai").get_json()["status"] == rules.REQUESTED
    assert editor.post(f"/truc-tiep/{live_id}/ket-thuc").status_code == 200
    assert _row(demo_settings, live_id).stop_requested
    refused = _chunk(editor, live_id, 2)
    assert refused.status_code == 409 and "đã kết thúc" in refused.get_json()["error"]


def test_csrf_and_roles_on_every_live_endpoint(app, demo_settings):
    editor, viewer, approver = Client(app, "bientap"), Client(app, "xem"), Client(app, "pheduyet")
    zone = _zone_ids(demo_settings, "thon-3")
    assert viewer.get("/truc-tiep/").status_code == 403
    assert viewer.post("/truc-tiep/bat-dau", {"zones": zone}).status_code == 403
    assert approver.get("/truc-tiep/").status_code == 403  # approvers only where the station allows it
    refused = approver.post("/truc-tiep/bat-dau", {"zones": zone})
    assert refused.status_code == 403 and "không được phát trực tiếp" in refused.get_json()["error"]
    assert editor.http.post("/truc-tiep/bat-dau", data={"zones": zone}).status_code == 400  # no CSRF token
    live_id = editor.post("/truc-tiep/bat-dau", {"zones": zone}).get_json()["id"]
    assert _chunk(editor, live_id, 0, token="").status_code == 400
    assert editor.http.post(f"/truc-tiep/{live_id}/ket-thuc").status_code == 400
    for client in (viewer,):
        assert _chunk(client, live_id, 0).status_code == 403
        assert client.post(f"/truc-tiep/{live_id}/ket-thuc").status_code == 403
        assert client.get(f"/truc-tiep/{live_id}/trang-thai").status_code == 403
    assert not Path(_row(demo_settings, live_id).spool_dir).joinpath(rules.chunk_name(0)).exists()  # nothing changed
    assert editor.get("/truc-tiep/999999/trang-thai").status_code == 404


def test_a_second_operator_on_the_same_zone_is_refused_in_one_sentence(app, demo_settings):
    engine = make_engine(demo_settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        get_station(session, demo_settings.station).live_approvers = True
    engine.dispose()
    editor, approver = Client(app, "bientap"), Client(app, "pheduyet")
    first = editor.post("/truc-tiep/bat-dau", {"zones": _zone_ids(demo_settings, "thon-1", "thon-2")})
    assert first.status_code == 200
    second = approver.post("/truc-tiep/bat-dau", {"zones": _zone_ids(demo_settings, "thon-2")})
    body = second.get_json()
    assert second.status_code == 409 and body["error"].count(":") == 1 and "đang được" in body["error"] and "hãy chờ" in body["error"]
    # Nor may the second operator send into or end the first one's talk.
    live_id = first.get_json()["id"]
    assert _chunk(approver, live_id, 0).status_code == 403
    assert approver.post(f"/truc-tiep/{live_id}/ket-thuc").status_code == 403
    assert approver.post("/truc-tiep/bat-dau", {"zones": _zone_ids(demo_settings, "thon-3")}).status_code == 200


def test_the_station_microphone_button_says_when_none_is_set_up(app, demo_settings):
    editor = Client(app, "bientap")
    refused = editor.post("/truc-tiep/may-cua-dai", {"zones": _zone_ids(demo_settings, "thon-1")})
    assert refused.status_code == 400 and "LOAXA_LIVE_INPUT" in refused.get_json()["error"]


def test_the_station_microphone_button_spools_the_playout_machines_input(demo_settings, tmp_path):
    import dataclasses

    from tests.live_audio import speech_wav
    from tests.processes import wait_for
    from web import create_app

    settings = dataclasses.replace(demo_settings, live_input=str(speech_wav(tmp_path / "mic.wav", "Alô, alô.")))
    editor = Client(create_app(settings, testing=True), "bientap")
    started = editor.post("/truc-tiep/may-cua-dai", {"zones": _zone_ids(settings, "thon-4")})
    assert started.status_code == 200, started.get_data(as_text=True)
    live_id = started.get_json()["id"]
    engine = make_engine(settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        session.get(LiveSession, live_id).status = rules.ON_AIR  # what the player does once the air is clear
    engine.dispose()
    wait_for(lambda: _row(settings, live_id).stop_requested, 60, "the capture to end and press end")
    spool = Path(_row(settings, live_id).spool_dir)
    chunks = sorted(spool.iterdir())
    assert len(chunks) > 5 and chunks[0].read_bytes()[:4] == b"\x1aE\xdf\xa3"  # Matroska, as the player reads it


def _live_approvers(settings) -> bool:
    engine = make_engine(settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        allowed = get_station(session, settings.station).live_approvers
    engine.dispose()
    return allowed


def test_the_admin_lets_approvers_go_live_from_the_settings_page(app, demo_settings):
    from tests.web.test_audit import Watch

    admin, approver, editor = Client(app, "admin"), Client(app, "pheduyet"), Client(app, "bientap")
    page = admin.get("/cai-dat").get_data(as_text=True)
    assert 'name="live_who" value="editors" checked' in page and 'value="approvers" >' in page
    assert approver.get("/truc-tiep/").status_code == 403 and 'href="/truc-tiep/"' not in approver.get("/").get_data(as_text=True)
    watch = Watch(demo_settings)

    saved = admin.post("/cai-dat/truc-tiep", {"live_who": "approvers"})
    assert saved.status_code == 302 and _live_approvers(demo_settings) is True
    changed, rows = watch.added()
    assert changed and [(r.action, r.actor, r.object_type) for r in rows] == [("admin.save_live_who", "admin", "Station")]
    assert '"live_approvers":[false,true]' in rows[0].changes
    assert 'name="live_who" value="approvers" checked' in admin.get("/cai-dat").get_data(as_text=True)
    assert approver.get("/truc-tiep/").status_code == 200  # the switch is the one the live page obeys
    assert 'href="/truc-tiep/"' in approver.get("/").get_data(as_text=True)  # and the menu shows the page

    # Bad input: one sentence beside the choice, nothing changed, no audit row.
    for bad in ({"live_who": "viewers"}, {}):
        refused = admin.post("/cai-dat/truc-tiep", bad)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400 and html.count('class="field-error"') == 1
        assert ("Lựa chọn «viewers» không có: hãy chọn" if bad else "Chưa chọn ai được phát trực tiếp: hãy chọn") in html
        assert watch.added() == (False, [])
    assert admin.post("/cai-dat/truc-tiep", {"live_who": "editors", "csrf_token": ""}).status_code == 400  # no CSRF token
    assert editor.post("/cai-dat/truc-tiep", {"live_who": "editors"}).status_code == 403  # admins only
    assert watch.added() == (False, []) and _live_approvers(demo_settings) is True

    assert admin.post("/cai-dat/truc-tiep", {"live_who": "editors"}).status_code == 302
    assert '"live_approvers":[true,false]' in watch.added()[1][0].changes
    assert approver.get("/truc-tiep/").status_code == 403 and editor.get("/truc-tiep/").status_code == 200
