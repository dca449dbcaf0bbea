"""Uploaded recordings (MP3/WAV/M4A/OGG/WebM): validate, then finish into the canonical format."""
from __future__ import annotations

import hashlib
from pathlib import Path

from audio import ffmpeg
from audio.errors import BadAudio, TooLarge, TooLong
from audio.format import FORMAT_VERSION
from audio.loudness import LoudnessTarget, finish
from audio.render import RenderResult, cache_paths, check_length, load_cached, store_sidecar
from audio.tools import Tools

MAX_BYTES = 50 * 1024 * 1024
ENGINE = "recording"


def _file_key(src: Path, target: LoudnessTarget) -> str:
    """sha256 of the file's bytes, the target and the format version: same upload, same asset."""
    digest = hashlib.sha256()
    digest.update(f"recording|{FORMAT_VERSION}|{target.i}|{target.tp}|{target.lra}|".encode())
    with src.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_recording(src: Path, cache_dir: Path, target: LoudnessTarget = LoudnessTarget(),
                      max_bytes: int = MAX_BYTES, max_seconds: float | None = None, *, tools: Tools) -> RenderResult:
    """Validate an uploaded recording and return it trimmed, normalised and canonical, cached by content."""
    src = Path(src)
    if not src.is_file():
        raise BadAudio(f"Không tìm thấy tệp ghi âm '{src.name}': hãy tải tệp lên lại.")
    size = src.stat().st_size
    if size > max_bytes:
        raise TooLarge(
            f"Tệp '{src.name}' nặng {size / 1048576:.1f} MB, quá giới hạn {max_bytes / 1048576:.0f} MB: "
            "hãy cắt ngắn hoặc nén lại (ví dụ MP3 64 kbit/s) rồi tải lên."
        )
    if size == 0:
        raise BadAudio(f"Tệp '{src.name}' rỗng: hãy ghi âm lại rồi tải lên.")
    info = ffmpeg.probe(src, tools=tools)  # a renamed PDF or a video without sound stops here
    key = _file_key(src, target)
    hit = load_cached(cache_dir, key)
    if hit is not None:
        check_length(hit, max_seconds)
        return hit
    # Trimming only removes edge silence, so a file far over the limit can be refused before work.
    if max_seconds is not None and info.duration_s > max_seconds + 60:
        raise TooLong(
            f"Bản ghi dài {info.duration_s:.0f} giây, quá giới hạn {max_seconds:.0f} giây: "
            "hãy cắt ngắn bản ghi rồi tải lên lại."
        )
    wav, _ = cache_paths(cache_dir, key)
    measured = finish(src, wav, target, tools=tools)
    result = RenderResult(
        path=wav, engine=ENGINE, voice="", duration_s=measured.duration_s, lufs=measured.lufs,
        true_peak=measured.true_peak, cache_key=key, cached=False,
    )
    store_sidecar(result, {"source_name": src.name})
    check_length(result, max_seconds)
    return result
