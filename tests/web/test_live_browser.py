"""Live from a real Chromium whose fake microphone speaks an espeak-ng sentence: on air on two zones over a broadcast."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from broadcast.asrun import chain as asrun
from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import AsRunEntry, Broadcast, BroadcastStatus, Campaign, LiveSession, LogStatus, User
from broadcast.playout import live as rules
from broadcast.reports.build import build_report
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock, to_local
from scheduler import context, jobs
from tests.conftest import clone_settings, discard
from tests.processes import wait_for
from tests.live_audio import OTHER, RATE, envelope_match, inner, keep_evidence, samples, speech_wav
from tests.scheduler.conftest import make_broadcast, rows_of
from tests.web.test_browser import CHROMIUM_ARGS, Session
from web import create_app

pytestmark = pytest.mark.slow
SENTENCE = "Kính thưa bà con, chiều nay xã họp dân."


@pytest.fixture(scope="module")
def station(tmp_path_factory, demo_template):
    """The panel and an in-process player (live watch and air jobs) on one demo copy; the fake microphone's sentence."""
    root = tmp_path_factory.mktemp("live")
    settings = dataclasses.replace(clone_settings(demo_template, root), login_rate_limit="1000 per minute", live_silence_s=2.0)
    wav = speech_wav(root / "mic.wav", SENTENCE)
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    engine = make_engine(settings.db_url)
    factory = make_session_factory(engine)
    ctx = context.PlayoutContext(settings, factory)
    context.install(ctx)
    stop, talks = threading.Event(), []

    def watch() -> None:
        while not stop.is_set():
            talks.extend(jobs.live_talks.watch_live(ctx))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", settings=settings, factory=factory, wav=wav, ctx=ctx)
    stop.set()
    for thread in talks:
        thread.join(30)
    server.shutdown()
    engine.dispose()
    discard(settings)


@pytest.fixture(scope="module")
def browser(station):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=[*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={station.wav}"])
        yield chromium
        chromium.close()


def _talk(factory, live_id: int) -> LiveSession:
    with transaction(factory) as session:
        return session.get(LiveSession, live_id)


def _last_talk(factory) -> LiveSession | None:
    with transaction(factory) as session:
        return session.scalar(select(LiveSession).order_by(LiveSession.id.desc()).limit(1))


def _tick(page, zones: list[str]) -> None:
    for name in zones:
        page.locator("fieldset.zones label", has_text=name).locator("input").check()


def test_go_live_on_two_zones_during_a_broadcast(browser, station):
    today = to_local(SystemClock().now()).date()
    with transaction(station.factory) as session:  # the demo campaign (of 2024) runs until tomorrow: the talk counts in it
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        campaign.end_date, campaign_name = today + timedelta(days=1), campaign.name
    editor = Session(browser, station.url, "bientap")
    editor.context.grant_permissions(["microphone"], origin=station.url)
    editor.go("/truc-tiep/")
    assert editor.page.evaluate("window.isSecureContext") and editor.page.locator("#live-insecure").is_hidden()
    _tick(editor.page, ["Thôn 1", "Thôn 2"])
    editor.page.select_option("#f-campaign", label=campaign_name)
    broadcast_id = make_broadcast(station.settings, station.factory, SystemClock().now() + timedelta(seconds=1.0))
    air = threading.Thread(target=jobs.air, args=(broadcast_id,))
    air.start()
    wait_for(lambda: (b := _broadcast(station)) and b.status == BroadcastStatus.PLAYING and (b.seconds_aired or 0) > 0.3, 60, "the broadcast on air")
    editor.page.click("#live-toggle")
    editor.page.wait_for_function("document.querySelector('#live-status').textContent.includes('ĐANG PHÁT TRỰC TIẾP')", timeout=60000)
    editor.page.wait_for_function("document.querySelector('#live-level').style.width !== '0%' && document.querySelector('#live-level').style.width !== ''")
    editor.page.wait_for_function("document.querySelector('#live-cut').textContent.includes('Bản tin thử')", timeout=20000)
    editor.page.wait_for_function("document.querySelector('#live-elapsed').textContent >= '00:06'", timeout=30000)
    editor.shot("phat-truc-tiep")
    editor.page.click("#live-toggle")
    editor.page.wait_for_function("document.querySelector('#live-status').textContent.includes('Đã kết thúc')", timeout=30000)
    air.join(60)
    talk = _last_talk(station.factory)
    assert talk.end_reason == rules.REASON_SPEAKER_ENDED and talk.seconds >= 5.0 and talk.interrupted == "Bản tin thử"
    with transaction(station.factory) as session:
        speaker = session.scalar(select(User.full_name).where(User.username == "bientap"))
        rows = list(session.scalars(select(AsRunEntry).where(AsRunEntry.item_ref == f"live:{talk.id}")))
        assert asrun.verify(session, get_station(session, "cam-tan").id).ok
    assert [(r.item_type, r.voice, r.zones, r.status, r.campaign) for r in rows] == [("live", speaker, "thon-1,thon-2", LogStatus.PLAYED, "bdg-2024")]
    assert rows[0].seconds == pytest.approx(talk.seconds, abs=0.01)
    with transaction(station.factory) as session:  # tagged with the campaign: its report counts the talk's seconds today
        report = build_report(session, get_station(session, "cam-tan"), "bdg-2024", today, today)
    assert report.totals.aired_seconds == pytest.approx(talk.seconds, abs=0.01)
    cut = [r for r in rows_of(station.factory, broadcast_id) if r.status == LogStatus.INTERRUPTED]
    assert len(cut) == 1 and cut[0].reason == rules.REASON_CUT
    rest = [r for r in rows_of(station.factory, broadcast_id) if r.broadcast_item_id == cut[0].broadcast_item_id and r.id != cut[0].id]
    assert len(rest) == 1 and rest[0].status == LogStatus.LATE  # what the talk cut resumed once, after it
    aircheck = next((station.settings.aircheck_dir / "cam-tan").rglob(f"*-live-{talk.id}.mp3"))
    # Chromium's noise suppression and AGC reshape the waveform (a waveform match scored 0.11 to 0.78 across runs); the
    # sentence's syllable rhythm survives them, Opus, the spool, the player and MP3. Another sentence is the control.
    aired = samples(aircheck)
    score = envelope_match(aired, inner(samples(station.wav)))
    control = envelope_match(aired, inner(samples(speech_wav(station.wav.with_name("other.wav"), OTHER))))
    # One run in about 40 fresh-clone suites scored 0.42 (control 0.24) while every other run scored 0.966 to 0.968: the
    # files of a failing run are kept for a look at what aired.
    if not (score > 0.75 and score > control + 0.3):
        kept = keep_evidence("live-browser", aircheck, station.wav)
        pytest.fail(f"the talk's envelope matched the sentence at {score:.3f} (control {control:.3f}, {len(aired) / RATE:.1f} s aired); files in {kept}")
    phone = Session(browser, station.url, "bientap", phone=True)
    phone.go("/truc-tiep/")
    phone.shot("phat-truc-tiep-dien-thoai")
    assert not editor.unexpected_errors() and not phone.unexpected_errors()
    editor.close(), phone.close()


def _broadcast(station) -> Broadcast | None:
    with transaction(station.factory) as session:
        return session.scalar(select(Broadcast).order_by(Broadcast.id.desc()).limit(1))


def test_closing_the_tab_ends_the_talk_within_the_silence_limit(browser, station):
    editor = Session(browser, station.url, "bientap")
    editor.context.grant_permissions(["microphone"], origin=station.url)
    editor.go("/truc-tiep/")
    _tick(editor.page, ["Thôn 3"])
    editor.page.click("#live-toggle")
    editor.page.wait_for_function("document.querySelector('#live-elapsed').textContent >= '00:02'", timeout=60000)
    talk = _last_talk(station.factory)
    editor.close()  # the tab (and the browser context) is gone mid-talk
    closed = time.monotonic()
    wait_for(lambda: _talk(station.factory, talk.id).status == rules.ENDED, 30, "the talk to end by itself")
    assert time.monotonic() - closed < 2.0 + 3.0
    ended = _talk(station.factory, talk.id)
    assert ended.end_reason == rules.REASON_SILENCE.format(2.0) and ended.seconds > 1.0
    assert not any(o.live for o in station.ctx.on_air.values())  # the zone is the schedule's again


def test_a_viewer_cannot_open_the_live_page(browser, station):
    viewer = Session(browser, station.url, "xem")
    response = viewer.go("/truc-tiep/")
    assert response.status == 403 and viewer.page.locator("a[href='/truc-tiep/']").count() == 0
    viewer.close()
