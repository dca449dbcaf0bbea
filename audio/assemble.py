"""Join canonical assets gaplessly, sample for sample, cut one to length, and make silence."""
from __future__ import annotations

import wave
from collections.abc import Sequence
from pathlib import Path

from audio import ffmpeg
from audio.atomic import atomic_path
from audio.errors import AudioError, BadAudio
from audio.format import CHANNELS, OUTPUT_ARGS, SAMPLE_RATE, SAMPLE_WIDTH, describe, is_canonical_wav, wav_info
from audio.tools import Tools

# A plain WAV header counts its bytes in 32 bits: about 12 hours of the canonical format.
MAX_WAV_DATA_BYTES = 0xFFFFFFFF - 36
# Frames copied at a time: 128 KiB in memory, whatever the programme's length.
COPY_FRAMES = 1 << 16


def check_parts(parts: Sequence[Path], *, tools: Tools) -> int:
    """Total frames of parts, each required to be a canonical WAV (checked from its header)."""
    total = 0
    for part in parts:
        part = Path(part)
        if not part.is_file():
            raise BadAudio(f"Không tìm thấy phần '{part}' để ghép: hãy tạo lại âm thanh của mục này.")
        header = wav_info(part) if is_canonical_wav(part) else None
        if header is None:
            info = ffmpeg.probe(part, tools=tools)
            raise BadAudio(
                f"Phần '{part.name}' không đúng định dạng phát sóng ({info.codec}, {info.sample_rate} Hz, "
                f"{info.channels} kênh): hãy xử lý lại tệp này thành {describe()}."
            )
        total += header[3]
    return total


def assemble(parts: Sequence[Path], out_path: Path, *, tools: Tools) -> float:
    """Concatenate canonical WAV parts into out_path, sample for sample (nothing decoded, no subprocess); return seconds.

    The parts share one format, so their PCM data joined under one header is the gapless programme: the stdlib wave
    module writes it, a block at a time. ffmpeg's concat demuxer made the same file from a separate process, at several
    times the cost (docs/benchmarks.md, Assembly)."""
    if not parts:
        raise AudioError("Chưa có phần nào để ghép: hãy thêm ít nhất một mục vào chương trình.")
    frames = check_parts(parts, tools=tools)
    if frames * SAMPLE_WIDTH * CHANNELS > MAX_WAV_DATA_BYTES:
        hours = MAX_WAV_DATA_BYTES / (SAMPLE_WIDTH * CHANNELS * SAMPLE_RATE * 3600)
        raise AudioError(f"Chương trình dài {frames / SAMPLE_RATE / 3600:.1f} giờ, quá {hours:.0f} giờ một tệp WAV chứa được: "
                         "hãy chia thành nhiều buổi phát ngắn hơn.")
    with atomic_path(Path(out_path)) as tmp, wave.open(str(tmp), "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(SAMPLE_RATE)
        out.setnframes(frames)  # the header is written once, with the final size
        for part in parts:
            with wave.open(str(part), "rb") as src:
                while block := src.readframes(COPY_FRAMES):
                    out.writeframesraw(block)
    return frames / SAMPLE_RATE


def cut_faded(src: Path, seconds: float, out: Path, fade_s: float = 2.0, *, tools: Tools) -> float:
    """Write the first `seconds` of a canonical WAV to out atomically, fading out over its last fade_s (a third at most); return seconds."""
    samples = round(seconds * SAMPLE_RATE)
    info = wav_info(Path(src))
    if info is None or not 0 < samples <= info[3]:
        raise AudioError(f"Không cắt được {seconds:.2f} giây từ '{Path(src).name}': hãy chọn độ dài ngắn hơn tệp.")
    fade = min(round(fade_s * SAMPLE_RATE), samples // 3)
    # Untouched samples pass through the s16 -> float -> s16 conversion unchanged; only the fade alters any.
    chain = f"atrim=end_sample={samples}" + (f",afade=t=out:start_sample={samples - fade}:nb_samples={fade}" if fade else "")
    with atomic_path(Path(out)) as tmp:
        ffmpeg.run(["-i", str(src), "-af", chain, *OUTPUT_ARGS, "-y", str(tmp)], tools=tools, timeout=60.0 + seconds / 50)
    return samples / SAMPLE_RATE


def make_silence(seconds: float, out: Path, *, tools: Tools) -> float:
    """Write exactly `seconds` of canonical silence to out atomically; return seconds."""
    if not 0 < seconds <= 24 * 3600:
        raise AudioError(f"Độ dài khoảng lặng {seconds} giây không hợp lệ: hãy dùng số giây lớn hơn 0.")
    samples = round(seconds * SAMPLE_RATE)
    with atomic_path(Path(out)) as tmp:
        ffmpeg.run(["-f", "lavfi", "-i", f"anullsrc=r={SAMPLE_RATE}:cl=mono", "-af", f"atrim=end_sample={samples}",
                    *OUTPUT_ARGS, "-y", str(tmp)], tools=tools)
    return samples / SAMPLE_RATE
