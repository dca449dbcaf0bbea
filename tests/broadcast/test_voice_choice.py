"""The station's and a script's voice choice reach the render, its row and the log; bad choices change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from broadcast.content import lexicon
from broadcast.content.rendering import render_script, script_audio, set_script_style, style_preview, voice_chain
from broadcast.errors import InvalidInput
from broadcast.models import Script
from broadcast.stations import settings as station_settings
from broadcast.stations.lookup import get_station


def test_station_style_sets_the_espeak_link_and_survives_a_chain_edit(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        station_settings.set_voice_style(session, station, "south", "male", "slow")
        espeak = [s for s in voice_chain(station, demo_settings) if s.engine == "espeak"]
        assert [(s.voice, s.options_dict()["variant"], s.options_dict()["speed"]) for s in espeak] == [("vi-vn-x-south", "", 125)]
        station_settings.set_voice_chain(session, station, [{"engine": "gtts", "voice": "vi"}, {"engine": "espeak", "voice": "vi"}])
        assert station_settings.station_style(station).as_dict() == {"region": "south", "gender": "male", "pace": "slow"}


def test_bad_station_choice_is_refused_and_nothing_changes(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        before = list(station.voice_chain)
        with pytest.raises(InvalidInput) as bad:
            station_settings.set_voice_style(session, station, "north", "female", "nhanh")
        assert bad.value.field == "voice_style" and "Tốc độ đọc 'nhanh' không hợp lệ" in str(bad.value)
        assert station.voice_chain == before


def test_script_style_overrides_the_station_and_the_log_names_the_settings(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        station_settings.set_voice_chain(session, station, [{"engine": "espeak", "voice": "vi"}])
        script = session.scalars(select(Script).where(Script.station_id == station.id)).first()
        set_script_style(session, script, "central", "female", "slow")
        row, _ = render_script(session, demo_settings, script, station)
        assert row.engine == "espeak" and row.voice == "vi-vn-x-central+f3, 125 từ/phút"
        assert script_audio(session, script).voice == "espeak:vi-vn-x-central+f3, 125 từ/phút"
        with pytest.raises(InvalidInput):
            set_script_style(session, script, "central", "robot", "slow")
        assert script.voice_style == {"region": "central", "gender": "female", "pace": "slow"}
        assert set_script_style(session, script, "", "", "") is None and script.voice_style is None
        station_settings.set_voice_style(session, station, "south", "male", "normal")
        assert set_script_style(session, script, "", "", "slow").as_dict() == {"region": "south", "gender": "male", "pace": "slow"}


def test_preview_reads_a_sample_with_the_choice(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        audio = style_preview(demo_settings, station, "north", "male", "normal")
        assert audio.path.is_file() and audio.duration_s > 3 and audio.voice == "espeak:vi, 145 từ/phút"
        with pytest.raises(InvalidInput, match="Vùng giọng"):
            style_preview(demo_settings, station, "", "male", "normal")


def test_lexicon_accepts_espeak_phonemes_only_whole(demo_factory, demo_settings):
    with demo_factory() as session:
        station = get_station(session, demo_settings.station)
        entry = lexicon.add_entry(session, station, "Hân", "[[h'a2:n]]", "pronunciation")
        assert entry.spoken == "[[h'a2:n]]"
        with pytest.raises(InvalidInput, match=r"nằm trọn trong \[\[ \]\]"):
            lexicon.add_entry(session, station, "Hà", "[[h'a2]] x", "pronunciation")
        with pytest.raises(InvalidInput, match="không có chữ số"):
            lexicon.add_entry(session, station, "Hà", "[[h'a2]]", "abbreviation")
