"""The listening check that acts: score espeak renders with the offline recognizer, flag hard ones, offer fixes."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from audio import speech_check
from audio.errors import AudioError
from audio.tts.espeak_styles import style_from_dict
from broadcast.config import Settings
from broadcast.models import ContentStatus, Render, Script, Station
from broadcast.stations.settings import station_style

# Above this character error rate a listener likely mishears the render (the tuned default chain scores about
# 0.45 on the held-out sentences, bare espeak-ng about 0.6: see docs/voice.md).
DEFAULT_THRESHOLD = 0.6
MAX_WORDS = 12  # misheard words kept per render: enough to find the culprits, short enough to read
log = logging.getLogger("loaxa.listening")


@dataclass(frozen=True)
class Verdict:
    """One script's latest render as the check heard it, with the fixes offered when it is flagged."""

    script: Script
    render: Render
    flagged: bool
    fixes: list[str]


def offered_fixes(misheard: list[str], slow: bool) -> list[str]:
    """What an editor can do about a render that is hard to hear, most effective first."""
    fixes = ["Ghi âm giọng người đọc cho bài này (bản ghi âm luôn được phát trước giọng máy)."]
    if not slow:
        fixes.append("Chọn tốc độ đọc «Chậm» cho bài này.")
    if misheard:
        words = ", ".join(misheard[:3])
        fixes.append(f"Thêm vào từ điển cách đọc cho: {words}.")
        fixes.append(f"Viết lại câu có các từ: {words}.")
    return fixes


def score_render(settings: Settings, render: Render) -> Render:
    """Transcribe one espeak render and keep its error rate and misheard words on the row."""
    result = speech_check.check(Path(render.path), render.spoken_text, DEFAULT_THRESHOLD, tools=settings.tools)
    render.speech_cer = round(result.cer, 4)
    render.misheard = list(dict.fromkeys(result.misheard))[:MAX_WORDS]
    return render


def unscored_renders(session: Session, station: Station) -> list[Render]:
    """The espeak renders of the station's approved scripts (current versions) that the check has not heard yet."""
    rows = session.scalars(
        select(Render).join(Script, Script.id == Render.script_id)
        .where(Render.station_id == station.id, Render.engine == "espeak", Render.script_version == Script.version,
               Script.status == ContentStatus.APPROVED, Render.speech_cer.is_(None))
        .order_by(Render.id)
    )
    return [r for r in rows if Path(r.path).is_file()]


def score_station(session: Session, settings: Settings, station: Station) -> int:
    """Score every unscored render (when the recognizer is installed); returns how many were scored."""
    if not speech_check.available():
        return 0
    scored = 0
    for render in unscored_renders(session, station):
        try:
            score_render(settings, render)
        except AudioError:
            continue  # a file that vanished or does not decode: the next render is still worth hearing
        session.flush()
        scored += 1
    return scored


def verdicts(session: Session, station: Station, threshold: float = DEFAULT_THRESHOLD) -> list[Verdict]:
    """The check's verdict on each approved script whose newest render (current version) has been heard."""
    rows = session.execute(
        select(Script, Render).join(Render, Render.script_id == Script.id)
        .where(Script.station_id == station.id, Script.status == ContentStatus.APPROVED, Render.script_version == Script.version)
        .order_by(Script.id, Render.id.desc())
    ).all()
    newest: dict[int, tuple[Script, Render]] = {}
    for script, render in rows:
        newest.setdefault(script.id, (script, render))
    return [_verdict(script, render, threshold, station) for script, render in newest.values() if render.speech_cer is not None]


def verdict_of(session: Session, station: Station, script: Script, threshold: float = DEFAULT_THRESHOLD) -> Verdict | None:
    """The check's verdict on a script's newest render, or None while that render has not been heard."""
    render = session.scalar(
        select(Render).where(Render.script_id == script.id, Render.script_version == script.version).order_by(Render.id.desc()).limit(1)
    )
    return None if render is None or render.speech_cer is None else _verdict(script, render, threshold, station)


def _verdict(script: Script, render: Render, threshold: float, station: Station) -> Verdict:
    """Flag a scored render above threshold and offer the fixes (no "slow" when the script already reads slowly)."""
    style = style_from_dict(script.voice_style) or station_style(station)
    flagged = (render.speech_cer or 0.0) > threshold
    slow = style is not None and style.pace == "slow"
    return Verdict(script, render, flagged, offered_fixes(render.misheard or [], slow) if flagged else [])


_ONE_AT_A_TIME = threading.Lock()  # the recognizer takes a core: renders queue rather than compete


def score_in_background(factory: Callable[[], Session], settings: Settings, render_id: int) -> threading.Thread | None:
    """Score one fresh render in a thread of the panel's process (never the playout's), with its own session."""
    if not speech_check.available():
        return None

    def work() -> None:
        with _ONE_AT_A_TIME, factory() as session:
            try:
                render = session.get(Render, render_id)
                if render is None or render.engine != "espeak" or render.speech_cer is not None or not Path(render.path).is_file():
                    return
                score_render(settings, render)
                session.commit()
            except (AudioError, SQLAlchemyError) as exc:
                # A side job: a file gone or a database busy or gone loses only this score; the render stays unheard,
                # and `loaxa check-speech` (or the next render) hears it again.
                log.warning("listening check of render %s not kept: %s", render_id, exc.__class__.__name__)

    thread = threading.Thread(target=work, name=f"listening-check-{render_id}", daemon=True)
    thread.start()
    return thread
