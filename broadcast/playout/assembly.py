"""Assembling a broadcast's audio: each run of items between relays joined into one gapless file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from audio.assemble import assemble, cut_faded
from audio.format import wav_duration
from broadcast.config import Settings
from broadcast.errors import InvalidInput
from broadcast.models import Broadcast, BroadcastStatus, ItemType, Station
from broadcast.planning.writer import plan_hash
from broadcast.stations.lookup import station_tz

# A cut music bed fades out over its last seconds instead of stopping dead.
FILLER_FADE_S = 2.0


def broadcast_file(settings: Settings, station: Station, broadcast: Broadcast, run: int | None = None) -> Path:
    """Where a broadcast's assembled audio (or one run of it, around relays) lives."""
    day = broadcast.planned_start.astimezone(station_tz(station)).strftime("%Y-%m-%d")
    suffix = "" if run is None else f"-{run}"
    return settings.broadcasts_dir / station.slug / day / f"{broadcast.id}-{broadcast.plan_hash[:12]}{suffix}.wav"


def _cut_filler(settings: Settings, src: Path, seconds: float, out: Path) -> Path:
    """The first `seconds` of the station's filler fading out, made once per length (the name says which file and length)."""
    if not out.exists():
        cut_faded(src, seconds, out, FILLER_FADE_S, tools=settings.tools)
    return out


def _is_assembled(broadcast: Broadcast) -> bool:
    """Whether the stored segments were made from the current plan and their files are still there."""
    if not broadcast.segments or not broadcast.plan_hash:
        return False
    files = [s for s in broadcast.segments if s.get("kind") == "file"]
    return all(Path(s["path"]).exists() and broadcast.plan_hash[:12] in Path(s["path"]).name for s in files)


def assemble_broadcast(session: Session, settings: Settings, station: Station, broadcast: Broadcast) -> list[dict[str, Any]]:
    """Join each run of non-relay items into one gapless WAV (samples copied) and fill Broadcast.segments.

    A programme without a relay becomes one file, kept in audio_path; relays become relay segments
    between the files. Nothing is done when the plan has not changed since the last assembly.
    """
    if _is_assembled(broadcast):
        return list(broadcast.segments)
    if not broadcast.items:
        raise InvalidInput(f"Buổi phát «{broadcast.title}» chưa có mục nào: hãy lập lịch hoặc thêm bài trước khi ghép âm thanh.")
    if not broadcast.plan_hash:
        broadcast.plan_hash = plan_hash(broadcast.items)
    segments: list[dict[str, Any]] = []
    runs: list[tuple[float, list[Path]]] = []
    current: list[Path] = []
    run_start = 0.0
    for item in broadcast.items:
        if item.item_type == ItemType.RELAY:
            if current:
                runs.append((run_start, current))
                segments.append({"kind": "file", "run": len(runs) - 1})
                current = []
            segments.append({"kind": "relay", "url": item.relay_url, "offset_s": item.offset_s, "duration_s": item.duration_s, "title": item.title})
            continue
        if not current:
            run_start = item.offset_s
        path = Path(item.audio_path) if item.audio_path else None
        if path is None or not path.exists():
            raise InvalidInput(f"Mục «{item.title}» của buổi phát «{broadcast.title}» không có tệp âm thanh: hãy tạo lại âm thanh rồi lập lịch lại.")
        if item.item_type == ItemType.FILLER and item.duration_s < (wav_duration(path) or 0.0) - 0.01:
            stat = path.stat()  # a replaced filler file must not reuse cuts of the old one
            name = f"{path.stem}-{stat.st_size}-{stat.st_mtime_ns}-{round(item.duration_s * 1000)}.wav"
            path = _cut_filler(settings, path, item.duration_s, settings.audio_dir / "assets" / station.slug / "cuts" / name)
        current.append(path)
    if current:
        runs.append((run_start, current))
        segments.append({"kind": "file", "run": len(runs) - 1})
    single = len(runs) == 1 and len(segments) == 1
    made: list[dict[str, Any]] = []
    for segment in segments:
        if segment["kind"] != "file":
            made.append(segment)
            continue
        offset, parts = runs[segment["run"]]
        target = broadcast_file(settings, station, broadcast, None if single else segment["run"])
        target.parent.mkdir(parents=True, exist_ok=True)
        seconds = assemble(parts, target, tools=settings.tools)
        made.append({"kind": "file", "path": str(target), "offset_s": offset, "duration_s": seconds})
    _remove_stale(settings, station, broadcast)
    broadcast.segments = made
    broadcast.audio_path = made[0]["path"] if single else ""
    broadcast.audio_duration_s = sum(s["duration_s"] for s in made)
    broadcast.status = BroadcastStatus.READY
    session.flush()
    return list(made)


def _remove_stale(settings: Settings, station: Station, broadcast: Broadcast) -> None:
    """Delete this broadcast's files assembled from older plans."""
    folder = broadcast_file(settings, station, broadcast).parent
    for old in folder.glob(f"{broadcast.id}-*.wav"):
        if broadcast.plan_hash[:12] not in old.name:
            old.unlink(missing_ok=True)
