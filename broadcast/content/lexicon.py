"""The station's lexicon: its own abbreviations and pronunciations for the normalizer."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import Conflict, InvalidInput, NotFound
from broadcast.models import LexiconEntry, Station
from broadcast.stations.lookup import station_row
from scripts_vi.clean import clean_text
from scripts_vi.normalize import PHONEMES

KINDS = {"abbreviation": "viết tắt", "pronunciation": "cách đọc"}
MAX_TERM = 100
MAX_SPOKEN = 300


def _validated(term: str, spoken: str, kind: str) -> tuple[str, str, str]:
    term = clean_text(term or "").strip()
    spoken = clean_text(spoken or "").strip()
    if not term:
        raise InvalidInput("Từ viết tắt đang để trống: hãy nhập từ cần đọc.", field="term")
    if len(term) > MAX_TERM or len(term.split()) > 4:
        raise InvalidInput(f"Từ quá dài (tối đa {MAX_TERM} ký tự, 4 chữ): hãy nhập đúng từ viết tắt.", field="term")
    if not spoken:
        raise InvalidInput("Cách đọc đang để trống: hãy nhập cách đọc đầy đủ.", field="spoken")
    if len(spoken) > MAX_SPOKEN:
        raise InvalidInput(f"Cách đọc dài quá {MAX_SPOKEN} ký tự: hãy rút gọn.", field="spoken")
    if kind == "pronunciation" and "[[" in spoken:
        if not PHONEMES.fullmatch(spoken):
            raise InvalidInput("Cách đọc bằng âm vị espeak phải nằm trọn trong [[ ]], ví dụ [[h'a2:n]].", field="spoken")
    elif any(ch.isdigit() for ch in spoken):
        raise InvalidInput("Cách đọc phải viết bằng chữ, không có chữ số: ví dụ 'mười lăm' thay vì '15'.", field="spoken")
    if kind not in KINDS:
        raise InvalidInput("Loại mục từ điển không có: chọn viết tắt hoặc cách đọc.", field="kind")
    return term, spoken, kind


def list_entries(session: Session, station: Station) -> Sequence[LexiconEntry]:
    """The station's entries, sorted by term."""
    return session.scalars(select(LexiconEntry).where(LexiconEntry.station_id == station.id).order_by(LexiconEntry.term)).all()


def get_entry(session: Session, station: Station, entry_id: int) -> LexiconEntry:
    """One entry of this station, or NotFound."""
    entry = station_row(session, LexiconEntry, entry_id, station)
    if entry is None:
        raise NotFound(f"Không có mục từ điển số {entry_id}.")
    return entry


def _check_unique(session: Session, station: Station, term: str, except_id: int | None = None) -> None:
    other = session.scalar(select(LexiconEntry).where(LexiconEntry.station_id == station.id, LexiconEntry.term == term))
    if other is not None and other.id != except_id:
        raise InvalidInput(f"Từ {term} đã có trong từ điển: hãy sửa mục đã có.", field="term")


def add_entry(session: Session, station: Station, term: str, spoken: str, kind: str = "abbreviation") -> LexiconEntry:
    """Add an entry after validation."""
    term, spoken, kind = _validated(term, spoken, kind)
    _check_unique(session, station, term)
    entry = LexiconEntry(station_id=station.id, term=term, spoken=spoken, kind=kind)
    session.add(entry)
    session.flush()
    return entry


def update_entry(session: Session, entry: LexiconEntry, term: str, spoken: str, kind: str) -> LexiconEntry:
    """Change an entry after validation."""
    term, spoken, kind = _validated(term, spoken, kind)
    station = session.get(Station, entry.station_id)
    if station is None:
        raise Conflict("Đài của mục từ điển không còn.")
    _check_unique(session, station, term, except_id=entry.id)
    entry.term, entry.spoken, entry.kind = term, spoken, kind
    session.flush()
    return entry


def delete_entry(session: Session, entry: LexiconEntry) -> None:
    """Remove an entry."""
    session.delete(entry)
    session.flush()
