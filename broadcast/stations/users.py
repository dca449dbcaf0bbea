"""User accounts: creation, password hashing (Argon2id) and roles per station."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from broadcast.db import read_rows
from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import Membership, Role, Station, User

_HASHER = PasswordHasher()
USERNAME_RE = re.compile(r"^[a-z0-9_.-]{3,64}$")
MIN_PASSWORD = 8

ROLE_LABELS = {Role.ADMIN: "quản trị", Role.EDITOR: "biên tập", Role.APPROVER: "phê duyệt", Role.VIEWER: "xem"}


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _HASHER.hash(password)


def check_password(user: User, password: str) -> bool:
    """True when the password matches the user's hash."""
    try:
        return _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def parse_role(text: str) -> Role:
    """Accept a role by its English value or Vietnamese label."""
    text = text.strip().lower()
    for role, label in ROLE_LABELS.items():
        if text in (role.value, label):
            return role
    names = ", ".join(r.value for r in Role)
    raise InvalidInput(f"Vai trò {text!r} không có: chọn một trong {names}.", field="role")


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"Mật khẩu quá ngắn: cần ít nhất {MIN_PASSWORD} ký tự.", field="password")


def create_user(session: Session, username: str, password: str, role: Role, station: Station, full_name: str = "") -> User:
    """Create a user with a role at a station."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise InvalidInput("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang (3–64 ký tự).", field="username")
    _check_password_rules(password)
    if session.scalar(select(User).where(User.username == username)):
        raise Conflict(f"Tên đăng nhập {username} đã có người dùng: chọn tên khác.")
    user = User(username=username, full_name=full_name.strip(), password_hash=hash_password(password))
    user.memberships.append(Membership(station_id=station.id, role=role))
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, username: str) -> User:
    """Find a user by name or raise NotFound."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"Không có người dùng {username}: xem danh sách bằng `loaxa user list`.")
    return user


def active_user(session: Session, username: str) -> User:
    """An active user by name (as get_user finds it), or NotFound: a locked account may not act."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        raise NotFound(f"Không có người dùng {username!r} đang hoạt động: hãy kiểm tra tên đăng nhập.")
    return user


def all_users(session: Session) -> list[User]:
    """Every user account, by username."""
    return list(session.scalars(select(User).order_by(User.username)))


def set_password(session: Session, username: str, password: str) -> User:
    """Replace a user's password."""
    user = get_user(session, username)
    _check_password_rules(password)
    user.password_hash = hash_password(password)
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active:
        _HASHER.hash(password)  # spend the same time as a real check so names cannot be probed
        return None
    return user if check_password(user, password) else None


@dataclass(frozen=True)
class StationRole:
    """A station a user works at, with their role there."""

    id: int
    slug: str
    name: str
    role: Role
    timezone: str  # the station's IANA zone: its pages are written in it


@dataclass(frozen=True)
class Account:
    """The fields of a user's row that a logged-in request needs."""

    id: int
    username: str
    full_name: str
    is_active: bool


def user_stations(session: Session, user_id: int) -> list[StationRole]:
    """The stations a user has a role at, by slug (one query)."""
    rows = session.execute(select(Station.id, Station.slug, Station.name, Membership.role, Station.timezone)
                           .join(Membership, Membership.station_id == Station.id).where(Membership.user_id == user_id).order_by(Station.slug))
    return [StationRole(*row) for row in rows]


# Built once, and read without the ORM: every panel request runs it first, and both costs were more than the query's.
_USER_AND_STATIONS = (
    select(User.id, User.username, User.full_name, User.is_active, Station.id, Station.slug, Station.name, Membership.role, Station.timezone)
    .select_from(User).outerjoin(Membership, Membership.user_id == User.id).outerjoin(Station, Station.id == Membership.station_id)
    .where(User.id == bindparam("user_id")).order_by(Station.slug)
)


def user_and_stations(session: Session, user_id: int) -> tuple[Account | None, list[StationRole]]:
    """A user's account and the stations they have a role at, by slug, in one query (every panel request asks for both)."""
    rows = read_rows(session, _USER_AND_STATIONS, {"user_id": user_id})
    if not rows:
        return None, []
    return Account(*rows[0][:4]), [StationRole(*row[4:]) for row in rows if row[4] is not None]


def default_station(choices: list[StationRole], preferred_slug: str) -> StationRole | None:
    """The preferred station (the machine's LOAXA_STATION) when the user works there, else their first."""
    return next((c for c in choices if c.slug == preferred_slug), choices[0] if choices else None)


def check_can_manage(session: Session, actor: User, target: User) -> None:
    """An admin may lock or reset the password of an account only when they administer every station it works at."""
    if actor.id == target.id:
        return
    administered = {m.station_id for m in actor.memberships if m.role == Role.ADMIN}
    if any(m.station_id not in administered for m in target.memberships):
        raise PermissionDenied(f"Tài khoản {target.username} còn làm việc ở đài khác mà bạn không quản trị: chỉ người quản trị mọi đài của tài khoản này mới khóa hoặc đổi mật khẩu được.")


def role_at(user: User, station_id: int) -> Role | None:
    """The user's role at a station, or None."""
    for membership in user.memberships:
        if membership.station_id == station_id:
            return membership.role
    return None


def station_users(session: Session, station: Station) -> list[tuple[User, Role]]:
    """Users with a role at the station, sorted by name."""
    rows = session.execute(
        select(User, Membership.role).join(Membership, Membership.user_id == User.id).where(Membership.station_id == station.id).order_by(User.username)
    ).all()
    return [(user, role) for user, role in rows]


def author_names(session: Session) -> dict[int, str]:
    """Every user's display name (full name, else username) by id, for "written by" columns."""
    return {u.id: u.full_name or u.username for u in all_users(session)}


def _admins_left(session: Session, station: Station, without: User) -> int:
    return sum(1 for user, role in station_users(session, station) if role == Role.ADMIN and user.is_active and user.id != without.id)


def set_role(session: Session, user: User, station: Station, role: Role) -> User:
    """Change a user's role at a station; the last active admin keeps theirs."""
    current = role_at(user, station.id)
    if current == Role.ADMIN and role != Role.ADMIN and _admins_left(session, station, user) == 0:
        raise InvalidInput("Đây là quản trị cuối cùng của đài: hãy cấp quyền quản trị cho người khác trước.", field="role")
    for membership in user.memberships:
        if membership.station_id == station.id:
            membership.role = role
            break
    else:
        user.memberships.append(Membership(station_id=station.id, role=role))
    session.flush()
    return user


def revoke_role(session: Session, user: User, station: Station) -> User:
    """Take away a user's role at a station; the last active admin of a station keeps theirs."""
    current = role_at(user, station.id)
    if current is None:
        raise NotFound(f"Người dùng {user.username} không có quyền ở đài {station.slug}: không có gì để thu hồi.")
    if current == Role.ADMIN and _admins_left(session, station, user) == 0:
        raise InvalidInput(f"{user.username} là quản trị cuối cùng của đài {station.slug}: hãy cấp quyền quản trị cho người khác trước.", field="role")
    user.memberships = [m for m in user.memberships if m.station_id != station.id]
    session.flush()
    return user


def set_active(session: Session, user: User, station: Station, active: bool) -> User:
    """Lock or unlock an account; the last active admin cannot be locked."""
    if not active and role_at(user, station.id) == Role.ADMIN and _admins_left(session, station, user) == 0:
        raise InvalidInput("Không thể khóa quản trị cuối cùng của đài.", field="active")
    user.is_active = active
    session.flush()
    return user
