"""audio.loudness: EBU R128 finishing of real espeak-ng speech and test tones."""
from __future__ import annotations

from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import AudioError, BadAudio
from audio.format import is_canonical_wav, wav_duration
from audio.loudness import LoudnessTarget, finish, measure, normalize
from tests.audio.conftest import TOOLS, leftovers, silence, tone


def test_finish_espeak_speech_hits_target(espeak_raw: Path, tmp_path: Path) -> None:
    raw = measure(espeak_raw, tools=TOOLS)
    assert raw.tp > -1.5  # espeak peaks near 0 dBFS: linear gain alone cannot reach -16 LUFS
    out = tmp_path / "speech.wav"
    m = finish(espeak_raw, out, tools=TOOLS)
    again = measure(out, tools=TOOLS)
    assert is_canonical_wav(out)
    assert abs(again.i - (-16.0)) <= 1.0 and again.tp <= -1.5
    assert m.method == "limited"
    assert m.lufs == pytest.approx(again.i, abs=0.1) and m.true_peak == pytest.approx(again.tp, abs=0.1)
    assert m.duration_s == pytest.approx(wav_duration(out), abs=0.001)


def test_finish_custom_target_and_linear_path(tmp_path: Path) -> None:
    # A quiet steady tone has low crest factor: loudnorm's linear (gain-only) mode is possible.
    src = tone(tmp_path / "quiet.wav", 4.0, level_db=-35)
    out = tmp_path / "out.wav"
    m = finish(src, out, LoudnessTarget(i=-20.0, tp=-3.0), tools=TOOLS)
    assert abs(m.lufs - (-20.0)) <= 0.5 and m.true_peak <= -3.0
    assert m.method == "linear"


def test_finish_trims_edge_silence(tmp_path: Path) -> None:
    src = tone(tmp_path / "padded.wav", 2.0, lead_s=1.0, tail_s=1.5, rate=22050)
    m = finish(src, tmp_path / "out.wav", tools=TOOLS)
    # 2 s of sound plus the 30 ms / 100 ms margins kept around it.
    assert m.duration_s == pytest.approx(2.13, abs=0.03)


def test_short_clip_is_normalised(tmp_path: Path) -> None:
    m = finish(tone(tmp_path / "blip.wav", 0.3), tmp_path / "out.wav", tools=TOOLS)
    assert abs(m.lufs - (-16.0)) <= 1.0 and m.true_peak <= -1.5


def test_normalize_keeps_length(tmp_path: Path) -> None:
    src = tone(tmp_path / "padded.wav", 1.0, lead_s=0.5, tail_s=0.5)
    m = normalize(src, tmp_path / "out.wav", tools=TOOLS)
    assert m.duration_s == pytest.approx(2.0, abs=0.001)


def test_silence_only_is_bad_audio(tmp_path: Path) -> None:
    with pytest.raises(BadAudio, match="im lặng"):
        finish(silence(tmp_path / "s.wav", 3.0), tmp_path / "out.wav", tools=TOOLS)


def test_failed_finish_keeps_previous_file_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "asset.wav"
    finish(tone(tmp_path / "good.wav", 1.0), out, tools=TOOLS)
    before = out.read_bytes()
    with pytest.raises(BadAudio):
        finish(silence(tmp_path / "s.wav", 2.0), out, tools=TOOLS)
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_target_out_of_range_is_refused() -> None:
    with pytest.raises(AudioError, match="không hợp lệ"):
        LoudnessTarget(i=-16.0, tp=3.0)


def test_measure_reports_threshold(tmp_path: Path) -> None:
    m = measure(tone(tmp_path / "t.wav", 2.0, level_db=-20), tools=TOOLS)
    assert m.i == pytest.approx(-23.0, abs=1.0)  # a -20 dBFS sine at 440 Hz reads about -23 LUFS
    assert m.thresh == pytest.approx(m.i - 10, abs=0.5)
    assert ffmpeg.probe(tmp_path / "t.wav", tools=TOOLS).duration_s == pytest.approx(2.0, abs=0.01)
