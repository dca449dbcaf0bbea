"""Export a canonical render to a file a person asked for: .wav copy or .mp3 encoding."""
from __future__ import annotations

import shutil
from pathlib import Path

from audio import ffmpeg
from audio.atomic import atomic_path
from audio.errors import AudioError
from audio.tools import Tools

MP3_BITRATE = "128k"


def check_export_path(out_path: Path) -> str:
    """The lower-case extension of out_path, which must be .wav or .mp3."""
    ext = Path(out_path).suffix.lower()
    if ext not in (".wav", ".mp3"):
        raise AudioError(f"Không xuất được tệp '{Path(out_path).name}': hãy đặt đuôi tên tệp là .wav hoặc .mp3.")
    return ext


def export(src: Path, out_path: Path, *, tools: Tools) -> None:
    """Write src to out_path atomically; the extension (.wav or .mp3) decides the format."""
    out_path = Path(out_path)
    ext = check_export_path(out_path)
    with atomic_path(out_path) as tmp:
        if ext == ".wav":
            shutil.copyfile(src, tmp)
        else:
            ffmpeg.run(["-i", str(src), "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-ac", "1",
                        "-map_metadata", "-1", "-f", "mp3", "-y", str(tmp)], tools=tools)
