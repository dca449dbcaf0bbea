"""Audio benchmarks: espeak-ng real-time factor (engine vs bare at the same settings), and assembling a 30-minute broadcast."""
# Run: python -m bench.audio_bench [--scale 0.0333] (scale 1 = 30 minutes; --quick = 1 minute).
# Each assembly method runs in its own child interpreter so its peak memory is measured alone:
# `*_rss_mb` is the peak resident memory of the whole process tree (child + its ffmpeg), sampled
# with psutil every 5 ms; `*_maxrss_mb` is the kernel's ru_maxrss of the largest single process.

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audio import ffmpeg  # noqa: E402
from audio.format import OUTPUT_ARGS, wav_duration  # noqa: E402
from audio.tools import Tools  # noqa: E402

TEXTS = [
    "Kính thưa bà con, sau đây là bản tin của đài truyền thanh xã.",
    "Ủy ban nhân dân xã thông báo lịch tiêm phòng cho trẻ em dưới năm tuổi vào sáng thứ bảy tuần này.",
    "Đề nghị bà con chủ động phòng chống bão, gia cố nhà cửa, cắt tỉa cây xanh quanh nhà.",
    "Thời gian nộp hồ sơ hỗ trợ sản xuất nông nghiệp kéo dài đến hết ngày mười lăm tháng mười một.",
    "Mọi thông tin chi tiết xin liên hệ văn phòng ủy ban nhân dân xã trong giờ hành chính.",
    "Bản tin đến đây là kết thúc, cảm ơn bà con đã chú ý lắng nghe.",
]
PART_SECONDS = 30.0
TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them


def _mb(kib_or_bytes: float, unit: str) -> float:
    """Megabytes from ru_maxrss (KiB on Linux) or bytes."""
    return round(kib_or_bytes / 1024 if unit == "kib" else kib_or_bytes / 1048576, 1)


def bare_espeak_args(voice: str = "vi") -> list[str]:
    """espeak-ng options that make the same speech as the engine's defaults (rate, word gap, pitch, amplitude)."""
    from audio.tts.espeak import DEFAULTS

    # Like for like: espeak-ng's own default is 175 wpm without a word gap, i.e. less audio for the same text.
    return ["-v", voice, "-s", str(DEFAULTS["speed"]), "-g", str(DEFAULTS["word_gap"]), "-p", str(DEFAULTS["pitch"]),
            "-a", str(DEFAULTS["amplitude"])]


def tts_rtf_espeak(texts: Sequence[str] = TEXTS, repeats: int = 3) -> dict[str, float]:
    """Real-time factors (processing s / audio s, best of repeats): loaxa engine, bare espeak-ng at the same settings, full render."""
    from audio.render import render_speech
    from audio.tts.base import VoiceSpec
    from audio.tts.espeak import EspeakEngine

    engine = EspeakEngine()
    exe = TOOLS.path("espeak")
    engine.voices(tools=TOOLS)  # warm the voice table once, as a running station would have

    def bare(text: str, out: Path) -> None:
        subprocess.run([exe, *bare_espeak_args(), "-w", str(out), text], check=True, capture_output=True)

    def ours(text: str, out: Path) -> None:
        engine.synthesize(text, "vi", {}, out, tools=TOOLS)

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-tts-") as work_dir:
        work = Path(work_dir)
        for key, speak in (("tts_rtf_espeak", ours), ("tts_rtf_espeak_bare", bare)):
            best = float("inf")
            for _ in range(repeats):
                spent = audio = 0.0
                for n, text in enumerate(texts):
                    out = work / f"{key}{n}.wav"
                    t = time.perf_counter()
                    speak(text, out)
                    spent += time.perf_counter() - t
                    audio += wav_duration(out) or 0.0
                best = min(best, spent / audio)
            figures[key] = round(best, 5)
            figures[f"{key}_audio_s"] = round(audio, 1)
        spent = audio = 0.0
        for text in texts:
            t = time.perf_counter()
            result = render_speech(text, [VoiceSpec("espeak")], work / "cache", tools=TOOLS)
            spent += time.perf_counter() - t
            audio += result.duration_s
        figures["tts_rtf_espeak_render"] = round(spent / audio, 4)  # synthesis + loudness finishing
    from audio.tts.espeak import DEFAULTS

    figures["tts_espeak_wpm"] = int(DEFAULTS["speed"])  # type: ignore[call-overload]
    figures["tts_espeak_word_gap_ms"] = 10 * int(DEFAULTS["word_gap"])  # type: ignore[call-overload]  # espeak-ng counts 10 ms units
    return figures


def _make_parts(folder: Path, minutes: float) -> list[Path]:
    """Canonical 30 s parts (6 distinct tones, reused) adding up to `minutes` of programme."""
    folder.mkdir(parents=True, exist_ok=True)
    distinct: list[Path] = []
    for n in range(6):
        path = folder / f"part{n}.wav"
        expr = f"0.2*sin(2*PI*{220 * (n + 2)}*t)"
        ffmpeg.run(["-f", "lavfi", "-i", f"aevalsrc='{expr}':s=48000:c=mono:d={PART_SECONDS}", *OUTPUT_ARGS,
                    "-y", str(path)], tools=TOOLS)
        distinct.append(path)
    count = max(1, round(minutes * 60 / PART_SECONDS))
    return [distinct[n % len(distinct)] for n in range(count)]


def _child_assemble(parts: list[str], out: str) -> None:
    """Child body: loaxa's assemble (the parts' samples copied under one header)."""
    from audio.assemble import assemble

    assemble([Path(p) for p in parts], Path(out), tools=TOOLS)


def _child_ffmpeg_concat(parts: list[str], out: str) -> None:
    """Child body: the same join by ffmpeg's concat demuxer and stream copy, as loaxa assembled before."""
    listing = Path(out).with_suffix(".txt")
    # The concat demuxer's quoting: a quote inside a quoted path is written '\'' (close, escaped quote, reopen).
    listing.write_text("".join("file '" + str(Path(part).resolve()).replace("'", "'\\''") + "'\n" for part in parts), encoding="utf-8")
    ffmpeg.run(["-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0:a", "-c", "copy", "-map_metadata", "-1",
                "-bitexact", "-f", "wav", "-y", out], tools=TOOLS)


def _child_pydub(parts: list[str], out: str) -> None:
    """Child body: the in-memory way done well with pydub: decode every part, one concatenation, one export."""
    from pydub import AudioSegment

    segments = [AudioSegment.from_wav(part) for part in parts]
    first = segments[0]
    # One join of the samples (all parts share the canonical format), not `+=` per part, which copies
    # the growing whole each time (quadratic).
    total = AudioSegment(data=b"".join(s.raw_data for s in segments), sample_width=first.sample_width,
                         frame_rate=first.frame_rate, channels=first.channels)
    total.export(out, format="wav")


def _measure_child(kind: str, parts: list[Path], out: Path) -> tuple[float, float, float]:
    """Run one method in a fresh interpreter; (seconds, peak tree RSS MB, largest ru_maxrss MB)."""
    code = (
        "import json,resource,sys;sys.path.insert(0,sys.argv[1]);"
        f"from bench.audio_bench import _child_{kind} as f;"
        "f(json.loads(sys.argv[2]),sys.argv[3]);"
        "print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))"
    )
    argv = [sys.executable, "-c", code, str(ROOT), json.dumps([str(p) for p in parts]), str(out)]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree))
        except psutil.Error:
            pass
        time.sleep(0.005)
    elapsed = time.perf_counter() - started
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} child failed: {stderr[-500:]}")
    self_kib, children_kib = json.loads(stdout.strip().splitlines()[-1])
    return elapsed, _mb(peak, "bytes"), _mb(max(self_kib, children_kib), "kib")


def assemble_30min(tmpdir: Path, scale: float = 1.0) -> dict[str, float]:
    """Assemble scale*30 minutes of 30 s parts: loaxa's sample copy vs ffmpeg's stream copy and pydub in memory."""
    minutes = 30.0 * scale
    parts = _make_parts(Path(tmpdir) / "parts", minutes)
    ours_s, ours_rss, ours_max = _measure_child("assemble", parts, Path(tmpdir) / "loaxa.wav")
    concat_s, concat_rss, _ = _measure_child("ffmpeg_concat", parts, Path(tmpdir) / "ffmpeg.wav")
    pydub_s, pydub_rss, pydub_max = _measure_child("pydub", parts, Path(tmpdir) / "pydub.wav")
    return {
        "minutes": round(minutes, 2),
        "parts": len(parts),
        "assemble_30min_s": round(ours_s, 3),
        "assemble_30min_rss_mb": ours_rss,
        "assemble_30min_maxrss_mb": ours_max,
        "ffmpeg_concat_30min_s": round(concat_s, 3),
        "ffmpeg_concat_30min_rss_mb": concat_rss,
        "pydub_s": round(pydub_s, 3),
        "pydub_rss_mb": pydub_rss,
        "pydub_maxrss_mb": pydub_max,
        "output_s": round(wav_duration(Path(tmpdir) / "loaxa.wav") or 0.0, 2),
        "pydub_output_s": round(wav_duration(Path(tmpdir) / "pydub.wav") or 0.0, 2),
    }


def main(argv: Sequence[str] | None = None) -> None:
    """Print all figures as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 30 minutes to assemble")
    parser.add_argument("--quick", action="store_true", help="1 minute instead of 30")
    args = parser.parse_args(argv)
    scale = 1 / 30 if args.quick else args.scale
    figures: dict[str, float] = {}
    figures.update(tts_rtf_espeak())
    with tempfile.TemporaryDirectory(prefix="bench-asm-") as tmp:
        figures.update(assemble_30min(Path(tmp), scale))
    figures["cpu_count"] = os.cpu_count() or 0
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
