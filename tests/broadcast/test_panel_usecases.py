"""Use cases the panel needs: recordings, lexicon, station settings, user administration, one-offs, read models."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path

import pytest
from sqlalchemy import select

from broadcast.content import lexicon, recordings

from broadcast.content.scripts import spoken_form
from broadcast.errors import Conflict, InvalidInput, PermissionDenied
from broadcast.models import ContentStatus, Role, Script, User
from broadcast.planning.oneoff import schedule_message
from broadcast.playout.status import LogFilter, log_query, warnings
from broadcast.stations import settings as station_settings
from broadcast.stations.lookup import get_station, zone_codes
from broadcast.stations.users import create_user, set_active, set_role, station_users
from broadcast.timeutil import UTC, SystemClock


def _users(session):
    return {u.username: u for u in session.scalars(select(User))}


def test_recording_upload_is_prepared_stored_by_hash_and_approved(demo_factory, demo_settings, tmp_path):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        users = _users(session)
        script = session.scalars(select(Script)).first()
        jingle = next((demo_settings.audio_dir / "assets").rglob("*.wav"))
        rec = recordings.add_recording(session, demo_settings, station, script, jingle, "../../etc/ghi âm.wav", users["bientap"])
        path = Path(rec.path)
        assert path.is_file() and path.parent.parent == recordings.recordings_dir(demo_settings)
        assert rec.original_name == "ghi âm.wav" and rec.status == ContentStatus.DRAFT and rec.duration_s > 0
        with pytest.raises(PermissionDenied):
            recordings.approve_recording(session, rec, users["bientap"])
        assert recordings.approve_recording(session, rec, users["pheduyet"]).status == ContentStatus.APPROVED
        fake = tmp_path / "bai.mp3"
        fake.write_bytes(b"%PDF-1.4" * 200)
        with pytest.raises(InvalidInput) as bad:
            recordings.add_recording(session, demo_settings, station, script, fake, "bai.mp3")
        assert bad.value.field == "audio"
        with pytest.raises(InvalidInput, match="không phải tệp âm thanh"):
            recordings.add_recording(session, demo_settings, station, script, fake, "bai.pdf")


def test_lexicon_entries_change_the_spoken_form(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        entry = lexicon.add_entry(session, station, "QXCT", "quỹ xã cẩm tân")
        draft = Script(station_id=station.id, title="Tin", body="QXCT họp.")
        assert "quỹ xã cẩm tân" in spoken_form(session, draft).spoken.lower()
        with pytest.raises(InvalidInput) as dup:
            lexicon.add_entry(session, station, "QXCT", "khác")
        assert dup.value.field == "term"
        with pytest.raises(InvalidInput) as digits:
            lexicon.add_entry(session, station, "ABC", "số 15")
        assert digits.value.field == "spoken"
        lexicon.update_entry(session, entry, "QXCT", "quỹ xã", "abbreviation")
        lexicon.delete_entry(session, entry)
        assert lexicon.list_entries(session, station) == []


def test_station_settings_validate(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        station_settings.update_station(session, station, " Đài xã Cẩm Tân ", "-18,5", False)
        assert station.name == "Đài xã Cẩm Tân" and station.loudness_lufs == -18.5 and station.emergency_resume is False
        for bad in ("-3", "to"):
            with pytest.raises(InvalidInput) as err:
                station_settings.update_station(session, station, "Đài", bad, True)
            assert err.value.field == "loudness_lufs"
        with pytest.raises(InvalidInput):
            station_settings.set_voice_chain(session, station, [{"engine": "không-có", "voice": ""}])
        with pytest.raises(InvalidInput):
            station_settings.set_voice_chain(session, station, [{"engine": "piper", "voice": "giong"}])
        station_settings.set_voice_chain(session, station, [{"engine": "gtts", "voice": "vi"}, {"engine": "espeak", "voice": "vi"}])
        assert [e["engine"] for e in station.voice_chain] == ["gtts", "espeak"]
        zone = station_settings.add_zone(session, station, "thon-9", "Thôn 9")
        with pytest.raises(InvalidInput):
            station_settings.add_zone(session, station, "thon-9", "Thôn 9 bis")
        with pytest.raises(InvalidInput):
            station_settings.add_zone(session, station, "Thôn 10", "x")
        station_settings.rename_zone(session, zone, "Thôn Chín")
        station_settings.remove_zone(session, station, zone)
        assert len(station.zones) == 8


def test_last_admin_cannot_be_demoted_or_locked(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        users = _users(session)
        with pytest.raises(InvalidInput):
            set_role(session, users["admin"], station, Role.VIEWER)
        with pytest.raises(InvalidInput):
            set_active(session, users["admin"], station, False)
        second = create_user(session, "quantri2", "matkhau123", Role.ADMIN, station)
        set_role(session, users["admin"], station, Role.EDITOR)
        set_active(session, users["xem"], station, False)
        roles = dict((u.username, r) for u, r in station_users(session, station))
        assert roles["admin"] == Role.EDITOR and roles["quantri2"] == Role.ADMIN and not users["xem"].is_active and second.id


def test_one_off_validation(demo_factory, demo_settings):
    now = SystemClock().now()
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        cases = [("", "x", now + timedelta(hours=1), [], "title"), ("T", "", now + timedelta(hours=1), [], "text"),
                 ("T", "x", now - timedelta(minutes=1), [], "start"), ("T", "x", None, [], "start"), ("T", "x", now + timedelta(hours=1), [99999], "zones")]
        for title, text, start, zones, field in cases:
            with pytest.raises(InvalidInput) as err:
                schedule_message(session, demo_settings, station, title, text, start, zones, now)
            assert err.value.field == field
        made = schedule_message(session, demo_settings, station, "Họp dân", "Mời bà con họp.", now + timedelta(hours=2), [station.zones[0].id], now)
        assert made.items and made.zone_ids == [station.zones[0].id]
        with pytest.raises(Conflict, match="trùng với buổi «Họp dân»"):  # same time, same thôn
            schedule_message(session, demo_settings, station, "Tin khác", "Một tin khác.", made.planned_start, [station.zones[0].id], now)
        other = schedule_message(session, demo_settings, station, "Tin thôn 2", "Tin cho thôn hai.", made.planned_start, [station.zones[1].id], now)
        assert other.id != made.id  # another thôn at the same time is fine


@pytest.mark.parametrize("zones, codes", [("all", None), ("", None), ("thon-1", ["thon-1"]), ("thon-1,thon-2", ["thon-1", "thon-2"]), ("thon-1,", ["thon-1"])])
def test_zone_codes(zones, codes):
    assert zone_codes(zones) == codes


def test_warnings_count_waiting_content_and_log_filter_by_zone(demo_factory, demo_settings):
    from broadcast.asrun import chain as asrun
    from broadcast.models import AsRunEntry, LogStatus

    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        now = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
        session.add(Script(station_id=station.id, title="Nháp", body="Nội dung", status=ContentStatus.DRAFT, version=1))
        for zones, status in (("all", LogStatus.PLAYED), ("thon-1,thon-2", LogStatus.MISSED), ("thon-3", LogStatus.PLAYED), ("", LogStatus.PLAYED)):
            asrun.append(session, AsRunEntry(station_id=station.id, planned_start=now - timedelta(hours=1), item_type="script", zones=zones, status=status))
        texts = [w.text for w in warnings(session, station, now, demo_settings.tz)]
        assert any("chờ phê duyệt" in t for t in texts) and any("bỏ lỡ" in t for t in texts)
        flt = LogFilter(now.date(), now.date(), zone="thon-2")
        assert [r.zones for r in session.scalars(log_query(station, flt, demo_settings.tz))] == ["all", "thon-1,thon-2", ""]  # no zone named: every zone, as the report counts it
        flt = LogFilter(now.date(), now.date(), status="missed")
        assert len(session.scalars(log_query(station, flt, demo_settings.tz)).all()) == 1


def test_behind_target_warning_counts_only_days_since_the_station_existed(demo_factory):
    from broadcast.models import Campaign, Station

    now = SystemClock().now()
    with demo_factory() as session:
        station = get_station(session, "cam-tan")
        tz = ZoneInfo(station.timezone)
        today = now.astimezone(tz).date()
        session.query(Campaign).delete()
        session.add(Campaign(station_id=station.id, slug="thu-nghiem", name="Thử", start_date=today - timedelta(days=10),
                             end_date=today + timedelta(days=10), target_kind="minutes_per_day", target_value=10, status=ContentStatus.APPROVED))
        session.execute(Station.__table__.update().values(created_at=now))
        session.commit()
        assert not [w for w in warnings(session, station, now, tz) if "thu-nghiem" in w.text]  # a new station is not behind
        session.execute(Station.__table__.update().values(created_at=now - timedelta(days=3)))
        session.commit()
        session.expire_all()
        station = get_station(session, "cam-tan")
        behind = [w.text for w in warnings(session, station, now, tz) if "thu-nghiem" in w.text]
        assert behind and "30 phút" in behind[0]  # three days of 10 minutes, not ten
