"""Station settings an admin changes from the panel: name, zones, voice chain, loudness, emergency resume, who goes live."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from audio.errors import BadVoiceOption
from audio.tts.espeak_styles import VoiceStyle, parse_style, style_from_dict
from audio.tts.registry import engine_names
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import Station, Zone
from broadcast.stations.lookup import station_row
from scripts_vi.clean import clean_text

LUFS_RANGE = (-30.0, -10.0)
ZONE_CODE_RE = re.compile(r"^[a-z0-9-]{1,32}$")
MAX_CHAIN = 5
# Who may go live, as the panel's choice names it -> Station.live_approvers (editors and admins always may).
LIVE_WHO = {"editors": False, "approvers": True}
LIVE_WHO_LABELS = {"editors": "Chỉ biên tập viên và quản trị", "approvers": "Biên tập viên, quản trị và người phê duyệt"}


def station_name(name: str | None) -> str:
    """A station's name as typed, cleaned; InvalidInput when empty or longer than 200 characters."""
    name = clean_text(name or "").strip()
    if not name:
        raise InvalidInput("Tên đài đang để trống: hãy nhập tên đài, ví dụ Đài truyền thanh xã Cẩm Tân.", field="name")
    if len(name) > 200:
        raise InvalidInput("Tên đài dài quá 200 ký tự: hãy rút gọn.", field="name")
    return name


def update_station(session: Session, station: Station, name: str, loudness_lufs: float | str, emergency_resume: bool) -> Station:
    """Rename the station, set its loudness target and what happens after an emergency."""
    name = station_name(name)
    try:
        lufs = float(str(loudness_lufs).replace(",", "."))
    except ValueError:
        raise InvalidInput("Độ to mục tiêu phải là một số, ví dụ -16.", field="loudness_lufs") from None
    if not LUFS_RANGE[0] <= lufs <= LUFS_RANGE[1]:
        raise InvalidInput(f"Độ to mục tiêu phải nằm trong khoảng {LUFS_RANGE[0]:g} đến {LUFS_RANGE[1]:g} LUFS (thường là -16).", field="loudness_lufs")
    station.name, station.loudness_lufs, station.emergency_resume = name, lufs, bool(emergency_resume)
    session.flush()
    return station


def live_who(choice: str | None) -> bool:
    """Whether approvers may go live, from the panel's choice (editors or approvers); InvalidInput otherwise."""
    key = (choice or "").strip()
    if key not in LIVE_WHO:
        what = f"Lựa chọn «{key[:40]}» không có" if key else "Chưa chọn ai được phát trực tiếp"
        fix = "» hoặc «".join(label.lower() for label in LIVE_WHO_LABELS.values())
        raise InvalidInput(f"{what}: hãy chọn «{fix}».", field="live_who")
    return LIVE_WHO[key]


def set_live_who(session: Session, station: Station, choice: str | None) -> Station:
    """Let approvers go live at the station too, or only editors and admins."""
    station.live_approvers = live_who(choice)
    session.flush()
    return station


def set_voice_chain(session: Session, station: Station, chain: list[dict[str, Any]]) -> Station:
    """Set the ordered voices tried for rendering; engines must be installed ones."""
    known = engine_names()
    cleaned: list[dict[str, Any]] = []
    for entry in chain:
        engine = (entry.get("engine") or "").strip()
        voice = clean_text(entry.get("voice") or "").strip()
        if not engine:
            continue
        if engine not in known:
            raise InvalidInput(f"Bộ đọc {engine} không có: chọn một trong {', '.join(known)}.", field="voice_chain")
        if engine == "piper" and not voice.endswith(".onnx"):
            raise InvalidInput("Giọng Piper phải là đường dẫn tới tệp .onnx đã chép vào máy.", field="voice_chain")
        cleaned.append({"engine": engine, "voice": voice})
    style = station_style(station)
    if style is not None:
        cleaned = _with_style(cleaned, style)  # re-ordering the chain keeps the chosen espeak voice
    if not cleaned:
        raise InvalidInput("Chuỗi giọng đọc đang trống: hãy chọn ít nhất một bộ đọc (espeak luôn dùng được).", field="voice_chain")
    if len(cleaned) > MAX_CHAIN:
        raise InvalidInput(f"Chuỗi giọng đọc tối đa {MAX_CHAIN} giọng.", field="voice_chain")
    station.voice_chain = cleaned
    session.flush()
    return station


def station_style(station: Station) -> VoiceStyle | None:
    """The voice style the station chose for espeak-ng, or None when it never chose one."""
    for entry in station.voice_chain or []:
        if entry.get("engine") == "espeak" and entry.get("style"):
            return style_from_dict(entry["style"])
    return None


def _with_style(chain: list[dict[str, Any]], style: VoiceStyle) -> list[dict[str, Any]]:
    """The chain with its espeak entries carrying style (one is added at the end when none is there)."""
    entries = [dict(e, style=style.as_dict()) if e.get("engine") == "espeak" else dict(e) for e in chain]
    if not any(e.get("engine") == "espeak" for e in entries):
        entries.append({"engine": "espeak", "voice": "", "style": style.as_dict()})
    return entries


def set_voice_style(session: Session, station: Station, region: str | None, gender: str | None, pace: str | None) -> VoiceStyle:
    """Choose the region, sex and pace of the station's offline voice; one sentence when a choice is unknown."""
    try:
        style = parse_style(region, gender, pace)
    except BadVoiceOption as exc:
        raise InvalidInput(str(exc), field="voice_style") from None
    station.voice_chain = _with_style(list(station.voice_chain or [{"engine": "espeak", "voice": "vi"}]), style)
    session.flush()
    return style


def _zone_fields(code: str, name: str) -> tuple[str, str]:
    code = (code or "").strip().lower()
    name = clean_text(name or "").strip()
    if not ZONE_CODE_RE.match(code):
        raise InvalidInput("Mã cụm loa chỉ gồm chữ thường không dấu, số và gạch ngang, ví dụ thon-9.", field="code")
    if not name:
        raise InvalidInput("Tên cụm loa đang để trống: hãy nhập tên, ví dụ Thôn 9.", field="zone_name")
    if len(name) > 200:
        raise InvalidInput("Tên cụm loa dài quá 200 ký tự.", field="zone_name")
    return code, name


def add_zone(session: Session, station: Station, code: str, name: str, stream_mount: str = "") -> Zone:
    """Add a speaker cluster at the end of the list."""
    code, name = _zone_fields(code, name)
    if session.scalar(select(Zone).where(Zone.station_id == station.id, Zone.code == code)):
        raise InvalidInput(f"Đã có cụm loa mã {code}: chọn mã khác.", field="code")
    position = max((z.position for z in station.zones), default=0) + 1
    zone = Zone(station_id=station.id, code=code, name=name, position=position, stream_mount=stream_mount.strip() or f"/{station.slug}-{code}")
    station.zones.append(zone)
    session.flush()
    return zone


def get_zone(session: Session, station: Station, zone_id: int) -> Zone:
    """A zone of this station, or NotFound."""
    zone = station_row(session, Zone, zone_id, station)
    if zone is None:
        raise NotFound(f"Không có cụm loa số {zone_id}.")
    return zone


def rename_zone(session: Session, zone: Zone, name: str) -> Zone:
    """Change a zone's display name (its code stays: the log refers to it)."""
    _, zone.name = _zone_fields(zone.code, name)
    session.flush()
    return zone


def remove_zone(session: Session, station: Station, zone: Zone) -> None:
    """Remove a zone; a station keeps at least one."""
    if len(station.zones) <= 1:
        raise InvalidInput("Đài phải còn ít nhất một cụm loa.", field="code")
    station.zones.remove(zone)
    session.delete(zone)
    session.flush()
