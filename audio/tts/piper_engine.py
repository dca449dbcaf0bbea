"""Piper neural speech: the voice is an .onnx file (with its .onnx.json beside) the operator copies in."""
from __future__ import annotations

import threading
import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from audio.errors import BadVoiceOption, EngineUnavailable, SynthesisFailed, VoiceNotFound
from audio.tools import Tools
from audio.tts.base import TtsEngine

_OPTIONS = {"speaker_id": int, "length_scale": float, "noise_scale": float, "noise_w_scale": float, "volume": float}


def _load_errors() -> tuple[type[BaseException], ...]:
    """Exceptions PiperVoice.load raises for a broken voice (onnxruntime's are plain Exceptions)."""
    from onnxruntime.capi import onnxruntime_pybind11_state as ort

    names = ("Fail", "InvalidProtobuf", "InvalidGraph", "NoSuchFile", "InvalidArgument", "RuntimeException",
             "NotImplemented")
    ort_errors = tuple(getattr(ort, n) for n in names if hasattr(ort, n))
    return (OSError, ValueError, KeyError, TypeError, RuntimeError, *ort_errors)


class PiperEngine(TtsEngine):
    """Offline neural speech with piper-tts; loaded voices are kept in memory."""

    name = "piper"
    default_voice = ""

    def __init__(self) -> None:
        """No voice loaded yet."""
        self._cache: dict[tuple[str, float, float], Any] = {}
        # Loading is slow and piper's espeak phonemizer is a C library with global state: serialise.
        self._lock = threading.Lock()

    def check(self, *, tools: Tools) -> None:
        """piper-tts must be importable."""
        try:
            import piper  # noqa: F401
        except ImportError as exc:
            raise EngineUnavailable("Chưa cài piper-tts: hãy chạy `pip install piper-tts`.") from exc

    def voices(self, *, tools: Tools) -> list[str]:
        """Paths of .onnx voice files found in the voice folders of tools (a voice may also be any path)."""
        return sorted(str(p) for d in tools.piper_voice_dirs if d.is_dir() for p in d.glob("*.onnx"))

    def _voice(self, voice: str, tools: Tools) -> Any:
        """The loaded PiperVoice for a voice file, from cache when the files did not change."""
        if not voice:
            raise VoiceNotFound("Chưa chọn tệp giọng Piper: hãy ghi đường dẫn tệp .onnx vào cấu hình giọng.")
        model = Path(voice).expanduser()
        config = Path(f"{model}.json")
        if not model.is_file():
            raise VoiceNotFound(f"Không tìm thấy tệp giọng Piper '{model}': hãy chép tệp .onnx vào đúng chỗ.")
        if not config.is_file():
            raise VoiceNotFound(
                f"Thiếu tệp cấu hình '{config.name}' bên cạnh giọng Piper: hãy chép cả tệp .onnx.json đi kèm."
            )
        self.check(tools=tools)
        key = (str(model.resolve()), model.stat().st_mtime, config.stat().st_mtime)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        from piper import PiperVoice

        try:
            loaded = PiperVoice.load(model, config_path=config)
        except _load_errors() as exc:
            raise EngineUnavailable(
                f"Tệp giọng Piper '{model.name}' bị hỏng hoặc không đúng định dạng ({type(exc).__name__}): "
                "hãy chép lại tệp .onnx và .onnx.json."
            ) from exc
        self._cache[key] = loaded
        return loaded

    def _syn_config(self, options: Mapping[str, object]) -> Any:
        """piper SynthesisConfig from validated options."""
        from piper import SynthesisConfig

        unknown = set(options) - set(_OPTIONS)
        if unknown:
            raise BadVoiceOption(
                f"Piper không có tùy chọn {', '.join(sorted(unknown))}: hãy chỉ dùng {', '.join(_OPTIONS)}."
            )
        values: dict[str, object] = {}
        for key, value in options.items():
            try:
                values[key] = _OPTIONS[key](value)  # type: ignore[arg-type]
            except (TypeError, ValueError) as exc:
                raise BadVoiceOption(f"Tùy chọn Piper {key}={value!r} không phải là số: hãy sửa cấu hình giọng.") from exc
        return SynthesisConfig(**values)  # type: ignore[arg-type]

    def synthesize(self, text: str, voice: str, options: Mapping[str, object], out_path: Path, *, tools: Tools) -> None:
        """Write a WAV of text spoken by the Piper voice file."""
        syn_config = self._syn_config(options)
        with self._lock:
            loaded = self._voice(self.resolve_voice(voice), tools)
            try:
                with wave.open(str(out_path), "wb") as wav:
                    loaded.synthesize_wav(text, wav, syn_config=syn_config)
            except (wave.Error, ValueError, KeyError, IndexError, RuntimeError) as exc:
                raise SynthesisFailed(
                    f"Piper không đọc được văn bản ({type(exc).__name__}): hãy thử giọng khác hoặc sửa văn bản."
                ) from exc
