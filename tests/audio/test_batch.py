"""audio.batch: parallel rendering where one failure does not stop the rest."""
from __future__ import annotations

from pathlib import Path

from audio.batch import RenderJob, render_many
from audio.tts.base import VoiceSpec
from tests.audio.conftest import TOOLS

CHAIN = (VoiceSpec("espeak"),)


def test_render_many_keeps_order_and_isolates_failures(cache_dir: Path) -> None:
    jobs = [
        RenderJob("a", "Kính thưa bà con", CHAIN, cache_dir),
        RenderJob("b", "   ", CHAIN, cache_dir),
        RenderJob("c", [("Thông báo.", 400), ("Lịch tiêm phòng.", 0)], CHAIN, cache_dir),
    ]
    seen: list[tuple[int, int]] = []
    outcomes = render_many(jobs, workers=3, progress=lambda done, total: seen.append((done, total)), tools=TOOLS)
    assert [o.job_id for o in outcomes] == ["a", "b", "c"]
    assert outcomes[0].result is not None and outcomes[0].error is None
    assert outcomes[1].result is None and outcomes[1].error and "trống" in outcomes[1].error
    assert outcomes[2].result is not None and outcomes[2].result.engine == "espeak"
    assert sorted(seen) == [(1, 3), (2, 3), (3, 3)]
