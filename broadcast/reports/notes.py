"""The operator's free text on other station activities during a campaign (section V of the report)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import InvalidInput, PermissionDenied
from broadcast.models import Campaign, ReportNote, Role, User
from broadcast.stations.users import role_at
from broadcast.timeutil import Clock, SystemClock
from scripts_vi.clean import clean_text

MAX_NOTE_CHARS = 10_000
WRITERS = (Role.ADMIN, Role.EDITOR, Role.APPROVER)


def get_note(session: Session, campaign: Campaign) -> ReportNote | None:
    """The campaign's note row, or None when nobody wrote one."""
    return session.scalar(select(ReportNote).where(ReportNote.campaign_id == campaign.id))


def get_note_text(session: Session, campaign: Campaign) -> str:
    """The campaign's note text ('' when none)."""
    note = get_note(session, campaign)
    return note.body if note else ""


def save_note(session: Session, campaign: Campaign, body: str, user: User | None = None, clock: Clock | None = None) -> ReportNote:
    """Create or replace the campaign's note; `user` None means the station's console (CLI)."""
    if user is not None and role_at(user, campaign.station_id) not in WRITERS:
        raise PermissionDenied("Chỉ cán bộ biên tập, phê duyệt hoặc quản trị mới được ghi hoạt động khác của đài vào báo cáo.")
    text = clean_text(body or "").strip()
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidInput(f"Phần hoạt động khác dài {len(text)} ký tự, quá {MAX_NOTE_CHARS}: hãy viết gọn lại.", field="body")
    note = get_note(session, campaign)
    if note is None:
        note = ReportNote(station_id=campaign.station_id, campaign_id=campaign.id)
        session.add(note)
    now: datetime = (clock or SystemClock()).now()
    note.body, note.updated_by_id, note.updated_at = text, user.id if user else None, now
    session.flush()
    return note
