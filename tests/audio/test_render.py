"""audio.render: voice chains, fallback reasons, cache, segments, limits, atomic output."""
from __future__ import annotations

import json
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audio import ffmpeg
from audio.errors import AllEnginesFailed, AudioError, EmptyText, SynthesisFailed, TooLong
from audio.format import is_canonical_wav
from audio.loudness import LoudnessTarget
from audio.render import cache_key, cache_paths, render_speech, render_to_file, segments_of
from audio.tts import gtts_engine
from audio.tts.base import VoiceSpec
from audio.tts.espeak import EspeakEngine
from audio.tts.registry import engine_names, get_engine, register_engine, unregister_engine
from audio.tools import Tools
from tests.audio.conftest import GREETING, TOOLS, leftovers

ESPEAK = VoiceSpec("espeak")


class CountingEspeak(EspeakEngine):
    """The real espeak engine, counting how often it is asked to speak."""

    name = "counting"

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def synthesize(self, text: str, voice: str, options: Mapping[str, object], out_path: Path, *, tools: Tools) -> None:
        self.calls += 1
        super().synthesize(text, voice, options, out_path, tools=tools)


class Broken(EspeakEngine):
    """An engine whose synthesis always fails."""

    name = "broken"

    def synthesize(self, text: str, voice: str, options: Mapping[str, object], out_path: Path, *, tools: Tools) -> None:
        out_path.write_bytes(b"half")  # junk left behind must not leak anywhere
        raise SynthesisFailed("Bộ đọc thử nghiệm hỏng: hãy dùng bộ đọc khác.")


@pytest.fixture()
def counting() -> Iterator[CountingEspeak]:
    engine = CountingEspeak()
    register_engine(engine, replace=True)
    yield engine
    unregister_engine(engine.name)


@pytest.fixture()
def broken() -> Iterator[Broken]:
    engine = Broken()
    register_engine(engine, replace=True)
    yield engine
    unregister_engine(engine.name)


@pytest.fixture()
def google_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    class Offline:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise gtts_engine.gTTSError("Failed to connect. Probable cause: Unknown")

    monkeypatch.setattr(gtts_engine, "gTTS", Offline)


def test_registry_knows_builtins_and_names_them_on_error() -> None:
    assert {"espeak", "gtts", "piper"} <= set(engine_names())
    with pytest.raises(AudioError, match="espeak.*gtts.*piper"):
        get_engine("festival")


def test_render_espeak_is_canonical_and_on_target(cache_dir: Path) -> None:
    r = render_speech(GREETING, [ESPEAK], cache_dir, tools=TOOLS)
    assert r.engine == "espeak" and r.voice == "vi" and not r.cached and r.fallback_reasons == []
    assert is_canonical_wav(r.path) and r.path == cache_paths(cache_dir, r.cache_key)[0]
    assert r.duration_s > 0.5 and abs(r.lufs + 16) <= 1.0 and r.true_peak <= -1.5
    meta = json.loads(cache_paths(cache_dir, r.cache_key)[1].read_text(encoding="utf-8"))
    assert meta["engine"] == "espeak" and meta["duration_s"] == r.duration_s


def test_fallback_chain_records_reasons(cache_dir: Path, google_offline: None) -> None:
    r = render_speech(GREETING, [VoiceSpec("gtts"), VoiceSpec("nosuch"), ESPEAK], cache_dir, tools=TOOLS)
    assert r.engine == "espeak"
    assert len(r.fallback_reasons) == 2
    assert r.fallback_reasons[0].startswith("gtts: ") and "Google" in r.fallback_reasons[0]
    assert r.fallback_reasons[1].startswith("nosuch: ")


def test_first_engine_that_works_speaks(cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        espeak_raw: Path) -> None:
    mp3 = tmp_path / "google.mp3"
    ffmpeg.run(["-i", str(espeak_raw), "-c:a", "libmp3lame", "-f", "mp3", str(mp3)], tools=TOOLS)

    class FakeGoogle:  # stands in for Google's service only: it returns a real MP3
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def save(self, path: str) -> None:
            shutil.copyfile(mp3, path)

    monkeypatch.setattr(gtts_engine, "gTTS", FakeGoogle)
    r = render_speech(GREETING, [VoiceSpec("gtts"), ESPEAK], cache_dir, tools=TOOLS)
    assert r.engine == "gtts" and r.fallback_reasons == [] and is_canonical_wav(r.path)


def test_cache_hit_skips_synthesis_and_new_text_gets_new_key(cache_dir: Path, counting: CountingEspeak) -> None:
    chain = [VoiceSpec("counting")]
    first = render_speech(GREETING, chain, cache_dir, tools=TOOLS)
    second = render_speech(GREETING, chain, cache_dir, tools=TOOLS)
    assert counting.calls == 1
    assert second.cached and second.cache_key == first.cache_key and second.path == first.path
    assert (second.duration_s, second.lufs, second.true_peak) == (first.duration_s, first.lufs, first.true_peak)
    other = render_speech(GREETING + " thân mến", chain, cache_dir, tools=TOOLS)
    assert counting.calls == 2 and not other.cached and other.cache_key != first.cache_key
    # Options and targets are part of the key too.
    assert render_speech(GREETING, [VoiceSpec.of("counting", speed=130)], cache_dir, tools=TOOLS).cache_key != first.cache_key
    assert render_speech(GREETING, chain, cache_dir, LoudnessTarget(i=-18), tools=TOOLS).cache_key != first.cache_key


def test_cached_fallback_is_reused_only_after_earlier_engines_fail(
    cache_dir: Path, counting: CountingEspeak, google_offline: None
) -> None:
    chain = [VoiceSpec("gtts"), VoiceSpec("counting")]
    render_speech(GREETING, chain, cache_dir, tools=TOOLS)
    again = render_speech(GREETING, chain, cache_dir, tools=TOOLS)
    assert again.cached and again.engine == "counting" and counting.calls == 1
    assert again.fallback_reasons and again.fallback_reasons[0].startswith("gtts: ")


def test_segments_get_their_pauses(cache_dir: Path) -> None:
    a = render_speech("Kính thưa bà con.", [ESPEAK], cache_dir, tools=TOOLS)
    b = render_speech("Hôm nay xã tổ chức tiêm phòng.", [ESPEAK], cache_dir, tools=TOOLS)
    both = render_speech([("Kính thưa bà con.", 1200), ("Hôm nay xã tổ chức tiêm phòng.", 700)], [ESPEAK], cache_dir, tools=TOOLS)
    # Pause inserted between segments; the last pause is dropped (finishing trims it anyway).
    assert both.duration_s == pytest.approx(a.duration_s + b.duration_s + 1.2, abs=0.35)


@pytest.mark.parametrize("text", ["", "   \n\t", [("  ", 300), ("", 0)]])
def test_empty_text(text: object, cache_dir: Path) -> None:
    with pytest.raises(EmptyText, match="trống"):
        render_speech(text, [ESPEAK], cache_dir, tools=TOOLS)  # type: ignore[arg-type]


def test_too_long_is_raised_on_render_and_on_cache_hit(cache_dir: Path) -> None:
    with pytest.raises(TooLong, match="quá giới hạn"):
        render_speech(GREETING, [ESPEAK], cache_dir, max_seconds=0.3, tools=TOOLS)
    # The render itself is good audio and stays cached (the limit is the caller's policy).
    assert render_speech(GREETING, [ESPEAK], cache_dir, tools=TOOLS).cached
    with pytest.raises(TooLong):
        render_speech(GREETING, [ESPEAK], cache_dir, max_seconds=0.3, tools=TOOLS)


def test_all_engines_failing(cache_dir: Path, broken: Broken, google_offline: None) -> None:
    with pytest.raises(AllEnginesFailed) as info:
        render_speech(GREETING, [VoiceSpec("gtts"), VoiceSpec("broken")], cache_dir, tools=TOOLS)
    assert [r.split(":")[0] for r in info.value.reasons] == ["gtts", "broken"]
    assert leftovers(cache_dir) == [] and list(cache_dir.rglob("*.wav")) == []


def test_failed_render_keeps_previous_output(cache_dir: Path, tmp_path: Path, broken: Broken) -> None:
    out = tmp_path / "bulletin.wav"
    render_to_file(GREETING, [ESPEAK], out, cache_dir, tools=TOOLS)
    before = out.read_bytes()
    with pytest.raises(AllEnginesFailed):
        render_to_file("Một bản tin khác", [VoiceSpec("broken")], out, cache_dir, tools=TOOLS)
    assert out.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_render_to_file_wav_and_mp3(cache_dir: Path, tmp_path: Path) -> None:
    wav = render_to_file(GREETING, [ESPEAK], tmp_path / "out.wav", cache_dir, tools=TOOLS)
    assert wav.path == tmp_path / "out.wav" and is_canonical_wav(wav.path)
    mp3 = render_to_file(GREETING, [ESPEAK], tmp_path / "out.mp3", cache_dir, tools=TOOLS)
    assert mp3.cached and ffmpeg.probe(mp3.path, tools=TOOLS).codec == "mp3"
    with pytest.raises(AudioError, match=r"\.wav hoặc \.mp3"):
        render_to_file(GREETING, [ESPEAK], tmp_path / "out.flac", cache_dir, tools=TOOLS)


_segments = st.lists(st.tuples(st.text(min_size=1, max_size=30).filter(str.strip), st.integers(0, 5000)),
                     min_size=1, max_size=5)


@given(_segments, _segments)
def test_cache_key_names_exactly_one_sound(a: list[tuple[str, int]], b: list[tuple[str, int]]) -> None:
    target = LoudnessTarget()
    key_a = cache_key(segments_of(a), "espeak", "vi", (), target)
    assert key_a == cache_key(segments_of(list(a)), "espeak", "vi", (), target)
    assert (key_a == cache_key(segments_of(b), "espeak", "vi", (), target)) == (segments_of(a) == segments_of(b))
    assert key_a != cache_key(segments_of(a), "espeak", "vi-vn-x-south", (), target)
