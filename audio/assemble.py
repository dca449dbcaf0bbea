"""Join canonical assets gaplessly by stream copy (ffmpeg concat demuxer), and make silence."""
from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from audio import ffmpeg
from audio.atomic import atomic_path
from audio.errors import AudioError, BadAudio
from audio.format import OUTPUT_ARGS, SAMPLE_RATE, describe, is_canonical_wav, wav_duration
from audio.tools import Tools


def _concat_line(path: Path) -> str:
    """One line of a concat list; single quotes are escaped the way the demuxer expects."""
    quoted = str(Path(path).resolve()).replace("'", "'\\''")
    return f"file '{quoted}'\n"


def check_parts(parts: Sequence[Path], *, tools: Tools) -> float:
    """Total seconds of parts, each required to be a canonical WAV (checked from its header)."""
    total = 0.0
    for part in parts:
        part = Path(part)
        if not part.is_file():
            raise BadAudio(f"Không tìm thấy phần '{part}' để ghép: hãy tạo lại âm thanh của mục này.")
        if not is_canonical_wav(part):
            info = ffmpeg.probe(part, tools=tools)
            raise BadAudio(
                f"Phần '{part.name}' không đúng định dạng phát sóng ({info.codec}, {info.sample_rate} Hz, "
                f"{info.channels} kênh): hãy xử lý lại tệp này thành {describe()}."
            )
        total += wav_duration(part) or 0.0
    return total


def assemble(parts: Sequence[Path], out_path: Path, *, tools: Tools) -> float:
    """Concatenate canonical WAV parts into out_path by stream copy (no re-encode); return seconds."""
    if not parts:
        raise AudioError("Chưa có phần nào để ghép: hãy thêm ít nhất một mục vào chương trình.")
    total = check_parts(parts, tools=tools)
    out_path = Path(out_path)
    with tempfile.TemporaryDirectory(prefix="loaxa-concat-") as work:
        listing = Path(work) / "parts.txt"
        listing.write_text("".join(_concat_line(p) for p in parts), encoding="utf-8")
        with atomic_path(out_path) as tmp:
            ffmpeg.run(
                ["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0:a", "-c", "copy",
                 "-map_metadata", "-1", "-bitexact", "-rf64", "auto", "-f", "wav", "-y", str(tmp)],
                tools=tools, timeout=60.0 + total / 50,
            )
    return wav_duration(out_path) or ffmpeg.probe(out_path, tools=tools).duration_s


def make_silence(seconds: float, out: Path, *, tools: Tools) -> float:
    """Write exactly `seconds` of canonical silence to out atomically; return seconds."""
    if not 0 < seconds <= 24 * 3600:
        raise AudioError(f"Độ dài khoảng lặng {seconds} giây không hợp lệ: hãy dùng số giây lớn hơn 0.")
    samples = round(seconds * SAMPLE_RATE)
    with atomic_path(Path(out)) as tmp:
        ffmpeg.run(["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=mono", "-af", f"atrim=end_sample={samples}",
                    *OUTPUT_ARGS, "-y", str(tmp)], tools=tools)
    return samples / SAMPLE_RATE
