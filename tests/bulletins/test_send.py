"""send_bulletin: each priority placed in every commune, refusals save nothing, the planner keeps bulletins where placed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from audio import ffmpeg
from audio.tools import Tools
from audio.tts.espeak import EspeakEngine
from broadcast.content.media import media_sound
from broadcast.db import transaction
from broadcast.errors import InvalidInput, PermissionDenied
from broadcast.models import Broadcast, BroadcastKind, BroadcastStatus, ContentStatus, ItemType, Script, Slot, Station, User, Zone
from broadcast.models.bulletins import Bulletin, BulletinTarget
from broadcast.planning.programmes import plan_days
from broadcast.province.bulletins import TargetSpec, bulletin_status, send_bulletin
from broadcast.timeutil import VN_TZ
from tests.bulletins.conftest import NOW, FixedClock

TEXT = "Ủy ban nhân dân tỉnh thông báo: từ ngày 15/01/2027 các xã ra quân làm sạch đường làng, ngõ xóm đón Tết."


def _send(session, settings, priority, targets, when=None, now=NOW):
    author = session.scalar(select(User).where(User.username == "tinh"))
    return send_bulletin(session, settings, author, "Ra quân đón Tết", TEXT, priority, targets, when=when, clock=FixedClock(now))


def _station(session, slug):
    return session.scalar(select(Station).where(Station.slug == slug))


def _broadcast_ids_with(session, target):
    return list(session.scalars(select(Broadcast.id).where(
        Broadcast.station_id == target.station_id, Broadcast.status != BroadcastStatus.CANCELLED,
        Broadcast.items.any(script_id=target.script_id)).order_by(Broadcast.id)))


def test_priority_goes_first_in_the_next_broadcast_of_each_commune_and_stays_there(province, demo_settings):
    with transaction(province) as session:
        bulletin = _send(session, demo_settings, "priority", [TargetSpec("cam-tan"), TargetSpec("xa-b")])
        cam, xa_b = bulletin.targets
        for target, start in ((cam, "05:30"), (xa_b, "06:00")):
            script = session.get(Script, target.script_id)
            assert script.station_id == target.station_id and script.source == "bulletin" and script.status == ContentStatus.APPROVED
            broadcast = session.get(Broadcast, target.broadcast_id)
            assert target.placement == "slot" and broadcast.slot_id == target.slot_id
            assert f"{broadcast.planned_start.astimezone(VN_TZ):%Y-%m-%d %H:%M}" == f"2027-01-12 {start}"
            content = [i for i in broadcast.items if i.item_type != ItemType.JINGLE]
            assert content[0].script_id == script.id and "ưu tiên" in content[0].reason  # first after the opening jingle
        station = _station(session, "cam-tan")
        # Re-planning the day and the next keeps it exactly once, only where it was placed (never in the rotation).
        plan_days(session, demo_settings, station, NOW.date(), NOW.date() + timedelta(days=1), NOW)
        assert _broadcast_ids_with(session, cam) == [cam.broadcast_id]
        statuses = bulletin_status(session, bulletin)
        assert [(s.station, s.state, s.zones) for s in statuses] == [("cam-tan", "pending", "all"), ("xa-b", "pending", "all")]
        assert statuses[0].planned_at > NOW


def test_normal_takes_the_next_broadcast_with_room_else_a_one_off_after_it(province, demo_settings):
    with transaction(province) as session:
        xa_b = _station(session, "xa-b")
        slot = session.scalar(select(Slot).where(Slot.station_id == xa_b.id))
        slot.duration_s = 5  # no room all week: the bulletin gets its own broadcast right after this one
        bulletin = _send(session, demo_settings, "normal", [TargetSpec("cam-tan"), TargetSpec("xa-b")])
        cam, other = bulletin.targets
        broadcast = session.get(Broadcast, cam.broadcast_id)
        assert cam.placement == "slot" and broadcast.kind == BroadcastKind.REGULAR
        item = next(i for i in broadcast.items if i.script_id == cam.script_id)
        assert item.reason == "bản tin tỉnh/huyện" and broadcast.items[-1].item_type == ItemType.JINGLE  # in the news part
        one_off = session.get(Broadcast, other.broadcast_id)
        assert other.placement == "oneoff" and one_off.kind == BroadcastKind.ONE_OFF and one_off.items[0].script_id == other.script_id
        assert one_off.planned_start.astimezone(VN_TZ).strftime("%H:%M:%S") == "06:00:05"  # the end of the 5-second slot


def test_zones_chosen_get_a_one_off_on_those_zones_and_emergency_airs_now(province, demo_settings):
    with transaction(province) as session:
        bulletin = _send(session, demo_settings, "priority", [TargetSpec("cam-tan", ("thon-1", "thon-2"))])
        target = bulletin.targets[0]
        codes = {z.id: z.code for z in session.scalars(select(Zone).where(Zone.station_id == target.station_id))}
        one_off = session.get(Broadcast, target.broadcast_id)
        assert target.placement == "oneoff" and sorted(codes[z] for z in one_off.zone_ids) == ["thon-1", "thon-2"]
        assert one_off.planned_start == NOW + timedelta(minutes=2)  # as soon as players can pick it up
        urgent = _send(session, demo_settings, "emergency", [TargetSpec("xa-b", ("thon-1",))])
        target = urgent.targets[0]
        broadcast = session.get(Broadcast, target.broadcast_id)
        assert target.placement == "emergency" and broadcast.kind == BroadcastKind.EMERGENCY and broadcast.status == BroadcastStatus.READY
        assert broadcast.items[0].script_id == target.script_id and broadcast.planned_start == NOW
        zones = [session.get(Zone, z) for z in broadcast.zone_ids]
        assert [(z.station_id, z.code) for z in zones] == [(target.station_id, "thon-1")]  # xa-b's own zone
        # An air time asked for is respected: not before it.
        later = _send(session, demo_settings, "priority", [TargetSpec("cam-tan")], when=NOW.replace(hour=12))
        assert session.get(Broadcast, later.targets[0].broadcast_id).planned_start.astimezone(VN_TZ).hour == 17


def _counts(factory):
    with transaction(factory) as session:
        return (session.scalar(select(func.count()).select_from(Bulletin)), session.scalar(select(func.count()).select_from(BulletinTarget)),
                session.scalar(select(func.count()).select_from(Script).where(Script.source == "bulletin")),
                session.scalar(select(func.count()).select_from(Broadcast)))


@pytest.mark.parametrize("priority, targets, when, error, field, words", [
    ("priority", [TargetSpec("cam-tan"), TargetSpec("xa-c")], None, PermissionDenied, None, "Xã Cát Lâm"),
    ("priority", [TargetSpec("cam-tan", ("thon-9",))], None, InvalidInput, "targets", "thon-9"),
    ("priority", [TargetSpec("xa-z")], None, InvalidInput, "targets", "xa-z"),
    ("priority", [], None, InvalidInput, "targets", "Chưa chọn xã"),
    ("emergency", [TargetSpec("cam-tan")], NOW + timedelta(hours=1), InvalidInput, "when", "khẩn cấp"),
    ("urgent", [TargetSpec("cam-tan")], None, InvalidInput, "priority", "Mức ưu tiên"),
])
def test_refusals_say_why_in_one_sentence_and_save_nothing(province, demo_settings, priority, targets, when, error, field, words):
    before = _counts(province)
    with pytest.raises(error) as refused:
        with transaction(province) as session:
            if error is PermissionDenied:
                _send(session, demo_settings, "priority", [TargetSpec("xa-b")])  # one already placed in the same unit: rolled back too
            _send(session, demo_settings, priority, targets, when)
    assert words in str(refused.value) and getattr(refused.value, "field", None) == field
    assert str(refused.value).count(".") <= 1
    assert _counts(province) == before


@pytest.fixture(scope="module")
def programme_mp3(tmp_path_factory) -> Path:
    """A district programme received as MP3: a sentence read by espeak-ng, encoded the way offices send it."""
    folder = tmp_path_factory.mktemp("programme")
    spoken = folder / "spoken.wav"
    EspeakEngine().synthesize(TEXT, "vi", {}, spoken, tools=Tools())
    ffmpeg.run(["-i", str(spoken), "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-y", str(folder / "chuong-trinh.mp3")], tools=Tools())
    return folder / "chuong-trinh.mp3"


def test_a_bulletin_from_an_audio_file_airs_the_file_in_every_commune(province, demo_settings, programme_mp3):
    with transaction(province) as session:
        author = session.scalar(select(User).where(User.username == "tinh"))
        bulletin = send_bulletin(session, demo_settings, author, "Chương trình của huyện", "", "priority", [TargetSpec("cam-tan"), TargetSpec("xa-b")],
                                 clock=FixedClock(NOW), audio=programme_mp3)
        assert "chuong-trinh.mp3" in bulletin.body
        for target in bulletin.targets:
            script = session.get(Script, target.script_id)
            assert script.kind == "audio" and script.source == "bulletin" and script.status == ContentStatus.APPROVED
            sound = media_sound(session, script)
            assert sound.status == ContentStatus.APPROVED and Path(sound.original_path).read_bytes() == programme_mp3.read_bytes()
            broadcast = session.get(Broadcast, target.broadcast_id)
            item = next(i for i in broadcast.items if i.script_id == script.id)
            assert abs(item.duration_s - sound.duration_s) < 0.01 and item.voice == "media"


def test_a_bulletin_from_a_bad_audio_file_is_refused_with_nothing_saved(province, demo_settings, tmp_path):
    bad = tmp_path / "chuong-trinh.mp3"
    bad.write_text(TEXT, encoding="utf-8")
    before = _counts(province)
    with pytest.raises(InvalidInput, match="chuong-trinh.mp3") as refused:
        with transaction(province) as session:
            author = session.scalar(select(User).where(User.username == "tinh"))
            send_bulletin(session, demo_settings, author, "Chương trình", "", "priority", [TargetSpec("cam-tan")], clock=FixedClock(NOW), audio=bad)
    assert refused.value.field == "audio"
    assert _counts(province) == before
