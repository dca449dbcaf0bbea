"""Recordings of scripts by a human announcer: upload, prepare, approve."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.errors import AudioError
from audio.recording import prepare_recording
from broadcast.config import Settings
from broadcast.content.rendering import loudness_target
from broadcast.errors import InvalidInput, NotFound, PermissionDenied
from broadcast.models import ContentStatus, Recording, Role, Script, Slot, Station, User
from broadcast.stations.users import role_at
from broadcast.stations.lookup import station_row

AUDIO_SUFFIXES = (".mp3", ".wav", ".m4a", ".ogg", ".oga", ".opus", ".webm", ".flac", ".aac")


def recordings_dir(settings: Settings) -> Path:
    """Where prepared recordings are kept (named by content hash, never by the uploader)."""
    return settings.audio_dir / "recordings"


def longest_slot_s(session: Session, station_id: int) -> float | None:
    """The longest active slot of the station: no recording may be longer."""
    value = session.scalar(select(func.max(Slot.duration_s)).where(Slot.station_id == station_id, Slot.is_active.is_(True)))
    return float(value) if value else None


def add_recording(session: Session, settings: Settings, station: Station, script: Script, src: Path, original_name: str, user: User | None = None) -> Recording:
    """Validate an uploaded file, prepare it into the broadcast format and attach it to the script's current version."""
    name = Path(original_name or "").name[:300]
    if not name:
        raise InvalidInput("Chưa chọn tệp ghi âm: hãy chọn một tệp âm thanh.", field="audio")
    if Path(name).suffix.lower() not in AUDIO_SUFFIXES:
        raise InvalidInput(f"Tệp {name} không phải tệp âm thanh: hãy tải tệp MP3, WAV, M4A, OGG hoặc WebM.", field="audio")
    try:
        result = prepare_recording(Path(src), recordings_dir(settings), loudness_target(station),
                                   max_bytes=settings.max_upload_mb * 1024 * 1024, max_seconds=longest_slot_s(session, station.id), tools=settings.tools)
    except AudioError as exc:
        raise InvalidInput(str(exc), field="audio") from None
    recording = Recording(
        station_id=station.id, script_id=script.id, script_version=script.version, original_name=name,
        path=str(result.path), duration_s=result.duration_s, lufs=result.lufs,
        status=ContentStatus.DRAFT, uploaded_by_id=user.id if user else None,
    )
    session.add(recording)
    session.flush()
    return recording


def get_recording(session: Session, station: Station, recording_id: int) -> Recording:
    """A recording of this station, or NotFound."""
    recording = station_row(session, Recording, recording_id, station)
    if recording is None:
        raise NotFound(f"Không có bản ghi âm số {recording_id} ở đài này.")
    return recording


def script_recordings(session: Session, script: Script) -> Sequence[Recording]:
    """All recordings of a script, newest first."""
    return session.scalars(select(Recording).where(Recording.script_id == script.id).order_by(Recording.id.desc())).all()


def approve_recording(session: Session, recording: Recording, approver: User) -> Recording:
    """Approve a recording for air; only approvers (and admins) may."""
    if role_at(approver, recording.station_id) not in (Role.APPROVER, Role.ADMIN):
        raise PermissionDenied("Chỉ người có vai trò phê duyệt mới được duyệt bản ghi âm.")
    recording.status = ContentStatus.APPROVED
    recording.approved_by_id = approver.id
    session.flush()
    return recording


def return_recording(session: Session, recording: Recording, approver: User) -> Recording:
    """Refuse a recording: the render is used instead until a new one is approved."""
    if role_at(approver, recording.station_id) not in (Role.APPROVER, Role.ADMIN):
        raise PermissionDenied("Chỉ người có vai trò phê duyệt mới được trả lại bản ghi âm.")
    recording.status = ContentStatus.RETURNED
    session.flush()
    return recording
