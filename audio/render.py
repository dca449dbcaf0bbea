"""Render text to a cached, finished canonical WAV through a chain of voices with fallback."""
# Chain and cache rule: for each link in order, a cached render of *that* link is used if
# present; otherwise the link is synthesised; on failure the reason is recorded and the next
# link is tried. So a better voice placed first is always tried again before an older cached
# render of a fallback voice is reused, and `fallback_reasons` always says why earlier voices
# did not speak. The cache key covers the text/segments, engine, resolved voice, options,
# loudness target and FORMAT_VERSION, so it names exactly one sound.
#
# Length rule: a render longer than max_seconds raises TooLong but stays in the cache: it is
# good audio, the limit is the caller's slot policy, and the same text will be too long again
# (checked on cache hits too) without paying for synthesis twice.

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audio.atomic import scratch_dir, write_text
from audio.errors import (
    AllEnginesFailed, AudioError, BadAudio, BadVoiceOption, EmptyText, EngineUnavailable, SynthesisFailed,
    ToolFailed, ToolMissing, TooLong, VoiceNotFound,
)
from audio.export import check_export_path, export
from audio.format import FORMAT_VERSION
from audio.loudness import LoudnessTarget, finish
from audio.segments import join_segments
from audio.tools import Tools
from audio.tts.base import TtsEngine, VoiceSpec, without_phonemes
from audio.tts.registry import get_engine

Text = str | Sequence[tuple[str, int]]
# Failures that belong to one engine (or its output) and so move on to the next link.
_ENGINE_FAILURES = (EngineUnavailable, VoiceNotFound, BadVoiceOption, SynthesisFailed, ToolMissing, ToolFailed,
                    BadAudio)


@dataclass(frozen=True)
class RenderResult:
    """A finished canonical WAV and how it was made."""

    path: Path
    engine: str
    voice: str
    fallback_reasons: list[str] = field(default_factory=list)
    duration_s: float = 0.0
    lufs: float = 0.0
    true_peak: float = 0.0
    cache_key: str = ""
    cached: bool = False


def segments_of(text: Text) -> list[tuple[str, int]]:
    """Non-empty (text, pause_ms) segments; the last pause is dropped since finishing trims it."""
    raw = [(text, 0)] if isinstance(text, str) else [(str(t), int(p)) for t, p in text]
    segs = [(t.strip(), max(0, p)) for t, p in raw if t and t.strip()]
    if not segs:
        raise EmptyText("Văn bản cần đọc đang trống: hãy nhập nội dung trước khi tạo âm thanh.")
    segs[-1] = (segs[-1][0], 0)
    return segs


def cache_key(segments: Sequence[tuple[str, int]], engine: str, voice: str,
              options: Sequence[tuple[str, object]], target: LoudnessTarget) -> str:
    """sha256 naming one render: text, engine, voice, options, target and format version."""
    payload = {
        "format": FORMAT_VERSION,
        "segments": [[t, p] for t, p in segments],
        "engine": engine,
        "voice": voice,
        "options": sorted([str(k), repr(v)] for k, v in options),
        "target": [target.i, target.tp, target.lra],
    }
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def cache_paths(cache_dir: Path, key: str) -> tuple[Path, Path]:
    """(wav, sidecar json) paths of a cache entry."""
    folder = Path(cache_dir) / key[:2]
    return folder / f"{key}.wav", folder / f"{key}.json"


def load_cached(cache_dir: Path, key: str) -> RenderResult | None:
    """The cached result for key, or None when the wav or its sidecar is missing or unreadable."""
    wav, meta = cache_paths(cache_dir, key)
    if not wav.is_file():
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        if data["key"] != key:
            return None
        return RenderResult(
            path=wav, engine=str(data["engine"]), voice=str(data["voice"]), fallback_reasons=[],
            duration_s=float(data["duration_s"]), lufs=float(data["lufs"]), true_peak=float(data["true_peak"]),
            cache_key=key, cached=True,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store_sidecar(result: RenderResult, extra: dict[str, object] | None = None) -> None:
    """Write the sidecar JSON beside a cached wav (after the wav, so a sidecar implies a wav)."""
    data = {
        "key": result.cache_key, "engine": result.engine, "voice": result.voice,
        "duration_s": result.duration_s, "lufs": result.lufs, "true_peak": result.true_peak,
        "format_version": FORMAT_VERSION, **(extra or {}),
    }
    write_text(cache_paths(result.path.parent.parent, result.cache_key)[1],
               json.dumps(data, ensure_ascii=False, indent=1))


def _synthesize(engine: TtsEngine, spec: VoiceSpec, voice: str, segments: list[tuple[str, int]],
                cache_dir: Path, key: str, target: LoudnessTarget, tools: Tools) -> RenderResult:
    """Speak every segment with one engine, join, finish into the cache and write the sidecar."""
    engine.check(tools=tools)
    wav, _ = cache_paths(cache_dir, key)
    with scratch_dir(cache_dir, "tts") as work:
        parts: list[tuple[Path, int]] = []
        for n, (text, pause_ms) in enumerate(segments):
            raw = work / f"segment{n:04d}"
            engine.synthesize(text if engine.reads_phonemes else without_phonemes(text), voice, spec.options_dict(), raw, tools=tools)
            if not raw.is_file() or raw.stat().st_size == 0:
                raise SynthesisFailed(f"Bộ đọc {engine.name} không tạo ra âm thanh: hãy thử lại hoặc chọn giọng khác.")
            parts.append((raw, pause_ms))
        source = parts[0][0]
        if len(parts) > 1:
            source = work / "joined.wav"
            join_segments(parts, source, tools=tools)
        measured = finish(source, wav, target, tools=tools)
    result = RenderResult(
        path=wav, engine=engine.name, voice=voice, duration_s=measured.duration_s, lufs=measured.lufs,
        true_peak=measured.true_peak, cache_key=key, cached=False,
    )
    store_sidecar(result, {"text": " / ".join(t for t, _ in segments)[:200]})
    return result


def check_length(result: RenderResult, max_seconds: float | None) -> None:
    """Raise TooLong when the result exceeds max_seconds."""
    if max_seconds is not None and result.duration_s > max_seconds:
        raise TooLong(
            f"Bản đọc dài {result.duration_s:.1f} giây, quá giới hạn {max_seconds:.1f} giây: "
            "hãy rút ngắn văn bản hoặc tăng thời lượng mục phát."
        )


def render_speech(text: Text, chain: Sequence[VoiceSpec], cache_dir: Path,
                  target: LoudnessTarget = LoudnessTarget(), max_seconds: float | None = None, *,
                  tools: Tools) -> RenderResult:
    """Render text (or (text, pause_ms) segments) with the first voice of chain that works."""
    segments = segments_of(text)
    if not chain:
        raise AudioError("Chưa chọn giọng đọc nào: hãy cấu hình ít nhất một giọng, ví dụ espeak.")
    tools.path("ffmpeg")  # a missing ffmpeg is not one engine's fault: report it once
    reasons: list[str] = []
    for spec in chain:
        try:
            engine = get_engine(spec.engine)
        except AudioError as exc:
            reasons.append(f"{spec.engine}: {exc}")
            continue
        voice = engine.resolve_voice(spec.voice)
        key = cache_key(segments, engine.name, voice, spec.options, target)
        result = load_cached(cache_dir, key)
        if result is None:
            try:
                result = _synthesize(engine, spec, voice, segments, Path(cache_dir), key, target, tools)
            except _ENGINE_FAILURES as exc:
                reasons.append(f"{engine.name}: {exc}")
                continue
            except OSError as exc:
                # A full disk or a read-only folder is no engine's fault: the next voice would fail the same way.
                raise AudioError(f"Không ghi được âm thanh vào thư mục '{cache_dir}' ({exc.strerror}): "
                                 "hãy kiểm tra ổ đĩa còn chỗ trống và thư mục cho phép ghi.") from exc
        result = dataclasses.replace(result, fallback_reasons=list(reasons))
        check_length(result, max_seconds)
        return result
    raise AllEnginesFailed(
        f"Không bộ đọc nào đọc được văn bản ({'; '.join(reasons)}): hãy kiểm tra các giọng trong chuỗi dự phòng.",
        reasons,
    )


def render_to_file(text: Text, chain: Sequence[VoiceSpec], out_path: Path, cache_dir: Path,
                   target: LoudnessTarget = LoudnessTarget(), max_seconds: float | None = None, *,
                   tools: Tools) -> RenderResult:
    """Render then export to out_path (.wav canonical copy, .mp3 encoded) atomically."""
    check_export_path(out_path)
    result = render_speech(text, chain, cache_dir, target, max_seconds, tools=tools)
    export(result.path, Path(out_path), tools=tools)
    return dataclasses.replace(result, path=Path(out_path))
