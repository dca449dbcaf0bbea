"""The media library: any audio file as content, stored as a script whose sound is its recording.

A media item is a `Script` of kind `audio` with one `Recording` per version (the finished file, the original kept
beside it). Approving the script approves its sound, so everything that takes a script (programmes, pools, rotation,
targets, one-offs, bulletins, the log, the report) takes a media item on the one path `rendering.script_audio`.
"""

from __future__ import annotations

from pathlib import Path
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from audio.errors import AudioError
from audio.media import prepare_media
from broadcast.config import Settings
from broadcast.content.rendering import loudness_target
from broadcast.content.scripts import AUDIO, create_script
from broadcast.errors import InvalidInput
from broadcast.models import ContentStatus, Recording, Script, Station, User

MediaItem = Script  # a media item is a script of kind audio: one table, one path to air

# What an item is, as the operator picks it; the label is stored as the script's category (the list filters on it).
MEDIA_KINDS: dict[str, str] = {
    "song": "bài hát",
    "reportage": "phóng sự",
    "programme": "chương trình tiếp sóng",
    "live": "phát trực tiếp",
    "other": "tệp âm thanh",
}


def media_kind_label(kind: str) -> str:
    """The category label of a media kind, or InvalidInput naming the accepted kinds."""
    label = MEDIA_KINDS.get((kind or "other").strip().lower())
    if label is None:
        raise InvalidInput(f"Loại tệp âm thanh «{kind}» không có: hãy chọn một trong {', '.join(MEDIA_KINDS)}.", field="kind")
    return label


def media_dirs(settings: Settings) -> tuple[Path, Path]:
    """Where finished media files and the kept originals live (named by content, never by the uploader)."""
    return settings.audio_dir / "media", settings.audio_dir / "media-originals"


def import_media(session: Session, settings: Settings, station: Station, path: Path, title: str = "", kind: str = "other",
                 original_name: str | None = None, by: User | None = None) -> MediaItem:
    """Check, normalize and store an audio file as a draft media item; refused in one sentence with nothing stored."""
    name = Path(original_name or Path(path).name).name[:300]
    label = media_kind_label(kind)
    if not name:
        raise InvalidInput("Chưa chọn tệp âm thanh: hãy chọn một tệp để tải lên.", field="audio")
    title = (title or "").strip() or Path(name).stem
    cache_dir, originals_dir = media_dirs(settings)
    try:
        prepared = prepare_media(Path(path), name, cache_dir, originals_dir, loudness_target(station),
                                 max_bytes=settings.max_upload_mb * 1024 * 1024, max_seconds=settings.media_max_minutes * 60.0,
                                 tools=settings.tools)
    except AudioError as exc:
        raise InvalidInput(str(exc), field="audio") from None
    result = prepared.result
    minutes, seconds = divmod(round(result.duration_s), 60)
    body = f"{label.capitalize()} từ tệp {name} ({minutes} phút {seconds:02d} giây)."
    script = create_script(session, station, title, body, by, category=label, source=name)
    script.kind = AUDIO
    session.add(Recording(station_id=station.id, script_id=script.id, script_version=script.version, original_name=name,
                          original_path=str(prepared.original), path=str(result.path), duration_s=result.duration_s,
                          lufs=result.lufs, status=ContentStatus.DRAFT, uploaded_by_id=by.id if by else None))
    session.flush()
    return script


def media_library(session: Session, station: Station) -> list[tuple[MediaItem, Recording | None]]:
    """The station's media items that are not archived, newest first, each with the sound of its current version."""
    current = and_(Recording.script_id == Script.id, Recording.script_version == Script.version)
    rows = session.execute(select(Script, Recording).outerjoin(Recording, current)
                           .where(Script.station_id == station.id, Script.kind == AUDIO, Script.status != ContentStatus.ARCHIVED)
                           .order_by(Script.id.desc(), Recording.id.desc())).all()
    library: dict[int, tuple[MediaItem, Recording | None]] = {}
    for item, sound in rows:
        library.setdefault(item.id, (item, sound))  # the newest sound of a version wins
    return list(library.values())


def media_sound(session: Session, item: MediaItem) -> Recording | None:
    """The finished sound of the item's current version (approved or not)."""
    return session.scalar(select(Recording).where(Recording.script_id == item.id, Recording.script_version == item.version)
                          .order_by(Recording.id.desc()).limit(1))
