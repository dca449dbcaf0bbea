"""Google Translate speech (gTTS): natural Vietnamese, needs the Internet, always with a timeout."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import requests
from gtts import gTTS
from gtts.tts import gTTSError

from audio.errors import BadVoiceOption, EngineUnavailable
from audio.tools import Tools
from audio.tts.base import TtsEngine

# Seconds per network operation (connect, then each read); without one gTTS hangs forever
# on a stalled network, which would block a whole broadcast.
DEFAULT_TIMEOUT = 10.0
_OPTIONS = {"timeout", "slow", "tld"}


class GttsEngine(TtsEngine):
    """Speech from Google's translate service through the gTTS library."""

    name = "gtts"
    default_voice = "vi"

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """timeout applies to every connect and read unless a voice option overrides it."""
        self.timeout = timeout

    def check(self, *, tools: Tools) -> None:
        """Nothing to check offline: reachability is only known by trying, within the timeout."""

    def voices(self, *, tools: Tools) -> list[str]:
        """Languages gTTS knows (from its bundled table, no network)."""
        from gtts.lang import tts_langs

        return sorted(tts_langs())

    def synthesize(self, text: str, voice: str, options: Mapping[str, object], out_path: Path, *, tools: Tools) -> None:
        """Write an MP3 of text; any network or service failure raises EngineUnavailable."""
        unknown = set(options) - _OPTIONS
        if unknown:
            raise BadVoiceOption(
                f"gTTS không có tùy chọn {', '.join(sorted(unknown))}: hãy chỉ dùng {', '.join(sorted(_OPTIONS))}."
            )
        try:
            timeout = float(options.get("timeout", self.timeout))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise BadVoiceOption("Tùy chọn gTTS timeout phải là số giây, ví dụ 10: hãy sửa cấu hình giọng.") from exc
        lang = self.resolve_voice(voice)
        try:
            tts = gTTS(
                text, lang=lang, tld=str(options.get("tld", "com")), slow=bool(options.get("slow", False)),
                lang_check=False, timeout=timeout,
            )
            tts.save(str(out_path))
        except (gTTSError, requests.RequestException, OSError) as exc:
            reason = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
            raise EngineUnavailable(
                f"Không lấy được giọng đọc từ Google ({reason}): hãy kiểm tra kết nối Internet "
                f"hoặc để máy dùng giọng dự phòng."
            ) from exc
        except ValueError as exc:
            raise BadVoiceOption(f"gTTS không đọc được ngôn ngữ '{lang}': hãy dùng 'vi'.") from exc
