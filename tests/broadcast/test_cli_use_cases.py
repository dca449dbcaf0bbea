"""Rules the command line used to hold, tested as the use cases that now hold them (the CLI only parses and prints)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from audio.tts.base import VoiceSpec
from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import campaign_windows, change_windows, create_campaign
from broadcast.config import load_settings
from broadcast.content.rendering import ready_render, scripts_to_render, typed_voice
from broadcast.content.scripts import approve_script, create_script, update_script
from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput, NotFound
from broadcast.models import AsRunEntry, LogStatus, Render, Role, Station
from broadcast.ops.backup import backup_name
from broadcast.province.central import check_central_playout, create_token, revoke_tokens
from broadcast.province.setup import create_station, numbered_zones
from broadcast.stations.users import active_user, create_user, set_active
from broadcast.timeutil import check_day_order
from scheduler.simulate import check_days

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2024, 11, 20, 3, 0, tzinfo=timezone.utc)  # 10:00 on 20/11 in Viet Nam


@pytest.mark.parametrize("first, last, refused", [
    (date(2024, 11, 1), date(2024, 11, 2), False),
    (date(2024, 11, 2), date(2024, 11, 2), False),
    (date(2024, 11, 3), date(2024, 11, 2), True),
    (None, date(2024, 11, 2), False),
    (date(2024, 11, 3), None, False),
])
def test_check_day_order(first, last, refused):
    if refused:
        with pytest.raises(InvalidInput, match="Ngày kết thúc đứng trước ngày bắt đầu"):
            check_day_order(first, last)
    else:
        check_day_order(first, last)


@pytest.mark.parametrize("first, last, in_place_tz, refusal", [
    (date(2024, 11, 18), date(2024, 11, 19), VN, None),  # over: the 19th ended at 17:00 UTC on the 19th
    (date(2024, 11, 18), date(2024, 11, 20), VN, "chưa qua"),  # the 20th is today
    (date(2024, 11, 18), date(2024, 11, 20), None, None),  # on a copy anything goes
    (date(2099, 1, 1), date(2099, 1, 2), None, None),
    (date(2024, 11, 19), date(2024, 11, 18), None, "đứng trước"),
    (date(2024, 11, 19), date(2024, 11, 18), VN, "đứng trước"),
])
def test_simulation_days(first, last, in_place_tz, refusal):
    if refusal:
        with pytest.raises(InvalidInput, match=refusal):
            check_days(first, last, NOW, in_place_tz)
    else:
        check_days(first, last, NOW, in_place_tz)


def test_simulation_of_a_day_ending_exactly_now_is_allowed():
    end_of_19th = datetime(2024, 11, 19, 17, 0, tzinfo=timezone.utc)
    check_days(date(2024, 11, 19), date(2024, 11, 19), end_of_19th, VN)
    with pytest.raises(InvalidInput):
        check_days(date(2024, 11, 19), date(2024, 11, 19), end_of_19th - timedelta(seconds=1), VN)


@pytest.mark.parametrize("engine, voice, expected", [
    (None, None, VoiceSpec("espeak", "", ())),
    ("espeak", "en", VoiceSpec("espeak", "en", ())),
    ("gtts", None, VoiceSpec("gtts", "", (("timeout", 3.5),))),
    ("piper", "/models/vi.onnx", VoiceSpec("piper", "/models/vi.onnx", ())),
])
def test_typed_voice(tmp_path, engine, voice, expected):
    settings = load_settings(env={"LOAXA_GTTS_TIMEOUT_S": "3.5"}, data_dir=str(tmp_path))
    assert typed_voice(settings, engine, voice) == expected


def test_backup_name_uses_the_local_clock(tmp_path):
    assert backup_name(NOW, load_settings(env={}, data_dir=str(tmp_path))) == Path("loaxa-backup-20241120-100000.tar.gz")


@pytest.fixture
def station(factory):
    with transaction(factory) as session:
        made = create_station(session, "xa-a", "Xã A", numbered_zones(2))
        create_user(session, "boss", "matkhau123", Role.ADMIN, made)
        return made.id


def test_central_playout_refused_while_a_sync_token_is_active(factory, station):
    with transaction(factory) as session:
        row = session.get(Station, station)
        check_central_playout(session, row)
        create_token(session, row, "máy xã", NOW)
        with pytest.raises(Conflict, match="Đài xa-a phát bằng trình phát riêng tại xã"):
            check_central_playout(session, row)
        revoke_tokens(session, row)
        check_central_playout(session, row)


def test_scripts_to_render_are_the_approved_ones_without_a_ready_file(factory, station, tmp_path):
    with transaction(factory) as session:
        row = session.get(Station, station)
        boss = active_user(session, "boss")
        scripts = [create_script(session, row, f"Bài {n}", f"Nội dung {n}.", boss) for n in range(4)]
        for script in scripts[:3]:
            approve_script(session, script, boss)
        on_disk = tmp_path / "co.wav"
        on_disk.write_bytes(b"RIFF")

        def render(script, path):
            session.add(Render(station_id=row.id, script_id=script.id, script_version=script.version, cache_key=f"k{script.id}{path.name}",
                               path=str(path), engine="espeak", duration_s=1.0))
            session.flush()

        render(scripts[0], on_disk)  # ready
        render(scripts[1], tmp_path / "mat.wav")  # its file is gone
        # scripts[2] was never rendered; scripts[3] is a draft
        approved, todo = scripts_to_render(session, row)
        assert [s.title for s in approved] == ["Bài 0", "Bài 1", "Bài 2"] and [s.title for s in todo] == ["Bài 1", "Bài 2"]
        assert [s.title for s in scripts_to_render(session, row, everything=True)[1]] == ["Bài 0", "Bài 1", "Bài 2"]
        assert ready_render(session, scripts[0]).path == str(on_disk)
        update_script(session, scripts[0], "Bài 0", "Nội dung mới.", boss)  # a new version has no render yet
        assert ready_render(session, scripts[0]) is None


def campaign_labels(campaign):
    return [w.label() for w in campaign_windows(campaign)]


def test_change_windows_clears_removes_by_number_then_adds(factory, station):
    with transaction(factory) as session:
        campaign = create_campaign(session, session.get(Station, station), "cd-a", "A", date(2024, 11, 1), date(2024, 11, 30), target_value=1)
        change_windows(session, campaign, add=["05:30-06:00", "17:00-17:30"], weekdays="1-5")
        change_windows(session, campaign, remove=1)
        assert campaign_labels(campaign) == ["17:00–17:30 (T2, T3, T4, T5, T6)"]
        for number, have in ((2, "chỉ có 1 khung giờ"), (0, "chỉ có 1 khung giờ")):
            with pytest.raises(NotFound, match=f"không có khung giờ số {number} \\({have}\\)"):
                change_windows(session, campaign, remove=number)
        with pytest.raises(NotFound, match="chưa có khung giờ nào"):
            change_windows(session, campaign, clear=True, remove=1)
        change_windows(session, campaign, clear=True, add=["05:30-06:00"])
        assert campaign_labels(campaign) == ["05:30–06:00"]


def test_active_user_finds_by_typed_name_and_refuses_a_locked_one(factory, station):
    with transaction(factory) as session:
        create_user(session, "canbo", "matkhau123", Role.EDITOR, session.get(Station, station))
        assert active_user(session, "  CanBo ").username == "canbo"
        set_active(session, active_user(session, "canbo"), session.get(Station, station), False)
        with pytest.raises(NotFound, match="Không có người dùng 'canbo' đang hoạt động"):
            active_user(session, "canbo")
        with pytest.raises(NotFound, match="Không có người dùng 'khong-co' đang hoạt động"):
            active_user(session, "khong-co")


def test_rows_on_days_follow_the_stations_local_days(factory, station):
    with transaction(factory) as session:
        row = session.get(Station, station)
        # Local midnight of 20/11 is 17:00 UTC on 19/11.
        for title, at in (("19 cuối ngày", datetime(2024, 11, 19, 16, 59, 59, tzinfo=timezone.utc)),
                          ("20 đầu ngày", datetime(2024, 11, 19, 17, 0, tzinfo=timezone.utc)),
                          ("20 cuối ngày", datetime(2024, 11, 20, 16, 59, tzinfo=timezone.utc)),
                          ("21 đầu ngày", datetime(2024, 11, 20, 17, 0, tzinfo=timezone.utc))):
            asrun.append(session, AsRunEntry(station_id=row.id, planned_start=at, item_type="script", title=title, status=LogStatus.PLAYED))
        titles = lambda first, last: [r.title for r in asrun.rows_on_days(session, row, first, last)]  # noqa: E731
        assert titles(date(2024, 11, 20), date(2024, 11, 20)) == ["20 đầu ngày", "20 cuối ngày"]
        assert titles(None, date(2024, 11, 19)) == ["19 cuối ngày"]
        assert titles(date(2024, 11, 21), None) == ["21 đầu ngày"]
        assert len(titles(None, None)) == 4
        with pytest.raises(InvalidInput):
            titles(date(2024, 11, 21), date(2024, 11, 20))
