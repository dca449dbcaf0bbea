"""Render the demo content pool cold (empty cache) and warm (full cache), and espeak-ng's RTF on it."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audio.batch import RenderJob, render_many  # noqa: E402
from audio.loudness import LoudnessTarget  # noqa: E402
from audio.tts.base import VoiceSpec  # noqa: E402
from scripts_vi.content import load_campaign  # noqa: E402
from scripts_vi.normalize import normalize  # noqa: E402
from scripts_vi.segment import split_for_speech  # noqa: E402

CHAIN = (VoiceSpec(engine="espeak", voice="vi"),)


def pool_spoken(limit: int | None = None) -> list[str]:
    """Spoken forms of the demo campaign's scripts (title and body)."""
    docs = [doc for _, doc in load_campaign("bdg-2024")][:limit]
    return [normalize(doc.title + ".\n" + doc.body).spoken for doc in docs]


def render_pool(limit: int | None = None) -> dict[str, float]:
    """Seconds to render the pool into an empty cache, then again with the cache full."""
    spoken = pool_spoken(limit)
    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        jobs = [RenderJob(str(n), tuple((s.text, s.pause_ms) for s in split_for_speech(text)), CHAIN, Path(tmp), LoudnessTarget())
                for n, text in enumerate(spoken)]
        start = time.perf_counter()
        cold = render_many(jobs)
        cold_s = time.perf_counter() - start
        start = time.perf_counter()
        warm = render_many(jobs)
        warm_s = time.perf_counter() - start
    failures = [o.error for o in cold + warm if o.error]
    if failures:
        raise RuntimeError(failures[0])
    audio_s = sum(o.result.duration_s for o in cold if o.result)
    return {"render_pool_cold_s": cold_s, "render_pool_warm_s": warm_s, "render_pool_scripts": len(jobs), "render_pool_audio_s": audio_s}
