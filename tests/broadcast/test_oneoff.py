"""One builder for every one-off: typed messages read with the station's lexicon, and the same programme shape for all."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from audio.tts.espeak import EspeakEngine
from broadcast.content import lexicon
from broadcast.models import Script, User
from broadcast.planning.oneoff import add_one_off, create_test_broadcast, schedule_message
from broadcast.playout.emergency import start_emergency
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock

# A word this station taught its lexicon; the default reading spells the letters out.
TERM, THE_STATION_WAY, SPELLED = "KDC", "khu dân cư", "ca dê xê"
MESSAGE = "Cháy ở KDC Đồng Bằng, bà con sơ tán ngay."
FUTURE = datetime(2030, 1, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture
def spoken(monkeypatch) -> list[str]:
    """Every text the real espeak-ng is asked to read, as it is asked."""
    heard: list[str] = []
    real = EspeakEngine.synthesize

    def listening(self, text, *args, **kwargs):
        heard.append(text)
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(EspeakEngine, "synthesize", listening)
    return heard


def emergency(session, settings, station) -> None:
    start_emergency(session, settings, station, "Cháy", text=MESSAGE, user=_user(session, "bientap"))


def typed_one_off(session, settings, station) -> None:
    schedule_message(session, settings, station, "Sơ tán", MESSAGE, FUTURE, [], FUTURE - timedelta(hours=1))


def _user(session, name: str) -> User:
    return session.scalar(select(User).where(User.username == name))


@pytest.mark.parametrize("send", [emergency, typed_one_off], ids=["emergency", "one-off"])
def test_a_typed_message_reads_a_lexicon_word_the_station_way(demo_factory, demo_settings, spoken, send):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        lexicon.add_entry(session, station, TERM, THE_STATION_WAY)
        send(session, demo_settings, station)
        session.commit()
    read = " ".join(spoken).lower()
    assert THE_STATION_WAY in read
    assert SPELLED not in read and TERM.lower() not in read.split()


def test_every_one_off_has_the_same_shape(demo_factory, demo_settings):
    """Jingles around the spoken parts, offsets one after the other, the slot one second longer than the programme."""
    now = SystemClock().now()
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        script = session.scalars(select(Script).order_by(Script.id)).first()
        made = [
            schedule_message(session, demo_settings, station, "Họp dân", "Mời bà con họp.", now + timedelta(days=400), [], now),
            add_one_off(session, station, "Thông báo", now + timedelta(days=401), [script.id], now),
            create_test_broadcast(session, demo_settings, station, now + timedelta(days=402)),
            start_emergency(session, demo_settings, station, "Khẩn", script_id=script.id),
        ]
        shapes = [[(i.position, i.item_type.value, i.reason) for i in b.items] for b in made]
        assert shapes == [
            [(0, "jingle", "nhạc hiệu mở đầu"), (1, "script", "phát một lần"), (2, "jingle", "nhạc hiệu kết thúc")],
            [(0, "jingle", "nhạc hiệu mở đầu"), (1, "script", "phát một lần theo yêu cầu"), (2, "jingle", "nhạc hiệu kết thúc")],
            [(0, "jingle", "nhạc hiệu mở đầu"), (1, "script", "phát một lần"), (2, "jingle", "nhạc hiệu kết thúc")],
            [(0, "emergency", "khẩn cấp")],
        ]
        assert made[1].items[1].script_id == script.id and made[3].items[0].script_id == script.id
        for broadcast in made[:3]:
            first, spoken_item, last = broadcast.items
            # The demo's generated opening chime lasts 5 s; each item starts where the one before it ends.
            assert (first.offset_s, spoken_item.offset_s) == (0.0, 5.0)
            assert last.offset_s == pytest.approx(5.0 + spoken_item.duration_s)
            total = 5.0 + spoken_item.duration_s + 5.5  # the closing chime lasts 5.5 s
            assert (broadcast.slot_end - broadcast.slot_start).total_seconds() == pytest.approx(total + 1.0)
            assert len(broadcast.plan_hash) == 64 and broadcast.manual
        assert made[3].status.value == "ready" and made[3].planned_start <= SystemClock().now()
