"""The media library end to end: `loaxa media import`, approval, a campaign programme aired by `loaxa simulate`, the report by title."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from audio import ffmpeg
from audio.tools import Tools
from audio.tts.espeak import EspeakEngine
from broadcast.asrun import chain as asrun
from broadcast.campaigns.manage import approve_campaign, back_to_draft, create_campaign, get_campaign, list_campaigns
from broadcast.campaigns.media import add_media
from broadcast.content.media import media_dirs, media_sound
from broadcast.content.rendering import render_script, script_audio
from broadcast.content.scripts import approve_script, update_script
from broadcast.db import transaction
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import ContentStatus, Recording, Script
from broadcast.planning.oneoff import add_one_off
from broadcast.playout.status import warnings
from broadcast.stations.lookup import get_station
from broadcast.stations.users import get_user
from broadcast.timeutil import SystemClock
from loaxa.cli import main
from tests.conftest import cli_args
from tests.reliability.hostile import MEDIA_LIMIT_MIN, hostile_audio

SLUG = "bai-hat-chien-dich"
SONG_TITLE = "Bài hát: Chung tay vì bình đẳng giới"
SUNG = "Nam và nữ cùng chia sẻ việc nhà, cùng chăm sóc con cái và cùng làm kinh tế."


TOOLS = Tools()


@pytest.fixture(scope="module")
def spoken_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sentence of the song, read by espeak-ng."""
    out = tmp_path_factory.mktemp("song") / "spoken.wav"
    EspeakEngine().synthesize(SUNG, "vi", {}, out, tools=TOOLS)
    return out


def _song_mp3(spoken_wav: Path, folder: Path) -> Path:
    """A 'song': the sentence over a quiet tone, stereo 44.1 kHz MP3 as a district office sends it."""
    out = folder / "chung-tay.mp3"
    ffmpeg.run(["-i", str(spoken_wav), "-f", "lavfi", "-i", "sine=f=330:d=8", "-filter_complex",
                "[1:a]volume=0.05[bed];[0:a][bed]amix=inputs=2:duration=longest", "-ar", "44100", "-ac", "2",
                "-c:a", "libmp3lame", "-b:a", "128k", "-y", str(out)], tools=TOOLS)
    return out


def _cli(settings, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, [*cli_args(settings), *args], env={"LOAXA_MEDIA_MAX_MINUTES": str(MEDIA_LIMIT_MIN)})
    assert (result.exit_code == 0) == ok, result.output
    assert "Traceback" not in result.output
    return result


def test_an_uploaded_song_airs_in_a_campaign_programme_and_is_reported_by_title(demo_settings, demo_factory, spoken_wav, tmp_path):
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        yesterday = SystemClock().now().astimezone(demo_settings.tz).date() - timedelta(days=1)
        for other in list_campaigns(session, station):
            back_to_draft(other)  # the song's campaign airs alone
        create_campaign(session, station, SLUG, "Bài hát chiến dịch", yesterday, yesterday, target_kind="minutes_per_day", target_value=0.5)

    song = _song_mp3(spoken_wav, tmp_path)
    out = _cli(demo_settings, "media", "import", str(song), "--title", SONG_TITLE, "--kind", "song", "--campaign", SLUG, "--by", "bientap").output
    assert "Đã nhập: " + SONG_TITLE in out and "chờ phê duyệt" in out
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        item = session.scalar(select(Script).where(Script.title == SONG_TITLE))
        assert item.kind == "audio" and item.status == ContentStatus.DRAFT and item.category == "bài hát"
        sound = media_sound(session, item)
        assert Path(sound.original_path).read_bytes() == song.read_bytes() and sound.original_name == "chung-tay.mp3"
        assert script_audio(session, item) is None  # not on air before approval
        campaign = get_campaign(session, station, SLUG)
        assert [e.script_id for e in campaign.pool] == [item.id]
        with pytest.raises(InvalidInput, match="không cần tạo giọng đọc"):
            render_script(session, demo_settings, item, station)
        approve_script(session, item, get_user(session, "pheduyet"))
        assert script_audio(session, item).voice == "media"
        approve_campaign(session, campaign, get_user(session, "pheduyet"))
        song_s = sound.duration_s
    assert "[đã duyệt] " + SONG_TITLE in _cli(demo_settings, "media", "list").output

    day = yesterday.isoformat()
    _cli(demo_settings, "simulate", "--from", day, "--to", day, "--sink", "null")
    rows = json.loads(_cli(demo_settings, "log", "--from", day, "--to", day, "--format", "json").stdout)
    aired = [r for r in rows if r["title"] == SONG_TITLE]
    assert aired and {r["status"] for r in aired} == {"played"} and {r["campaign"] for r in aired} == {SLUG}
    assert all(abs(r["seconds"] - song_s) < 0.1 for r in aired)
    with transaction(demo_factory) as session:
        assert asrun.verify(session, get_station(session, demo_settings.station).id).ok

    report = json.loads(_cli(demo_settings, "report", "--campaign", SLUG, "--format", "json").stdout)
    (line,) = [s for s in report["scripts"] if s["title"] == SONG_TITLE]
    assert line["plays"] == len(aired) and abs(line["aired_seconds"] - sum(r["seconds"] for r in aired)) < 0.5
    assert "tệp âm thanh" in str(line["voices"])


def test_an_edited_item_goes_back_to_approval_with_its_sound_and_airs_in_a_one_off(demo_settings, demo_factory, spoken_wav, tmp_path):
    song = _song_mp3(spoken_wav, tmp_path)
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        editor, approver = get_user(session, "bientap"), get_user(session, "pheduyet")
        item = add_media(session, station, song, SONG_TITLE, "song", by=editor, settings=demo_settings)
        waiting = [w.text for w in warnings(session, station, SystemClock().now(), demo_settings.tz) if "chờ phê duyệt" in w.text]
        assert waiting and " 0 bản ghi âm" in waiting[0]  # the item waits once, its sound with it
        approve_script(session, item, approver)
        update_script(session, item, SONG_TITLE + " (bản ngắn)", item.body, editor)
        assert item.version == 2 and media_sound(session, item).status == ContentStatus.DRAFT
        assert script_audio(session, item) is None
        approve_script(session, item, approver)
        start = SystemClock().now() + timedelta(days=30)
        broadcast = add_one_off(session, station, "Phát bài hát", start, [item.id], SystemClock().now(), with_jingles=False)
        (entry,) = broadcast.items
        assert entry.script_id == item.id and abs(entry.duration_s - media_sound(session, item).duration_s) < 0.01


def test_an_unknown_kind_or_campaign_is_refused_with_nothing_stored(demo_settings, demo_factory, spoken_wav, tmp_path):
    song = _song_mp3(spoken_wav, tmp_path)
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        before = session.scalar(select(func.count()).select_from(Script))
        with pytest.raises(InvalidInput, match="Loại tệp âm thanh"):
            add_media(session, station, song, "X", "karaoke", by=None, settings=demo_settings)
        with pytest.raises(NotFound, match="Không có chiến dịch"):
            add_media(session, station, song, "X", "song", "khong-co", by=None, settings=demo_settings)
        assert session.scalar(select(func.count()).select_from(Script)) == before
    assert not any(p.is_file() for folder in media_dirs(demo_settings) for p in folder.rglob("*"))


def test_hostile_files_through_the_cli_are_refused_in_one_sentence_with_nothing_stored(demo_settings, demo_factory, spoken_wav, tmp_path):
    corpus = hostile_audio(tmp_path / "hostile", spoken_wav, TOOLS)
    with transaction(demo_factory) as session:
        before = (session.scalar(select(func.count()).select_from(Script)), session.scalar(select(func.count()).select_from(Recording)))
    for case, path in corpus.items():
        result = _cli(demo_settings, "media", "import", str(path), "--kind", "song", ok=False)
        refusal = [line for line in result.output.splitlines() if line.startswith("Không nhập được")]
        assert len(refusal) == 1 and path.name in refusal[0] and ": hãy " in refusal[0], (case, result.output)
    with transaction(demo_factory) as session:
        after = (session.scalar(select(func.count()).select_from(Script)), session.scalar(select(func.count()).select_from(Recording)))
    assert after == before
    assert not any(p.is_file() for folder in media_dirs(demo_settings) for p in folder.rglob("*"))


def test_a_media_item_comes_back_from_a_backup_with_its_original(demo_settings, demo_factory, spoken_wav, tmp_path):
    from datetime import datetime, timezone

    from broadcast.db import make_engine, make_session_factory, upgrade
    from broadcast.ops.backup import backup, restore
    from tests.conftest import make_settings

    song = _song_mp3(spoken_wav, tmp_path)
    with transaction(demo_factory) as session:
        add_media(session, get_station(session, demo_settings.station), song, SONG_TITLE, "song", by=None, settings=demo_settings)
    engine = make_engine(demo_settings.db_url)
    backup(demo_settings, engine, tmp_path / "b.tar.gz", datetime.now(timezone.utc))
    engine.dispose()
    fresh = make_settings(tmp_path / "restored")
    fresh_engine = make_engine(fresh.db_url)
    upgrade(fresh_engine)
    restore(fresh, fresh_engine, tmp_path / "b.tar.gz")
    with transaction(make_session_factory(fresh_engine)) as session:
        item = session.scalar(select(Script).where(Script.title == SONG_TITLE))
        sound = media_sound(session, item)
        for path in (sound.path, sound.original_path):
            assert path.startswith(str(fresh.data_dir)) and Path(path).is_file()
        assert Path(sound.original_path).read_bytes() == song.read_bytes()
    fresh_engine.dispose()
