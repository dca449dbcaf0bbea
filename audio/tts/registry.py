"""Registry of speech engines by name; built-ins register through the same function as add-ons."""
from __future__ import annotations

import threading

from audio.errors import AudioError
from audio.tts.base import TtsEngine

_engines: dict[str, TtsEngine] = {}
_lock = threading.Lock()


def register_engine(engine: TtsEngine, *, replace: bool = False) -> None:
    """Make engine available under engine.name; replace=True swaps an existing one."""
    if not engine.name:
        raise ValueError("engine.name must not be empty")
    with _lock:
        if engine.name in _engines and not replace:
            raise ValueError(f"engine {engine.name!r} is already registered")
        _engines[engine.name] = engine


def unregister_engine(name: str) -> None:
    """Remove an engine (add-ons and tests)."""
    with _lock:
        _engines.pop(name, None)


def get_engine(name: str) -> TtsEngine:
    """The engine registered under name; unknown names raise AudioError listing known ones."""
    with _lock:
        engine = _engines.get(name)
        known = ", ".join(sorted(_engines)) or "(chưa có)"
    if engine is None:
        raise AudioError(f"Không có bộ đọc '{name}': hãy chọn một trong các bộ đọc {known}.")
    return engine


def engine_names() -> list[str]:
    """Names of all registered engines, sorted."""
    with _lock:
        return sorted(_engines)


def _register_builtins() -> None:
    """Register espeak-ng, gTTS and Piper; their imports are cheap (Piper loads lazily)."""
    from audio.tts.espeak import EspeakEngine
    from audio.tts.gtts_engine import GttsEngine
    from audio.tts.piper_engine import PiperEngine

    for engine in (EspeakEngine(), GttsEngine(), PiperEngine()):
        register_engine(engine, replace=True)


_register_builtins()
