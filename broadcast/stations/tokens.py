"""Personal API tokens: made by a user, named, expiring, revocable, stored hashed; a call acts as the user with their roles."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import InvalidInput, NotFound, PermissionDenied
from broadcast.models import ApiToken, Station, User
from scripts_vi.clean import clean_text

# How long a token may live (days): long enough for a province system, short enough that a forgotten one dies.
MAX_DAYS = 366
MAX_NAME = 100


def hash_token(token: str) -> str:
    """SHA-256 of a token (tokens are 256-bit random, so a plain hash is enough)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_token_request(name: str, days: int | None) -> tuple[str, int]:
    """The cleaned name and lifetime of a token to make, or InvalidInput saying which is wrong."""
    name = clean_text(name or "").strip()  # before any query: PostgreSQL refuses a NUL byte even in a WHERE
    if not name:
        raise InvalidInput("Tên mã API đang để trống: hãy đặt tên cho biết mã dùng ở đâu, ví dụ «hệ thống tỉnh».", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Tên mã API dài quá {MAX_NAME} ký tự: hãy đặt tên ngắn hơn.", field="name")
    if days is None or not 1 <= days <= MAX_DAYS:
        raise InvalidInput(f"Thời hạn mã API phải từ 1 đến {MAX_DAYS} ngày: hãy nhập lại số ngày.", field="days")
    return name, days


def create_api_token(session: Session, user: User, name: str, days: int | None, now: datetime, station: Station | None = None) -> tuple[ApiToken, str]:
    """A new token of a user (optionally for one station); the plain token is returned once and never stored."""
    name, days = check_token_request(name, days)
    if session.scalar(select(ApiToken.id).where(ApiToken.user_id == user.id, ApiToken.name == name, ApiToken.revoked_at.is_(None))):
        raise InvalidInput(f"Bạn đã có mã API tên «{name}» còn hiệu lực: hãy đặt tên khác hoặc thu hồi mã cũ trước.", field="name")
    secret = "lx_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, station_id=station.id if station else None, name=name, token_hash=hash_token(secret),
                     created_at=now, expires_at=now + timedelta(days=days))
    session.add(token)
    session.flush()
    return token, secret


def user_tokens(session: Session, user: User) -> list[ApiToken]:
    """A user's tokens, newest first."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_api_token(session: Session, user: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens (revoking twice changes nothing)."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("Không có mã API này trong các mã của bạn: hãy tải lại trang.")
    if token.revoked_at is None:
        token.revoked_at = now
    session.flush()
    return token


def is_valid(token: ApiToken, now: datetime) -> bool:
    """Whether a token may be used at this instant."""
    return token.revoked_at is None and now < token.expires_at


def token_owner(session: Session, secret: str, now: datetime) -> tuple[ApiToken, User]:
    """The valid token with this secret and its active user, or PermissionDenied saying why."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(secret or "")))
    if token is None or token.revoked_at is not None:
        raise PermissionDenied("Mã API không đúng hoặc đã bị thu hồi: hãy tạo mã mới ở trang «Mã API» của bảng quản trị.")
    if now >= token.expires_at:
        raise PermissionDenied("Mã API đã hết hạn: hãy tạo mã mới ở trang «Mã API» của bảng quản trị.")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise PermissionDenied("Tài khoản của mã API này đã bị khóa: hãy nhờ quản trị mở khóa.")
    return token, user
