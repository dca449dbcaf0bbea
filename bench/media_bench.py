"""Media library import: the checks, normalization and kept original of `audio.media.prepare_media` on an N-minute MP3,
beside the recording path (`audio.recording.prepare_recording`: probe and normalize only) on the same file."""
# Run: python bench/media_bench.py [--minutes 10]. Each path gets an empty cache, so both decode and normalize in full;
# the difference is what the media library adds: the decoding pass that finds truncation and lying lengths, and the copy.

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from audio import ffmpeg  # noqa: E402
from audio.loudness import LoudnessTarget  # noqa: E402
from audio.tools import Tools  # noqa: E402

TOOLS = Tools()


def _programme(path: Path, minutes: float) -> Path:
    """A 'district programme': a tone under pink noise, stereo 44.1 kHz MP3 at 128 kbit/s, as offices send them."""
    seconds = minutes * 60
    ffmpeg.run(["-v", "error", "-f", "lavfi", "-i", f"sine=f=220:d={seconds}", "-f", "lavfi", "-i", f"anoisesrc=c=pink:a=0.05:d={seconds}",
                "-filter_complex", "amix=inputs=2", "-ac", "2", "-ar", "44100", "-c:a", "libmp3lame", "-b:a", "128k", "-y", str(path)],
               tools=TOOLS, timeout=600)
    return path


def measure(minutes: float, repeats: int = 2) -> dict[str, float]:
    """Seconds to import the file into the media library, and to prepare it as a recording (the baseline): best of
    repeats, the two paths alternating so that a busy spell of the machine does not fall on one of them only."""
    from audio.media import prepare_media
    from audio.recording import prepare_recording

    media, recording, media_cpu, recording_cpu = [], [], [], []
    with tempfile.TemporaryDirectory(prefix="bench-media-") as tmp:
        src = _programme(Path(tmp) / "chuong-trinh.mp3", minutes)
        for n in range(repeats):
            started, cpu = time.perf_counter(), _children_cpu()
            prepared = prepare_media(src, src.name, Path(tmp) / f"media{n}", Path(tmp) / f"originals{n}", LoudnessTarget(), 1 << 30, 3600.0,
                                     tools=TOOLS)
            media.append(time.perf_counter() - started)
            media_cpu.append(_children_cpu() - cpu)
            started, cpu = time.perf_counter(), _children_cpu()
            prepare_recording(src, Path(tmp) / f"recordings{n}", LoudnessTarget(), max_bytes=1 << 30, tools=TOOLS)
            recording.append(time.perf_counter() - started)
            recording_cpu.append(_children_cpu() - cpu)
    tag = f"{minutes:g}min"
    return {f"media_import_{tag}_s": min(media), f"recording_prepare_{tag}_s": min(recording),
            f"media_import_{tag}_cpu_s": min(media_cpu), f"recording_prepare_{tag}_cpu_s": min(recording_cpu),
            f"media_import_{tag}_lufs": prepared.result.lufs, f"media_import_{tag}_tp": prepared.result.true_peak}


def _children_cpu() -> float:
    """CPU seconds (user + system) of the finished ffmpeg/ffprobe children so far: on a busy machine, the steadier figure."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(quick: bool) -> dict[str, float]:
    """The runner's group: 10 minutes, best of two (1 minute, once, when quick)."""
    return measure(1.0, 1) if quick else measure(10.0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0)
    print(json.dumps(measure(parser.parse_args().minutes), indent=1))
