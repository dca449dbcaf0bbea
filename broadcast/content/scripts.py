"""Use cases for scripts: write, edit (with versions), approve or return, import, speak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import InvalidInput, NotFound, PermissionDenied
from broadcast.models import ContentStatus, LexiconEntry, Priority, Recording, Role, Script, ScriptVersion, Station, User
from broadcast.stations.users import role_at
from broadcast.timeutil import SystemClock
from broadcast.stations.lookup import station_row
from scripts_vi.clean import clean_text
from scripts_vi.tools import ImportTools
from scripts_vi.normalize import Normalized, normalize

MAX_TITLE = 300
MAX_BODY_CHARS = 20_000  # about 50 minutes read aloud: anything longer fits no slot
# Script.kind: text read by the station's voices, or audio, a media item whose sound is its recording (content.media).
TEXT, AUDIO = "text", "audio"


def validated_text(title: str, body: str, body_field: str = "body") -> tuple[str, str]:
    """Cleaned title and body of anything to be read on air, or InvalidInput naming the field."""
    title = clean_text(title or "").strip()
    body = clean_text(body or "").strip()
    if not title:
        raise InvalidInput("Tiêu đề đang để trống: hãy nhập tiêu đề bài.", field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"Tiêu đề dài quá {MAX_TITLE} ký tự: hãy rút gọn.", field="title")
    if not body:
        raise InvalidInput("Nội dung đang để trống: hãy nhập nội dung cần phát.", field=body_field)
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"Nội dung dài quá {MAX_BODY_CHARS} ký tự, không vừa buổi phát nào: hãy chia thành nhiều phần.", field=body_field)
    return title, body


def create_script(
    session: Session,
    station: Station,
    title: str,
    body: str,
    author: User | None = None,
    category: str = "",
    priority: Priority = Priority.NORMAL,
    valid_from: date | None = None,
    valid_to: date | None = None,
    notes: str = "",
    source: str = "",
) -> Script:
    """A new draft script with its first version."""
    title, body = validated_text(title, body)
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput("Ngày kết thúc hiệu lực đứng trước ngày bắt đầu: hãy sửa lại thứ tự ngày.", field="valid_to")
    script = Script(
        station_id=station.id, title=title, body=body, category=category, priority=priority,
        valid_from=valid_from, valid_to=valid_to, notes=notes, source=source,
        created_by_id=author.id if author else None, version=1, status=ContentStatus.DRAFT,
    )
    script.versions.append(ScriptVersion(station_id=station.id, version=1, title=title, body=body, created_by_id=script.created_by_id))
    session.add(script)
    session.flush()
    return script


def update_script(session: Session, script: Script, title: str, body: str, editor: User | None = None) -> Script:
    """Edit a script; any change makes a new version and sends approved content back to draft."""
    title, body = validated_text(title, body)
    if title == script.title and body == script.body:
        return script
    script.version += 1
    script.title, script.body = title, body
    script.status = ContentStatus.DRAFT
    script.approved_by_id = None
    script.approved_at = None
    script.updated_at = SystemClock().now()
    script.versions.append(ScriptVersion(station_id=script.station_id, version=script.version, title=title, body=body, created_by_id=editor.id if editor else None))
    for sound in _media_sound(session, script, script.version - 1):
        # A media item's sound follows its new version, to be approved again with it.
        sound.script_version, sound.status, sound.approved_by_id = script.version, ContentStatus.DRAFT, None
    session.flush()
    return script


def _media_sound(session: Session, script: Script, version: int | None = None) -> list[Recording]:
    """The sound of a media item's version (its current one unless told): approved and returned with the item."""
    if script.kind != AUDIO:
        return []
    return list(session.scalars(select(Recording).where(Recording.script_id == script.id,
                                                        Recording.script_version == (version or script.version))))


def _require_approver(user: User, station_id: int) -> None:
    if role_at(user, station_id) not in (Role.APPROVER, Role.ADMIN):
        raise PermissionDenied("Chỉ người có vai trò phê duyệt mới được duyệt bài.")


def approve_script(session: Session, script: Script, approver: User) -> Script:
    """Mark a script approved for air by a user with the approver role."""
    _require_approver(approver, script.station_id)
    script.status = ContentStatus.APPROVED
    script.approved_by_id = approver.id
    script.approved_at = SystemClock().now()
    script.review_comment = ""
    for sound in _media_sound(session, script):
        sound.status, sound.approved_by_id = ContentStatus.APPROVED, approver.id
    session.flush()
    return script


def return_script(session: Session, script: Script, approver: User, comment: str) -> Script:
    """Send a script back to its author with a comment."""
    _require_approver(approver, script.station_id)
    comment = clean_text(comment or "").strip()
    if not comment:
        raise InvalidInput("Hãy ghi lý do trả lại bài để người viết biết cần sửa gì.", field="comment")
    script.status = ContentStatus.RETURNED
    script.review_comment = comment
    for sound in _media_sound(session, script):
        sound.status = ContentStatus.RETURNED
    session.flush()
    return script


def get_script(session: Session, station: Station, script_id: int) -> Script:
    """A script of this station, or NotFound."""
    script = station_row(session, Script, script_id, station)
    if script is None:
        raise NotFound(f"Không có bài số {script_id} ở đài này.")
    return script


def station_lexicon(session: Session, station_id: int) -> dict[str, str]:
    """The station's own abbreviations and pronunciations, to extend the default lexicon."""
    rows = session.scalars(select(LexiconEntry).where(LexiconEntry.station_id == station_id))
    return {row.term: row.spoken for row in rows}


def spoken_text(session: Session, station_id: int, text: str) -> Normalized:
    """The normalizer's reading of anything to be aired at a station (script or typed message), with its lexicon."""
    return normalize(text, station_lexicon(session, station_id))


def spoken_form(session: Session, script: Script) -> Normalized:
    """The normalizer's reading of a script: its title, then its body."""
    return spoken_text(session, script.station_id, script.title + ".\n" + script.body)


@dataclass(frozen=True)
class ImportPreview:
    """One file as it would be imported: the script text, what the file was, the spoken form, any problem."""

    source_path: Path
    title: str
    body: str
    described: str
    spoken: Normalized
    problem: str | None = None


def preview_import(session: Session, station: Station, paths: Iterable[Path], *, tools: ImportTools) -> tuple[list[ImportPreview], list[tuple[Path, str]]]:
    """What import_files would save from these files, read aloud with the station's lexicon; nothing is written."""
    from scripts_vi.importers import import_paths

    report = import_paths(list(paths), tools=tools)
    previews = []
    for item in report.imported:
        problem = None
        try:
            validated_text(item.title, item.body)
        except InvalidInput as exc:
            problem = str(exc)
        spoken = spoken_text(session, station.id, item.title + ".\n" + item.body)
        previews.append(ImportPreview(Path(item.source_path), item.title, item.body, item.describe(), spoken, problem))
    return previews, list(report.failed)


def import_files(
    session: Session, station: Station, paths: Iterable[Path], author: User | None = None, *, tools: ImportTools
) -> tuple[list[tuple[Script, str]], list[tuple[Path, str]]]:
    """Import .txt/.md/.docx/.doc/.pdf files as draft scripts, each with what its file was and what was converted;
    a bad file never stops the others."""
    from scripts_vi.importers import import_paths

    report = import_paths(list(paths), tools=tools)
    created: list[tuple[Script, str]] = []
    failed = list(report.failed)
    for item in report.imported:
        try:
            with session.begin_nested():
                script = create_script(session, station, item.title, item.body, author, source=str(item.source_path))
                created.append((script, item.describe()))
        except InvalidInput as exc:
            failed.append((Path(item.source_path), str(exc)))
    return created, failed
