"""audio.assemble and audio.jingles: gapless sample-for-sample joins, silence, chimes, music bed."""
from __future__ import annotations

import array
from pathlib import Path

import pytest

from audio import assemble as assembly
from audio.assemble import assemble, cut_faded, make_silence
from audio.errors import AudioError, BadAudio
from audio.format import is_canonical_wav, wav_duration
from audio.jingles import generate_chime, generate_filler
from audio.loudness import finish, measure
from tests.audio.conftest import TOOLS, leftovers, pcm_frames, tone


@pytest.fixture()
def parts(tmp_path: Path) -> list[Path]:
    a, b, c = tmp_path / "a.wav", tmp_path / "b.wav", tmp_path / "c's part.wav"
    finish(tone(tmp_path / "ra.wav", 1.0, freq=330), a, tools=TOOLS)
    make_silence(0.75, b, tools=TOOLS)
    finish(tone(tmp_path / "rc.wav", 1.5, freq=550), c, tools=TOOLS)
    return [a, b, c]


def test_assemble_is_gapless_sample_for_sample(parts: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out" / "broadcast.wav"
    seconds = assemble(parts, out, tools=TOOLS)
    expected = sum(wav_duration(p) or 0 for p in parts)
    assert seconds == pytest.approx(expected, abs=0.02)
    assert is_canonical_wav(out)
    # Bit-identical samples prove the parts were copied: nothing was decoded and re-encoded.
    assert pcm_frames(out) == b"".join(pcm_frames(p) for p in parts)


def test_a_programme_longer_than_a_wav_holds_is_refused_in_one_sentence(parts: list[Path], tmp_path: Path, monkeypatch) -> None:
    # The real limit is 4 GiB of samples (about 12 hours); lowered here to 2 s of them, so no test writes gigabytes.
    monkeypatch.setattr(assembly, "MAX_WAV_DATA_BYTES", 2 * 48_000 * 2)
    out = tmp_path / "broadcast.wav"
    with pytest.raises(AudioError, match="hãy chia thành nhiều buổi phát ngắn hơn") as refused:
        assemble(parts, out, tools=TOOLS)  # 3.25 s
    assert "\n" not in str(refused.value) and not out.exists() and leftovers(tmp_path) == []
    assert assemble(parts[:2], out, tools=TOOLS) == 1.75  # under the limit: written


def test_assemble_names_the_odd_part(parts: list[Path], tmp_path: Path) -> None:
    odd = tone(tmp_path / "cd-quality.wav", 1.0, rate=44100)
    out = tmp_path / "broadcast.wav"
    out.write_bytes(b"previous")
    with pytest.raises(BadAudio, match="cd-quality.wav.*44100 Hz"):
        assemble([*parts, odd], out, tools=TOOLS)
    assert out.read_bytes() == b"previous" and leftovers(tmp_path) == []
    with pytest.raises(AudioError):
        assemble([], out, tools=TOOLS)


def test_make_silence_is_exact(tmp_path: Path) -> None:
    assert make_silence(2.5, tmp_path / "s.wav", tools=TOOLS) == 2.5
    assert wav_duration(tmp_path / "s.wav") == 2.5 and is_canonical_wav(tmp_path / "s.wav")


@pytest.mark.parametrize("kind", ["open", "close", "separator"])
def test_chimes(kind: str, tmp_path: Path) -> None:
    out = tmp_path / f"{kind}.wav"
    m = generate_chime(out, kind, tools=TOOLS)
    assert 3.0 <= m.duration_s <= 8.0 and is_canonical_wav(out)
    assert abs(m.lufs + 16) <= 1.0 and m.true_peak <= -1.5


def test_chime_kind_is_checked(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="open, close hoặc separator"):
        generate_chime(tmp_path / "x.wav", "fanfare", tools=TOOLS)


def test_filler_has_exact_length_and_sits_under_speech(tmp_path: Path) -> None:
    out = tmp_path / "bed.wav"
    m = generate_filler(out, 20.0, tools=TOOLS)
    assert m.duration_s == wav_duration(out) == 20.0 and is_canonical_wav(out)
    assert measure(out, tools=TOOLS).i == pytest.approx(-22.0, abs=1.0)


def test_cut_faded_keeps_the_start_and_fades_the_end(tmp_path: Path) -> None:
    src = tone(tmp_path / "bed.wav", 10.0, freq=200, level_db=-10)
    out = tmp_path / "cuts" / "bed-7.5.wav"
    assert cut_faded(src, 7.5, out, fade_s=2.0, tools=TOOLS) == 7.5
    assert is_canonical_wav(out) and leftovers(out.parent) == []
    cut, whole = pcm_frames(out), pcm_frames(src)
    assert len(cut) == 2 * 360_000  # 7.5 s at 48 kHz, 16 bit: exact to the sample
    fade_from = 2 * (360_000 - 96_000)  # the last 2 s fade; everything before is the source, sample for sample
    assert cut[:fade_from] == whole[:fade_from]
    samples = array.array("h", cut)
    loud = max(abs(x) for x in samples[:48_000])
    assert max(abs(x) for x in samples[-480:]) < 0.02 * loud  # the last 10 ms are all but silent
    middle = 360_000 - 48_000  # halfway down the fade: about half as loud
    assert 0.35 * loud < max(abs(x) for x in samples[middle - 240:middle + 240]) < 0.65 * loud
    with pytest.raises(AudioError, match="ngắn hơn tệp"):
        cut_faded(src, 11.0, tmp_path / "too-long.wav", tools=TOOLS)
    assert not (tmp_path / "too-long.wav").exists()
