"""audio.media: every accepted format made from a spoken sentence, and the bad files people send."""
from __future__ import annotations

from pathlib import Path

import pytest

from audio import ffmpeg
from audio.errors import AudioError, BadAudio, TooLarge, TooLong
from audio.format import is_canonical_wav
from audio.loudness import LoudnessTarget, measure
from audio.media import check_length, check_name, check_size, prepare_media
from tests.audio.conftest import TOOLS
from tests.reliability.hostile import MEDIA_LIMIT_MIN, hostile_audio

TARGET = LoudnessTarget()
LIMIT_S = MEDIA_LIMIT_MIN * 60.0
FORMATS = {
    "bai-hat.mp3": ("-c:a", "libmp3lame", "-ar", "44100", "-ac", "2", "-b:a", "128k"),
    "phong-su.m4a": ("-c:a", "aac", "-b:a", "96k"),
    "tiep-song.aac": ("-c:a", "aac", "-b:a", "64k", "-f", "adts"),
    "bai-hat.ogg": ("-c:a", "libvorbis"),
    "ghi-am.opus": ("-c:a", "libopus", "-b:a", "48k"),
    "goc.wav": ("-c:a", "pcm_s24le", "-ar", "96000", "-ac", "2"),
    "goc.flac": ("-c:a", "flac", "-ar", "44100"),
}


def _prepare(src: Path, tmp_path: Path, name: str | None = None):  # type: ignore[no-untyped-def]
    return prepare_media(src, name or src.name, tmp_path / "media", tmp_path / "originals", TARGET, 50 << 20, LIMIT_S, tools=TOOLS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_is_kept_and_finished_to_the_station_format(name: str, espeak_raw: Path, tmp_path: Path) -> None:
    src = tmp_path / "in" / name
    src.parent.mkdir()
    ffmpeg.run(["-i", str(espeak_raw), *FORMATS[name], "-y", str(src)], tools=TOOLS)
    prepared = _prepare(src, tmp_path, "Bài hát chiến dịch" + Path(name).suffix)
    wav = prepared.result.path
    assert is_canonical_wav(wav) and not prepared.result.cached
    loud = measure(wav, tools=TOOLS)  # measured again, independently of what prepare_media reported
    assert abs(loud.i - TARGET.i) <= 1.0 and loud.tp <= TARGET.tp  # EBU R128's ±1 LU (peaky speech lands at -16.5 here)
    assert prepared.original.read_bytes() == src.read_bytes() and prepared.original.suffix == Path(name).suffix
    assert abs(prepared.result.duration_s - ffmpeg.probe(espeak_raw, tools=TOOLS).duration_s) < 0.6
    assert _prepare(src, tmp_path).result.cached  # the same bytes are prepared once


EXPECTED = {
    "text_as_mp3": (BadAudio, "không phải là âm thanh"),
    "pdf_as_m4a": (BadAudio, "không phải là âm thanh"),
    "zip_bomb_as_mp3": (BadAudio, "không phải là âm thanh"),
    "zero_length": (BadAudio, "rỗng"),
    "random_bytes_ogg": (BadAudio, "không phải là âm thanh"),
    "silent_mp3": (BadAudio, "im lặng"),
    "truncated_mp3": (BadAudio, "cắt cụt"),
    "truncated_flac": (BadAudio, "cắt cụt"),
    "too_long_opus": (TooLong, "quá giới hạn 1 phút"),
    "audio_named_exe": (BadAudio, "không phải tệp âm thanh được nhận"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, espeak_raw: Path) -> dict[str, Path]:
    return hostile_audio(tmp_path_factory.mktemp("hostile"), espeak_raw, TOOLS)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_files_are_refused_in_one_sentence_with_nothing_written(case: str, corpus: dict[str, Path], tmp_path: Path) -> None:
    error, words = EXPECTED[case]
    with pytest.raises(error) as caught:
        _prepare(corpus[case], tmp_path)
    message = str(caught.value)
    assert words in message and corpus[case].name in message and ": hãy " in message and "\n" not in message
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_corpus_covers_every_case(corpus: dict[str, Path]) -> None:
    assert set(corpus) == set(EXPECTED)


@pytest.mark.parametrize(("declared", "decoded", "limit", "error"), [
    (180.0, None, 3600.0, None),  # header only, within the limit
    (180.0, 179.7, 3600.0, None),  # encoder padding: a few frames short is fine
    (180.0, 176.5, 3600.0, None),  # within 2 % of the header
    (180.0, 90.0, 3600.0, BadAudio),  # half of it lost
    (3.7, 3.1, 3600.0, BadAudio),  # short files: more than half a second lost
    (3.7, 3.3, 3600.0, None),
    (3601.0, None, 3600.0, TooLong),  # the header claims too much: refused before decoding
    (60.0, 3601.0, 3600.0, TooLong),  # the header lies short, decoding finds the length
    (60.0, 0.0, 3600.0, BadAudio),  # nothing decodes
])
def test_length_rule(declared: float, decoded: float | None, limit: float, error: type[AudioError] | None) -> None:
    if error is None:
        check_length("a.mp3", declared, decoded, limit)
    else:
        with pytest.raises(error):
            check_length("a.mp3", declared, decoded, limit)


@pytest.mark.parametrize(("name", "size", "error"), [
    ("a.MP3", 10, None), ("a.flac", 10, None), ("a.opus", 10, None), ("a.m4a", 10, None), ("a.aac", 10, None),
    ("a.wav", 0, BadAudio), ("a.wav", (50 << 20) + 1, TooLarge), ("a.mp3.zip", 10, BadAudio), ("bai-hat", 10, BadAudio),
])
def test_name_and_size_rules(name: str, size: int, error: type[AudioError] | None) -> None:
    def check() -> None:
        check_name(name)
        check_size(name, size, 50 << 20)

    if error is None:
        check()
    else:
        with pytest.raises(error):
            check()
