"""Voice choices (region, sex, pace) with the real espeak-ng: each changes the sound as claimed, loudness stays on target."""
from __future__ import annotations

from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import BadVoiceOption
from audio.loudness import LoudnessTarget
from audio.render import render_speech
from audio.tts.base import VoiceSpec, without_phonemes
from audio.tts.espeak import EspeakEngine
from audio.tts.espeak_styles import VoiceStyle, describe, espeak_voice, parse_style, style_from_dict
from scripts_vi.normalize import normalize
from tests.audio.conftest import TOOLS

SENTENCE = "Ra vườn rau, về nhà giữa trưa."


@pytest.mark.parametrize("region, gender, pace, voice, variant, speed", [
    ("north", "female", "normal", "vi", "f3", 145),
    ("central", "male", "slow", "vi-vn-x-central", "", 125),
    ("south", "female", "slow", "vi-vn-x-south", "f3", 125),
    ("south", "male", "normal", "vi-vn-x-south", "", 145),
])
def test_style_table(region, gender, pace, voice, variant, speed):
    assert espeak_voice(parse_style(region, gender, pace)) == (voice, {"variant": variant, "speed": speed})


@pytest.mark.parametrize("region, gender, pace, named", [
    ("west", "female", "normal", "Vùng giọng 'west'"),
    ("north", "child", "normal", "Giọng nam hay nữ 'child'"),
    ("north", "male", "fast", "Tốc độ đọc 'fast'"),
    (None, "male", "slow", "Vùng giọng ''"),
])
def test_bad_choice_is_one_sentence_naming_field_and_choices(region, gender, pace, named):
    with pytest.raises(BadVoiceOption) as bad:
        parse_style(region, gender, pace)
    message = str(bad.value)
    assert message.startswith(named) and message.count(".") == 1 and "hãy chọn" in message


def test_stored_style_round_trip_and_labels():
    style = VoiceStyle("central", "male", "slow")
    assert style_from_dict(style.as_dict()) == style
    assert style_from_dict({"region": "mars"}) is None and style_from_dict(None) is None
    assert style.label() == "Trung, giọng nam, chậm"
    assert describe("vi-vn-x-south", {"variant": "f3", "speed": 125}) == "vi-vn-x-south+f3, 125 từ/phút"


def test_slow_pace_reads_longer(tmp_path: Path):
    engine = EspeakEngine()
    durations = {}
    for pace in ("normal", "slow"):
        voice, options = espeak_voice(VoiceStyle("north", "female", pace))
        out = tmp_path / f"{pace}.wav"
        engine.synthesize(SENTENCE, voice, options, out, tools=TOOLS)
        durations[pace] = ffmpeg.probe(out, tools=TOOLS).duration_s
    # 145 / 125 words per minute: the slow reading is about 16 % longer.
    assert durations["slow"] > durations["normal"] * 1.08


def test_region_changes_the_espeak_voice_and_its_phonemes():
    engine = EspeakEngine()
    heard = {}
    for region in ("north", "central", "south"):
        voice, options = espeak_voice(VoiceStyle(region, "male", "normal"))
        heard[region] = engine.phonemes(SENTENCE, voice, options, tools=TOOLS)
    assert len(set(heard.values())) == 3
    # The Northern voice says "r" of "rau" as z; the Southern one does not.
    assert "z'a7w" in heard["north"] and "z'a7w" not in heard["south"]


def test_lexicon_phoneme_override_changes_what_espeak_says():
    engine = EspeakEngine()
    plain = normalize("Chào chị Hân").spoken
    override = normalize("Chào chị Hân", {"hân": "[[h'a2:n]]"}).spoken
    assert override == "Chào chị [[h'a2:n]]"
    before = engine.phonemes(plain, "vi", {}, tools=TOOLS)
    after = engine.phonemes(override, "vi", {}, tools=TOOLS)
    assert before != after and "h'a:2n" in after and "h'@7n" in before
    assert without_phonemes(override) == "Chào chị"


@pytest.mark.parametrize("region", ["north", "central", "south"])
def test_every_choice_stays_on_the_loudness_target(tmp_path: Path, region: str):
    target = LoudnessTarget()
    for gender in ("male", "female"):
        for pace in ("normal", "slow"):
            voice, options = espeak_voice(VoiceStyle(region, gender, pace))
            result = render_speech([(SENTENCE, 250), ("Kính thưa bà con.", 0)], [VoiceSpec.of("espeak", voice, **options)],
                                   tmp_path, target, tools=TOOLS)
            assert abs(result.lufs - target.i) <= 1.0, (gender, pace, result.lufs)
            assert result.true_peak <= -1.5, (gender, pace, result.true_peak)
