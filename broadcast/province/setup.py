"""Creating stations and giving users roles at many stations (a province runs hundreds of communes)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from audio.ffmpeg import probe
from audio.jingles import generate_chime, generate_filler
from broadcast.config import Settings
from broadcast.content.rendering import loudness_target
from broadcast.errors import Conflict, InvalidInput
from broadcast.models import Asset, Membership, ProgrammeTemplate, Role, Slot, Station, User, Zone
from broadcast.planning.planner import DEFAULT_TEMPLATE
from broadcast.stations.lookup import get_station
from broadcast.stations.settings import add_zone, station_name
from broadcast.stations.users import get_user, revoke_role, set_role

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64
MAX_ZONES = 200
# The two daily broadcasts communes commonly keep (around 5:00 and 17:00), as the demo station has them.
STANDARD_SLOTS = (("Buổi sáng", time(5, 30), 1800), ("Buổi chiều", time(17, 0), 1800))
STANDARD_TEMPLATE_NAME = "Chương trình thường ngày"
# Generated signature chimes and music bed (sine tones, nothing downloaded) until the station records its own.
JINGLES = (("jingle_open", "Nhạc hiệu mở đầu", "open"), ("jingle_close", "Nhạc hiệu kết thúc", "close"), ("separator", "Nhạc chuyển", "separator"),
           ("filler", "Nhạc nền", "filler"))
# The music bed that fills a short gap before a slot ends (cut to the gap at assembly).
FILLER_SECONDS = 180.0


@dataclass(frozen=True)
class StationSummary:
    """One line of `loaxa station list`."""

    slug: str
    name: str
    timezone: str
    zones: int
    users: int


def numbered_zones(count: int) -> list[tuple[str, str]]:
    """Zones thon-1 … thon-N named Thôn 1 … Thôn N, as the demo station has them."""
    if not 1 <= count <= MAX_ZONES:
        raise InvalidInput(f"Số thôn phải từ 1 đến {MAX_ZONES}: hãy nhập lại, ví dụ --zones 8.", field="zones")
    return [(f"thon-{n}", f"Thôn {n}") for n in range(1, count + 1)]


def parse_zone(text: str) -> tuple[str, str]:
    """A zone typed as code=Name (e.g. thon-1=Thôn 1)."""
    code, sep, name = text.partition("=")
    if not sep or not code.strip() or not name.strip():
        raise InvalidInput(f"Cụm loa «{text}» không đúng dạng: hãy viết mã=Tên, ví dụ thon-1=\"Thôn 1\".", field="zones")
    return code.strip(), name.strip()


def check_slug(slug: str) -> str:
    """The slug lowercased, or InvalidInput when it cannot name folders and stream mounts."""
    typed = (slug or "").strip()
    slug = typed.lower()
    if not SLUG_RE.match(slug) or len(slug) > MAX_SLUG:
        raise InvalidInput(f"Mã đài «{typed}» không dùng được: chỉ gồm chữ thường không dấu, số và gạch ngang (tối đa {MAX_SLUG} ký tự), ví dụ cam-tan.", field="slug")
    return slug


def create_station(session: Session, slug: str, name: str, zones: Sequence[tuple[str, str]], timezone: str = "Asia/Ho_Chi_Minh",
                   standard_slots: bool = True) -> Station:
    """A new station with its zones (stream mounts /<slug>-<code>) and, by default, the two standard daily slots."""
    slug = check_slug(slug)
    name = station_name(name)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"Múi giờ «{timezone}» không có: hãy dùng tên như Asia/Ho_Chi_Minh.", field="timezone") from None
    if not zones:
        raise InvalidInput("Đài chưa có thôn nào: hãy thêm --zones 8 hoặc từng thôn --zone thon-1=\"Thôn 1\".", field="zones")
    if len(zones) > MAX_ZONES:
        raise InvalidInput(f"Một đài có tối đa {MAX_ZONES} thôn.", field="zones")
    if session.scalar(select(Station.id).where(Station.slug == slug)) is not None:
        raise Conflict(f"Đã có đài mã {slug}: chọn mã khác hoặc xem danh sách bằng `loaxa station list`.")
    station = Station(slug=slug, name=name, timezone=timezone, voice_chain=[{"engine": "espeak", "voice": "vi"}])
    session.add(station)
    session.flush()
    for code, zone_name in zones:
        add_zone(session, station, code, zone_name)
    if standard_slots:
        add_standard_programme(session, station)
    return station


def add_standard_programme(session: Session, station: Station) -> ProgrammeTemplate:
    """The everyday programme clock and the two standard daily slots that use it."""
    template = session.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.station_id == station.id, ProgrammeTemplate.name == STANDARD_TEMPLATE_NAME))
    if template is None:
        template = ProgrammeTemplate(station_id=station.id, name=STANDARD_TEMPLATE_NAME, items=[dict(i) for i in DEFAULT_TEMPLATE])
        session.add(template)
        session.flush()
    for slot_name, start, duration in STANDARD_SLOTS:
        session.add(Slot(station_id=station.id, name=slot_name, start_time=start, duration_s=duration, template_id=template.id))
    session.flush()
    return template


def ensure_jingles(session: Session, settings: Settings, station: Station) -> list[str]:
    """Generate whichever standard jingle or filler asset the station lacks; returns the names made."""
    made: list[str] = []
    folder = settings.audio_dir / "assets" / station.slug
    for kind, name, style in JINGLES:
        asset = session.scalar(select(Asset).where(Asset.station_id == station.id, Asset.kind == kind))
        if asset is not None and Path(asset.path).exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{kind}.wav"
        if kind == "filler":
            generate_filler(path, FILLER_SECONDS, target=loudness_target(station), tools=settings.tools)
        else:
            generate_chime(path, kind=style, target=loudness_target(station), tools=settings.tools)
        info = probe(path, tools=settings.tools)
        if asset is None:
            session.add(Asset(station_id=station.id, kind=kind, name=name, path=str(path), duration_s=info.duration_s))
            made.append(name)
        else:
            asset.path, asset.duration_s = str(path), info.duration_s
    session.flush()
    return made


def list_stations(session: Session) -> list[StationSummary]:
    """Every station with its zone and user counts, by slug (three queries, whatever the count)."""
    zones = dict(session.execute(select(Zone.station_id, func.count()).group_by(Zone.station_id)).all())
    users = dict(session.execute(select(Membership.station_id, func.count()).group_by(Membership.station_id)).all())
    return [StationSummary(s.slug, s.name, s.timezone, zones.get(s.id, 0), users.get(s.id, 0))
            for s in session.scalars(select(Station).order_by(Station.slug))]


def grant(session: Session, username: str, slug: str, role: Role) -> User:
    """Give a user a role at a station (replacing the role they had there)."""
    user = get_user(session, username)
    return set_role(session, user, get_station(session, slug.strip().lower()), role)


def revoke(session: Session, username: str, slug: str) -> User:
    """Take away a user's role at a station."""
    return revoke_role(session, get_user(session, username), get_station(session, slug.strip().lower()))
