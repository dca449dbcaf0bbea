"""Any audio file as content: check it, keep the original, finish a copy into the canonical format."""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from audio import ffmpeg
from audio.atomic import atomic_path
from audio.errors import BadAudio, ToolFailed, TooLarge, TooLong
from audio.format import FORMAT_VERSION
from audio.loudness import LoudnessTarget, finish
from audio.render import RenderResult, cache_paths, load_cached, store_sidecar
from audio.tools import Tools

MEDIA_SUFFIXES = (".mp3", ".m4a", ".aac", ".mp4", ".ogg", ".oga", ".opus", ".wav", ".flac")
FORMATS = "MP3, M4A/AAC, OGG/Opus, WAV hoặc FLAC"
ENGINE = "media"
# A file decoding this much shorter than its header says has lost its end (a cut download or copy).
SHORTFALL_S = 0.5
SHORTFALL_SHARE = 0.02


@dataclass(frozen=True)
class PreparedMedia:
    """A checked media file: its canonical WAV (with loudness) and where the original is kept."""

    result: RenderResult
    original: Path
    declared_s: float
    codec: str


def check_name(name: str) -> None:
    """Refuse a file whose name says it is not one of the accepted audio formats."""
    if Path(name).suffix.lower() not in MEDIA_SUFFIXES:
        raise BadAudio(f"Tệp '{name}' không phải tệp âm thanh được nhận: hãy gửi tệp {FORMATS}.")


def check_size(name: str, size: int, max_bytes: int) -> None:
    """Refuse an empty file or one over the upload limit."""
    if size == 0:
        raise BadAudio(f"Tệp '{name}' rỗng (0 byte): hãy chép hoặc tải lại tệp gốc.")
    if size > max_bytes:
        raise TooLarge(f"Tệp '{name}' nặng {size / 1048576:.1f} MB, quá giới hạn {max_bytes / 1048576:.0f} MB: "
                       "hãy nén lại (ví dụ MP3 128 kbit/s) rồi gửi lại.")


def check_length(name: str, declared_s: float, decoded_s: float | None, max_s: float) -> None:
    """Refuse audio longer than max_s (by its header, or by decoding when known) or that decodes short of its header."""
    longest = max(declared_s, decoded_s or 0.0)
    if longest > max_s:
        raise TooLong(f"Tệp '{name}' dài {longest / 60:.0f} phút, quá giới hạn {max_s / 60:.0f} phút: "
                      "hãy cắt thành nhiều phần rồi gửi từng phần.")
    if decoded_s is None:
        return
    if decoded_s <= 0.0:
        raise BadAudio(f"Tệp '{name}' không giải mã được mẫu âm thanh nào: hãy xuất lại tệp từ bản gốc.")
    if decoded_s < declared_s - max(SHORTFALL_S, SHORTFALL_SHARE * declared_s):
        raise BadAudio(f"Tệp '{name}' bị hỏng hoặc bị cắt cụt (chỉ đọc được {decoded_s:.0f} trên {declared_s:.0f} giây): "
                       "hãy chép hoặc tải lại tệp gốc.")


def _file_key(src: Path, target: LoudnessTarget) -> str:
    """sha256 of the bytes, the target and the format version: the same file is prepared once."""
    digest = hashlib.sha256(f"media|{FORMAT_VERSION}|{target.i}|{target.tp}|{target.lra}|".encode())
    with src.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _keep_original(src: Path, originals_dir: Path, key: str, suffix: str) -> Path:
    """Copy the file as received beside the others, named by content (never by the uploader), atomically."""
    kept = Path(originals_dir) / key[:2] / f"{key}{suffix}"
    if not kept.is_file():
        with atomic_path(kept) as tmp:
            shutil.copyfile(src, tmp)
    return kept


def prepare_media(src: Path, name: str, cache_dir: Path, originals_dir: Path, target: LoudnessTarget,
                  max_bytes: int, max_seconds: float, *, tools: Tools) -> PreparedMedia:
    """Check an audio file (format, size, length, damage, silence), keep it and finish a canonical copy; nothing is written when refused."""
    src, name = Path(src), Path(name).name
    check_name(name)
    if not src.is_file():
        raise BadAudio(f"Không tìm thấy tệp '{name}': hãy kiểm tra lại đường dẫn.")
    check_size(name, src.stat().st_size, max_bytes)
    info = ffmpeg.probe(src, tools=tools, name=name)  # a renamed PDF or zip stops here
    check_length(name, info.duration_s, None, max_seconds)  # a header claiming hours is refused before decoding
    # Decoding stops just past the limit, so a file that lies about its length cannot keep ffmpeg busy.
    try:
        decoded = ffmpeg.decoded_duration(src, limit_s=max_seconds + 1, tools=tools)
    except ToolFailed:
        raise BadAudio(f"Tệp '{name}' bị hỏng, không giải mã được: hãy chép hoặc tải lại tệp gốc.") from None
    check_length(name, info.duration_s, decoded, max_seconds)
    key = _file_key(src, target)
    result = load_cached(cache_dir, key)
    if result is None:
        wav, _ = cache_paths(cache_dir, key)
        try:
            measured = finish(src, wav, target, tools=tools)  # refuses silence before writing anything
        except BadAudio as exc:  # its sentence names the file as stored (an upload's temporary name): say the operator's
            raise BadAudio(str(exc).replace(src.name, name)) from None
        result = RenderResult(path=wav, engine=ENGINE, voice="", duration_s=measured.duration_s, lufs=measured.lufs,
                              true_peak=measured.true_peak, cache_key=key, cached=False)
        store_sidecar(result, {"source_name": name})
    original = _keep_original(src, originals_dir, key, Path(name).suffix.lower())
    return PreparedMedia(result, original, info.duration_s, info.codec)
