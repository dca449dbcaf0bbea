"""Phrasing for espeak-ng: the markup rule's table, and with the real espeak-ng and ffmpeg, what it does to the sound."""
from __future__ import annotations

from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import BadVoiceOption
from audio.loudness import LoudnessTarget
from audio.render import render_speech
from audio.tts.base import VoiceSpec
from audio.tts.espeak import EspeakEngine
from audio.tts.phrasing import Phrasing, name_runs, number_runs, to_ssml
from tests.audio.conftest import TOOLS

ON = Phrasing(number_break_ms=200, number_rate=80)
B, P, E = '<break time="200ms"/>', '<prosody rate="80%">', "</prosody>"


@pytest.mark.parametrize("text, ssml", [
    # A phone number: a breath before it, read slower.
    ("Gọi số không chín một hai.", f"<speak>Gọi số {B} {P}không chín một hai.{E}</speak>"),
    # A whole date is one phrase, its "ngày" and "tháng" inside; the comma closes it.
    ("Ngày mười lăm tháng mười một, xã họp.", f"<speak>{P}Ngày mười lăm tháng mười một,{E} xã họp.</speak>"),
    # Two figures joined by a word: two runs.
    ("Từ hai mươi đến ba mươi độ.", f"<speak>Từ {B} {P}hai mươi{E} đến {B} {P}ba mươi{E} độ.</speak>"),
    # A lone "một" is an article, a lone "năm" a noun: no run.
    ("Một số hộ năm nay trồng lúa.", "<speak>Một số hộ năm nay trồng lúa.</speak>"),
    # A trailing date word is not part of the figure.
    ("Trong ba mươi ngày tới.", f"<speak>Trong {B} {P}ba mươi{E} ngày tới.</speak>"),
    # A comma ends a run: a list of figures is read as separate items.
    ("Thôn một hai, thôn ba.", f"<speak>Thôn {B} {P}một hai,{E} thôn ba.</speak>"),
    # Characters that mean something in XML are escaped; phoneme spans pass through.
    ("Nước & [[h'a2:n]] <sạch>", "<speak>Nước &amp; [[h'a2:n]] &lt;sạch&gt;</speak>"),
])
def test_markup_table(text, ssml):
    assert to_ssml(text, ON) == ssml


@pytest.mark.parametrize("phrasing, ssml", [
    (Phrasing(number_break_ms=300), '<speak>số <break time="300ms"/> hai mươi</speak>'),
    (Phrasing(number_rate=70), '<speak>số <prosody rate="70%">hai mươi</prosody></speak>'),
    (Phrasing(), "<speak>số hai mươi</speak>"),
])
def test_each_control_alone(phrasing, ssml):
    assert to_ssml("số hai mươi", phrasing) == ssml


@pytest.mark.parametrize("text, runs", [
    # A person's full name inside a sentence (names here are the campaign plan's: none invented).
    ("Mời bà Hoàng Thị Hợp lên phát biểu.", [(2, 5)]),
    # A district and a commune: two names; a one-syllable capital ("Kế hoạch", "Nghị quyết") is a title, not a name.
    ("Theo Kế hoạch của huyện Cẩm Thủy tại xã Cẩm Tân.", [(5, 7), (9, 11)]),
    # The first word of a segment is capitalised by the sentence: never a name's start, even when it is one.
    ("Cẩm Tân có tám thôn.", []),
    # A comma closes a name: a list of names is several names.
    ("Các địa phương Cẩm Tân, Cẩm Thủy tham gia.", [(3, 5), (5, 7)]),
    # Sentence case all through: no name.
    ("Hội nghị bắt đầu lúc tám giờ.", []),
])
def test_name_runs_table(text, runs):
    assert name_runs(text.split()) == runs


def test_name_break_markup():
    named = Phrasing(name_break_ms=150)
    assert to_ssml("Mời bà Hoàng Thị Hợp, xã Cẩm Tân.", named) == (
        '<speak>Mời bà <break time="150ms"/> Hoàng Thị Hợp, xã <break time="150ms"/> Cẩm Tân.</speak>')
    # Off by default: the same text is wrapped unchanged.
    assert to_ssml("Mời bà Hoàng Thị Hợp.", Phrasing(number_rate=90)) == "<speak>Mời bà Hoàng Thị Hợp.</speak>"


def test_no_break_at_the_start_of_a_segment():
    assert number_runs("hai mươi hộ".split()) == [(0, 2)]
    assert to_ssml("hai mươi hộ", ON) == f"<speak>{P}hai mươi{E} hộ</speak>"


def test_inactive_phrasing_is_off():
    assert not Phrasing().active and Phrasing(number_rate=90).active and Phrasing(number_break_ms=1).active
    assert Phrasing(name_break_ms=1).active


def _seconds(tmp_path: Path, name: str, text: str, **options: object) -> float:
    out = tmp_path / f"{name}.wav"
    EspeakEngine().synthesize(text, "vi", options, out, tools=TOOLS)
    return ffmpeg.probe(out, tools=TOOLS).duration_s


def test_break_before_a_number_lengthens_the_render(tmp_path: Path):
    text = "Xin gọi số không chín một hai ba bốn năm sáu bảy tám."
    plain = _seconds(tmp_path, "plain", text)
    broken = _seconds(tmp_path, "break", text, number_break=500)
    # One 500 ms break is inserted; espeak-ng may shorten it a little at a word boundary.
    assert 0.35 <= broken - plain <= 0.65


def test_break_before_a_name_lengthens_the_render(tmp_path: Path):
    text = "Xin mời bà Hoàng Thị Hợp lên phát biểu."
    # Against a 1 ms break, so both are read as SSML: espeak-ng itself pauses a little at any break (about 0.2 s).
    brief = _seconds(tmp_path, "brief", text, name_break=1)
    broken = _seconds(tmp_path, "break", text, name_break=500)
    assert 0.35 <= broken - brief <= 0.65


def test_slowed_number_reads_longer_and_the_rest_does_not(tmp_path: Path):
    with_number = "Xin gọi số không chín một hai ba bốn năm sáu bảy tám."
    plain = _seconds(tmp_path, "plain", with_number)
    slowed = _seconds(tmp_path, "slow", with_number, number_rate=70)
    # Ten of the twelve words are the number: read at 70 % of the speed, the sentence is clearly longer.
    assert slowed > plain * 1.2
    no_number = "Ra vườn rau, về nhà giữa trưa."
    assert _seconds(tmp_path, "n_slow", no_number, number_rate=70) == pytest.approx(
        _seconds(tmp_path, "n_plain", no_number), rel=0.03)


@pytest.mark.parametrize("option, value", [("number_rate", 40), ("number_rate", 101), ("number_break", -1),
                                           ("number_break", "dài"), ("name_break", 1001)])
def test_bad_phrasing_option_refused_in_one_sentence(tmp_path: Path, option, value):
    with pytest.raises(BadVoiceOption) as bad:
        EspeakEngine().synthesize("số hai mươi", "vi", {option: value}, tmp_path / "x.wav", tools=TOOLS)
    assert option in str(bad.value) and str(bad.value).count(".") <= 1
    assert not (tmp_path / "x.wav").exists()


def test_phrased_render_stays_on_the_loudness_target(tmp_path: Path):
    target = LoudnessTarget()
    spec = VoiceSpec.of("espeak", "vi", number_break=200, number_rate=80)
    render = render_speech([("Ngày mười lăm tháng mười một, gọi số không chín một hai.", 600)], [spec], tmp_path,
                           tools=TOOLS)
    assert abs(render.lufs - target.i) <= 1.0
    assert render.true_peak <= target.tp
