"""Render many texts in parallel; one job's failure never stops the others."""
from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from audio.errors import AudioError
from audio.loudness import LoudnessTarget
from audio.render import RenderResult, Text, render_speech
from audio.tools import Tools
from audio.tts.base import VoiceSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderJob:
    """One render_speech call, named by job_id."""

    job_id: str
    text: Text
    chain: tuple[VoiceSpec, ...]
    cache_dir: Path
    target: LoudnessTarget = LoudnessTarget()
    max_seconds: float | None = None


@dataclass(frozen=True)
class RenderOutcome:
    """A job's result, or its error as one Vietnamese sentence."""

    job_id: str
    result: RenderResult | None
    error: str | None


def _run(job: RenderJob, tools: Tools) -> RenderOutcome:
    """Render one job, turning its failure into an outcome."""
    try:
        return RenderOutcome(job.job_id, render_speech(job.text, job.chain, job.cache_dir, job.target,
                                                       job.max_seconds, tools=tools), None)
    except AudioError as exc:
        return RenderOutcome(job.job_id, None, str(exc))


def render_many(jobs: Sequence[RenderJob], workers: int | None = None,
                progress: Callable[[int, int], None] | None = None, *, tools: Tools) -> list[RenderOutcome]:
    """Render jobs with a thread pool (the work is in subprocesses); outcomes in job order."""
    workers = max(1, workers or os.cpu_count() or 1)
    outcomes: dict[int, RenderOutcome] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="render") as pool:
        futures = {pool.submit(_run, job, tools): n for n, job in enumerate(jobs)}
        for done, future in enumerate(as_completed(futures), start=1):
            n = futures[future]
            try:
                outcomes[n] = future.result()
            except Exception as exc:  # noqa: BLE001 - a bug in one job must not lose the batch
                log.exception("render job %s crashed", jobs[n].job_id)
                outcomes[n] = RenderOutcome(
                    jobs[n].job_id, None,
                    f"Lỗi nội bộ khi tạo âm thanh ({type(exc).__name__}): hãy báo cho quản trị viên kèm nhật ký.",
                )
            if progress is not None:
                progress(done, len(jobs))
    return [outcomes[n] for n in range(len(jobs))]
