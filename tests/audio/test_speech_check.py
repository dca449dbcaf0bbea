"""The listening check: CER arithmetic, and real transcription with viet-asr when it is installed."""

from pathlib import Path

import pytest

from audio import speech_check
from audio.render import render_speech
from audio.tts.base import VoiceSpec
from tests.audio.conftest import TOOLS


@pytest.mark.parametrize("ref, hyp, expected", [
    ("Kính thưa bà con", "kính thưa bà con", 0.0),
    ("abc", "", 1.0),
    ("ab cd", "ab ce", 0.2),
    ("", "", 0.0),
])
def test_cer(ref, hyp, expected):
    assert speech_check.cer(ref, hyp) == pytest.approx(expected)


def test_misheard_words_names_the_changed_words():
    assert speech_check.misheard_words("ủy ban nhân dân xã", "ủy ba nhân dân xã") == ["ban"]


@pytest.mark.skipif(not speech_check.available(), reason="viet-asr is an optional extra (x86_64, Python 3.11)")
def test_real_transcription_of_an_espeak_render(tmp_path: Path):
    spoken = "Kính thưa bà con nhân dân, hôm nay xã tổ chức họp thôn"
    render = render_speech(spoken, [VoiceSpec("espeak", "vi")], tmp_path, tools=TOOLS)
    result = speech_check.check(render.path, spoken, threshold=0.9, tools=TOOLS)
    assert result.heard  # the recognizer heard words
    assert 0.0 <= result.cer < 0.9  # espeak-ng is robotic but intelligible (measured ~0.45–0.55)
    silence = speech_check.check(render.path, "một câu hoàn toàn khác không liên quan gì đến đoạn âm thanh", threshold=0.5, tools=TOOLS)
    assert silence.flagged


def test_pooled_cer_weighs_sentences_by_length():
    from audio.speech_check import pooled_cer

    # 10 reference characters all wrong + 30 right: 10 edits / 40 characters, not the mean of 1.0 and 0.0.
    pairs = [("abcdefghij", "klmnopqrst"), ("a" * 30, "a" * 30)]
    assert pooled_cer(pairs) == 0.25
    assert pooled_cer([]) == 0.0
