"""Operator-added one-off broadcasts, validated before the message is rendered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.config import Settings
from broadcast.errors import InvalidInput
from broadcast.models import Broadcast, User, Zone, Station
from broadcast.oneoff import create_message_broadcast
from broadcast.scripts import MAX_BODY_CHARS, MAX_TITLE
from scripts_vi.clean import clean_text


def add_one_off(session: Session, settings: Settings, station: Station, title: str, text: str, start: datetime | None,
                zone_ids: list[int], now: datetime, user: User | None = None) -> Broadcast:
    """A one-off broadcast of a typed message at a future instant, on chosen zones (none = all)."""
    title = clean_text(title or "").strip()
    text = clean_text(text or "").strip()
    if not title:
        raise InvalidInput("Tiêu đề đang để trống: hãy nhập tiêu đề buổi phát.", field="title")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"Tiêu đề dài quá {MAX_TITLE} ký tự: hãy rút gọn.", field="title")
    if not text:
        raise InvalidInput("Nội dung đang để trống: hãy nhập nội dung cần phát.", field="text")
    if len(text) > MAX_BODY_CHARS:
        raise InvalidInput(f"Nội dung dài quá {MAX_BODY_CHARS} ký tự: hãy chia thành nhiều buổi.", field="text")
    if start is None:
        raise InvalidInput("Ngày giờ phát không đúng: hãy chọn ngày và giờ.", field="start")
    if start <= now:
        raise InvalidInput("Giờ phát đã qua: hãy chọn một thời điểm sau bây giờ (phát ngay thì dùng trang Phát khẩn cấp).", field="start")
    known = set(session.scalars(select(Zone.id).where(Zone.station_id == station.id)))
    if not set(zone_ids) <= known:
        raise InvalidInput("Có cụm loa không thuộc đài này: hãy chọn lại.", field="zones")
    broadcast = create_message_broadcast(session, settings, station, title, text, start, zone_ids=sorted(zone_ids))
    broadcast.created_by_id = user.id if user else None
    session.flush()
    return broadcast
