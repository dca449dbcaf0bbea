"""Turning scripts into broadcast-ready audio with the station's voice chain, and remembering it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from audio.batch import RenderJob, render_many
from audio.loudness import LoudnessTarget
from audio.export import check_export_path
from audio.render import RenderResult, render_speech, render_to_file
from audio.tts.base import VoiceSpec
from audio.errors import BadVoiceOption
from audio.tts.espeak_styles import DEFAULT_STYLE, VoiceStyle, describe, espeak_voice, parse_style, style_from_dict
from broadcast.config import Settings
from broadcast.content.queries import approved_scripts
from broadcast.content.scripts import AUDIO, spoken_form, spoken_text
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import ContentStatus, Recording, Render, Script, Station
from broadcast.stations.lookup import station_row
from broadcast.stations.settings import station_style
from scripts_vi.normalize import normalize
from scripts_vi.segment import split_for_speech


@dataclass(frozen=True)
class ScriptAudio:
    """The audio a programme uses for a script: an approved recording first, else a render."""

    path: Path
    voice: str
    duration_s: float
    render_id: int | None = None
    recording_id: int | None = None


def voice_chain(station: Station, settings: Settings, style: VoiceStyle | None = None) -> list[VoiceSpec]:
    """The station's chain of voices as audio specs; style (a script's own choice) overrides the station's espeak voice."""
    chain = [_spec(settings, entry, style) for entry in station.voice_chain or [{"engine": "espeak", "voice": "vi"}]]
    if all(spec.engine != "espeak" for spec in chain):
        chain.append(_spec(settings, {"engine": "espeak", "voice": "vi"}, style))  # the offline voice that always works
    return chain


def _spec(settings: Settings, entry: Mapping[str, Any], style: VoiceStyle | None) -> VoiceSpec:
    """One chain entry as a spec: an espeak entry speaks the given style, else its own stored one."""
    chosen = style or style_from_dict(entry.get("style"))
    if entry["engine"] == "espeak" and chosen is not None:
        voice, options = espeak_voice(chosen)
        return VoiceSpec.of("espeak", voice, **{**dict(entry.get("options") or {}), **options})
    return VoiceSpec(engine=entry["engine"], voice=entry.get("voice", ""), options=_options(settings, entry["engine"], entry.get("options")))


def script_style(script: Script) -> VoiceStyle | None:
    """The script's own voice choice, or None when it follows the station."""
    return style_from_dict(script.voice_style)


def set_script_style(session: Session, script: Script, region: str | None, gender: str | None, pace: str | None) -> VoiceStyle | None:
    """Give a script its own voice, or (all choices empty) let it follow the station; one sentence when a choice is unknown."""
    if not (region or gender or pace):
        script.voice_style = None
        session.flush()
        return None
    # A choice left empty keeps the station's ("slow" alone slows the station's voice for this script).
    base = station_style(session.get(Station, script.station_id)) or DEFAULT_STYLE
    try:
        style = parse_style(region or base.region, gender or base.gender, pace or base.pace)
    except BadVoiceOption as exc:
        raise InvalidInput(str(exc), field="voice_style") from None
    script.voice_style = style.as_dict()
    session.flush()
    return style


def spoke_with(chain: Sequence[VoiceSpec], result: RenderResult) -> str:
    """The voice and settings that spoke a render, as its row and the log keep them ('vi+f3, 145 từ/phút')."""
    spec = next((s for s in chain if s.engine == result.engine), None)
    if spec is None or result.engine != "espeak":
        return result.voice
    return describe(result.voice, spec.options_dict())


def _options(settings: Settings, engine: str, given: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...]:
    """An engine's options as a spec holds them; gTTS always gets the configured timeout (a network call must not hang a render)."""
    options = dict(given or {})
    if engine == "gtts":
        options.setdefault("timeout", settings.gtts_timeout_s)
    return tuple(sorted(options.items()))


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


def voice_label(engine: str, voice: str) -> str:
    """How a programme names the voice that read an item (engine:voice)."""
    return f"{engine}:{voice}" if voice else engine


def _segments(spoken: str) -> tuple[tuple[str, int], ...]:
    """Spoken text as the (text, pause after) pieces the speech engines read."""
    return tuple((seg.text, seg.pause_ms) for seg in split_for_speech(spoken))


def ready_render(session: Session, script: Script) -> Render | None:
    """The newest render of the script's current version whose file is on disk; None means the script needs rendering."""
    render = current_render(session, script)
    return render if render is not None and Path(render.path).exists() else None


def scripts_to_render(session: Session, station: Station, everything: bool = False) -> tuple[list[Script], list[Script]]:
    """The station's approved scripts (by number) and those to render: all of them, or only those without a ready render."""
    scripts = [s for s in approved_scripts(session, station, order=Script.id) if s.kind != AUDIO]  # media items are never read
    return scripts, scripts if everything else [s for s in scripts if ready_render(session, s) is None]


def typed_voice(settings: Settings, engine: str | None, voice: str | None) -> VoiceSpec:
    """A voice the operator names directly: espeak unless told, the engine's own default voice unless told, gTTS with its timeout."""
    engine = engine or "espeak"
    return VoiceSpec(engine=engine, voice=voice or "", options=_options(settings, engine, None))


def speak_to_file(settings: Settings, text: str, output: Path, engine: str | None = None, voice: str | None = None) -> RenderResult:
    """Read a typed text (normalized, no station lexicon) into an audio file with one named voice, at the default loudness."""
    check_export_path(output)
    segments = [(s.text, s.pause_ms) for s in split_for_speech(normalize(text).spoken)]
    return render_to_file(segments, [typed_voice(settings, engine, voice)], output, settings.audio_dir / "renders", LoudnessTarget(),
                          tools=settings.tools)


def _job(session: Session, settings: Settings, script: Script, station: Station, chain: Sequence[VoiceSpec] | None) -> tuple[RenderJob, str]:
    """The render job of a script's current version, and its spoken text; a media item has its own sound and none."""
    if script.kind == AUDIO:
        raise InvalidInput(f"«{script.title}» là tệp âm thanh nên không cần tạo giọng đọc: hãy nghe và duyệt tệp đó.", field="script")
    spoken = spoken_form(session, script).spoken
    chain = chain or voice_chain(station, settings, script_style(script))
    job = RenderJob(str(script.id), _segments(spoken), tuple(chain), settings.audio_dir / "renders", loudness_target(station))
    return job, spoken


def message_audio(session: Session, settings: Settings, station: Station, text: str) -> ScriptAudio:
    """A typed message (emergency, one-off, test) read now the way the station reads its scripts: its lexicon, its voices."""
    spoken = spoken_text(session, station.id, text).spoken
    chain = voice_chain(station, settings)
    result = render_speech(_segments(spoken), chain, settings.audio_dir / "renders", loudness_target(station), tools=settings.tools)
    return ScriptAudio(result.path, voice_label(result.engine, spoke_with(chain, result)), result.duration_s)


# What "Nghe thử" reads for a voice choice: a station greeting with a date, a number and a time in it.
PREVIEW_TEXT = "Đài truyền thanh xã xin kính chào bà con. Sáng 15/11, hội nghị bắt đầu lúc 7h30 tại hội trường Ủy ban nhân dân xã."


def style_preview(settings: Settings, station: Station, region: str | None, gender: str | None, pace: str | None) -> ScriptAudio:
    """A short sample read with one voice choice (espeak only), for the panel's "Nghe thử"; one sentence when a choice is unknown."""
    try:
        style = parse_style(region, gender, pace)
    except BadVoiceOption as exc:
        raise InvalidInput(str(exc), field="voice_style") from None
    voice, options = espeak_voice(style)
    chain = [VoiceSpec.of("espeak", voice, **options)]
    spoken = normalize(PREVIEW_TEXT).spoken
    result = render_speech(_segments(spoken), chain, settings.audio_dir / "renders", loudness_target(station), tools=settings.tools)
    return ScriptAudio(result.path, voice_label(result.engine, spoke_with(chain, result)), result.duration_s)


def _store(session: Session, script: Script, spoken: str, result: RenderResult, chain: Sequence[VoiceSpec] = ()) -> Render:
    """Record a render of the script's current version (one row per cache key)."""
    render = session.scalar(select(Render).where(Render.script_id == script.id, Render.script_version == script.version, Render.cache_key == result.cache_key))
    if render is None:
        render = Render(station_id=script.station_id, script_id=script.id, script_version=script.version, cache_key=result.cache_key)
        session.add(render)
    render.path = str(result.path)
    render.engine = result.engine
    render.voice = spoke_with(chain, result)[:200]
    render.fallback_reasons = list(result.fallback_reasons)
    render.spoken_text = spoken
    render.duration_s = result.duration_s
    render.lufs = result.lufs
    render.true_peak_db = result.true_peak
    session.flush()
    return render


def render_script(session: Session, settings: Settings, script: Script, station: Station, chain: Sequence[VoiceSpec] | None = None) -> tuple[Render, bool]:
    """Render the script's current version (reusing the cache); returns the row and whether it was cached."""
    job, spoken = _job(session, settings, script, station, chain)
    result = render_speech(job.text, job.chain, job.cache_dir, job.target, tools=settings.tools)
    return _store(session, script, spoken, result, job.chain), result.cached


@dataclass
class BatchReport:
    """Outcome of rendering many scripts: counts and the failures with their reasons."""

    rendered: int = 0
    reused: int = 0
    failed: list[tuple[Script, str]] = field(default_factory=list)


def render_scripts(
    session: Session, settings: Settings, station: Station, scripts: Sequence[Script],
    progress: Callable[[int, int], None] | None = None,
) -> BatchReport:
    """Render scripts in parallel across the cores; one failure never stops the others or replaces a good render."""
    prepared = [(_job(session, settings, script, station, None), script) for script in scripts]
    outcomes = render_many([job for (job, _), _ in prepared], settings.render_workers or None, progress, tools=settings.tools)
    report = BatchReport()
    for ((job, spoken), script), outcome in zip(prepared, outcomes):
        if outcome.result is None:
            report.failed.append((script, outcome.error or ""))
            continue
        _store(session, script, spoken, outcome.result, job.chain)
        if outcome.result.cached:
            report.reused += 1
        else:
            report.rendered += 1
    return report


def playable_script(session: Session, station: Station, script_id: int, field: str = "script", or_typed: bool = False) -> tuple[Script, ScriptAudio]:
    """An approved script of the station with its audio ready, or one sentence saying why it cannot go on air."""
    instead = " hoặc nhập nội dung bản tin" if or_typed else ""  # where a typed message could replace it
    script = station_row(session, Script, script_id, station)
    if script is None:
        raise NotFound(f"Không có bài số {script_id} ở đài này: hãy chọn bài khác{instead}.")
    if script.status != ContentStatus.APPROVED:
        raise InvalidInput(f"Bài «{script.title}» chưa được duyệt nên chưa phát được: hãy gửi người phê duyệt{instead}.", field=field)
    audio = script_audio(session, script)
    if audio is None:
        raise InvalidInput(f"Bài «{script.title}» chưa có âm thanh: hãy tạo âm thanh trước{instead}.", field=field)
    return script, audio


def sound_label(script: Script) -> str:
    """How a programme names an approved recording: a media item's file, or an announcer reading a script."""
    return "media" if script.kind == AUDIO else "recording"


def script_audio(session: Session, script: Script) -> ScriptAudio | None:
    """What a programme plays for this script now, or None when nothing is ready."""
    recording = approved_recording(session, script)
    if recording is not None and Path(recording.path).exists():
        return ScriptAudio(Path(recording.path), sound_label(script), recording.duration_s, recording_id=recording.id)
    render = current_render(session, script)
    if render is not None and Path(render.path).exists():
        return ScriptAudio(Path(render.path), voice_label(render.engine, render.voice), render.duration_s, render_id=render.id)
    return None


def current_audio(session: Session, scripts: Sequence[Script]) -> dict[int, ScriptAudio]:
    """What each script plays now, as `script_audio` decides, in two queries instead of two per script."""
    if not scripts:
        return {}
    ids = [s.id for s in scripts]
    recordings: dict[int, Recording] = {}
    current_rec = and_(Script.id == Recording.script_id, Script.version == Recording.script_version)
    for row in session.scalars(select(Recording).join(Script, current_rec)
                               .where(Recording.script_id.in_(ids), Recording.status == ContentStatus.APPROVED).order_by(Recording.id.desc())):
        recordings.setdefault(row.script_id, row)
    renders: dict[int, Render] = {}
    current_ren = and_(Script.id == Render.script_id, Script.version == Render.script_version)
    for row in session.scalars(select(Render).join(Script, current_ren).where(Render.script_id.in_(ids)).order_by(Render.id.desc())):
        renders.setdefault(row.script_id, row)
    found: dict[int, ScriptAudio] = {}
    by_id = {s.id: s for s in scripts}
    for script_id in ids:
        rec, ren = recordings.get(script_id), renders.get(script_id)
        if rec is not None and Path(rec.path).exists():
            found[script_id] = ScriptAudio(Path(rec.path), sound_label(by_id[script_id]), rec.duration_s, recording_id=rec.id)
        elif ren is not None and Path(ren.path).exists():
            found[script_id] = ScriptAudio(Path(ren.path), voice_label(ren.engine, ren.voice), ren.duration_s, render_id=ren.id)
    return found


def airing_label(audio: ScriptAudio | None) -> str:
    """Which voice a script airs with today, as the panel says it: the recording, the voice and settings of its render, or nothing yet."""
    if audio is None:
        return "Chưa có âm thanh: hãy ghi âm hoặc tạo giọng đọc"
    if audio.recording_id is not None:
        return "Bản ghi âm giọng người đọc"
    return f"Giọng máy {audio.voice}"
