"""The programs audio runs and where Piper voices live: one value built by the caller from its settings."""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from audio.errors import ToolMissing

# Tool (a field of Tools) -> the Debian package that installs it.
_PACKAGES = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "espeak": "espeak-ng"}


@dataclass(frozen=True)
class Tools:
    """Executables (names looked up on PATH, or paths) and Piper voice folders; audio reads no environment."""

    ffmpeg: str = "ffmpeg"
    ffprobe: str = "ffprobe"
    espeak: str = "espeak-ng"
    piper_voice_dirs: tuple[Path, ...] = ()

    def path(self, tool: str) -> str:
        """Full path of the ffmpeg, ffprobe or espeak program; ToolMissing says how to fix it."""
        chosen = getattr(self, tool)
        found = shutil.which(chosen)
        if found is not None:
            return found
        package, program = _PACKAGES[tool], getattr(_DEFAULTS, tool)
        if chosen == program:
            raise ToolMissing(f"Chưa cài {program}: hãy chạy `make run` hoặc `apt-get install {package}`.")
        raise ToolMissing(
            f"Không chạy được {program} tại '{chosen}' (biến LOAXA_{tool.upper()}): "
            f"hãy sửa đường dẫn hoặc chạy `apt-get install {package}`."
        )


_DEFAULTS = Tools()
