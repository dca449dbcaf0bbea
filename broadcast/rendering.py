"""Turning scripts into broadcast-ready audio with the station's voice chain, and remembering it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.loudness import LoudnessTarget
from audio.render import RenderResult, render_speech
from audio.tts.base import VoiceSpec
from broadcast.config import Settings
from broadcast.models import ContentStatus, Recording, Render, Script, Station
from broadcast.scripts import spoken_form
from scripts_vi.segment import split_for_speech


@dataclass(frozen=True)
class ScriptAudio:
    """The audio a programme uses for a script: an approved recording first, else a render."""

    path: Path
    voice: str
    duration_s: float
    render_id: int | None = None
    recording_id: int | None = None


def voice_chain(station: Station, settings: Settings) -> list[VoiceSpec]:
    """The station's chain of voices as audio specs (gTTS always gets the configured timeout)."""
    chain = []
    for entry in station.voice_chain or [{"engine": "espeak", "voice": "vi"}]:
        options: dict[str, Any] = dict(entry.get("options") or {})
        if entry["engine"] == "gtts":
            options.setdefault("timeout", settings.gtts_timeout_s)
        chain.append(VoiceSpec(engine=entry["engine"], voice=entry.get("voice", ""), options=tuple(sorted(options.items()))))
    if all(spec.engine != "espeak" for spec in chain):
        chain.append(VoiceSpec(engine="espeak", voice="vi"))  # the offline voice that always works
    return chain


def loudness_target(station: Station) -> LoudnessTarget:
    """The station's loudness target."""
    return LoudnessTarget(i=station.loudness_lufs, tp=station.true_peak_db)


def approved_recording(session: Session, script: Script) -> Recording | None:
    """The newest approved recording of the script's current version."""
    return session.scalar(
        select(Recording)
        .where(Recording.script_id == script.id, Recording.script_version == script.version, Recording.status == ContentStatus.APPROVED)
        .order_by(Recording.id.desc())
        .limit(1)
    )


def current_render(session: Session, script: Script) -> Render | None:
    """The newest render of the script's current version."""
    return session.scalar(
        select(Render).where(Render.script_id == script.id, Render.script_version == script.version).order_by(Render.id.desc()).limit(1)
    )


def render_script(session: Session, settings: Settings, script: Script, station: Station, chain: Sequence[VoiceSpec] | None = None) -> tuple[Render, bool]:
    """Render the script's current version (reusing the cache); returns the row and whether it was cached."""
    spoken = spoken_form(session, script).spoken
    segments = [(seg.text, seg.pause_ms) for seg in split_for_speech(spoken)]
    result: RenderResult = render_speech(segments, chain or voice_chain(station, settings), settings.audio_dir / "renders", loudness_target(station))
    render = session.scalar(select(Render).where(Render.script_id == script.id, Render.script_version == script.version, Render.cache_key == result.cache_key))
    if render is None:
        render = Render(station_id=script.station_id, script_id=script.id, script_version=script.version, cache_key=result.cache_key)
        session.add(render)
    render.path = str(result.path)
    render.engine = result.engine
    render.voice = result.voice
    render.fallback_reasons = list(result.fallback_reasons)
    render.spoken_text = spoken
    render.duration_s = result.duration_s
    render.lufs = result.lufs
    render.true_peak_db = result.true_peak
    session.flush()
    return render, result.cached


def script_audio(session: Session, script: Script) -> ScriptAudio | None:
    """What a programme plays for this script now, or None when nothing is ready."""
    recording = approved_recording(session, script)
    if recording is not None and Path(recording.path).exists():
        return ScriptAudio(Path(recording.path), "recording", recording.duration_s, recording_id=recording.id)
    render = current_render(session, script)
    if render is not None and Path(render.path).exists():
        return ScriptAudio(Path(render.path), f"{render.engine}:{render.voice}" if render.voice else render.engine, render.duration_s, render_id=render.id)
    return None
