"""audio.assemble and audio.jingles: gapless stream-copy joins, silence, chimes, music bed."""
from __future__ import annotations

from pathlib import Path

import pytest

from audio.assemble import assemble, make_silence
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


def test_assemble_is_gapless_stream_copy(parts: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out" / "broadcast.wav"
    seconds = assemble(parts, out, tools=TOOLS)
    expected = sum(wav_duration(p) or 0 for p in parts)
    assert seconds == pytest.approx(expected, abs=0.02)
    assert is_canonical_wav(out)
    # Bit-identical samples prove ffmpeg copied the streams: nothing was decoded and re-encoded.
    assert pcm_frames(out) == b"".join(pcm_frames(p) for p in parts)


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
