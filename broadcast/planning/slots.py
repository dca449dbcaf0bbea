"""Use cases for slots and programme templates, validated before anything is saved."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import urlparse

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import Conflict, InvalidInput, NotFound
from broadcast.models import UNSTARTED, Broadcast, BroadcastStatus, Campaign, ProgrammeTemplate, Slot, Station, Zone
from broadcast.planning.planner import TEMPLATE_KINDS, SlotRule, end_of, extra_slot_span, slot_overlap
from broadcast.stations.lookup import station_row

MAX_SLOT_S = 6 * 3600
MAX_RELAY_S = 4 * 3600
RELAY_SCHEMES = ("http", "https", "icecast", "rtmp", "rtsp", "udp", "srt")
WEEKDAY_NAMES = {1: "thứ Hai", 2: "thứ Ba", 3: "thứ Tư", 4: "thứ Năm", 5: "thứ Sáu", 6: "thứ Bảy", 7: "Chủ nhật"}
SLOT_FIELDS = ("name", "start_time", "duration_s", "weekdays", "valid_from", "valid_to", "exceptions", "zone_ids", "template_id", "campaign_id", "is_active")


def _hhmm(value: time) -> str:
    return f"{value:%H:%M}"


def _parse_time(value: time | str, field: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%H:%M").time()
    except ValueError:
        raise InvalidInput(f"Giờ {value!r} không đúng dạng: hãy nhập giờ:phút, ví dụ 05:30.", field=field) from None


def parse_optional_date(value: date | str | None, field: str) -> date | None:
    """A date typed by a person or given by code; None when left empty."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"Ngày {value!r} không đúng dạng: hãy nhập năm-tháng-ngày, ví dụ 2024-11-15.", field=field) from None


def _weekdays(value: str | Iterable[int]) -> str:
    text = "".join(str(v) for v in value) if not isinstance(value, str) else value
    text = text.replace(",", "").replace(" ", "")
    if not text or any(c not in "1234567" for c in text):
        raise InvalidInput("Các thứ trong tuần ghi bằng số 1 (thứ Hai) đến 7 (Chủ nhật), ví dụ 12345; hãy chọn ít nhất một ngày.", field="weekdays")
    return "".join(sorted(set(text)))


def _values(session: Session, station: Station, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Normalised slot fields, or InvalidInput naming the field and the slot."""
    name = str(raw.get("name") or "").strip()
    if not name:
        raise InvalidInput("Tên buổi phát đang để trống: hãy nhập tên, ví dụ Buổi sáng.", field="name")
    start = _parse_time(raw["start_time"], "start_time")
    duration = raw.get("duration_s")
    end = raw.get("end_time")
    if end not in (None, ""):
        end_t = _parse_time(end, "end_time")
        if end_t <= start:
            raise InvalidInput(f"Buổi phát {name} kết thúc lúc {_hhmm(end_t)}, trước hoặc đúng lúc bắt đầu {_hhmm(start)}: "
                               "hãy sửa giờ kết thúc (buổi phát qua nửa đêm thì nhập thời lượng thay cho giờ kết thúc).", field="end_time")
        duration = (datetime.combine(date.min, end_t) - datetime.combine(date.min, start)).seconds
    try:
        duration = int(duration)
    except (TypeError, ValueError):
        raise InvalidInput(f"Buổi phát {name} chưa có thời lượng: hãy nhập giờ kết thúc hoặc số phút.", field="duration_s") from None
    if not 60 <= duration <= MAX_SLOT_S:
        raise InvalidInput(f"Thời lượng buổi phát {name} phải từ 1 phút đến {MAX_SLOT_S // 3600} giờ.", field="duration_s")
    valid_from, valid_to = parse_optional_date(raw.get("valid_from"), "valid_from"), parse_optional_date(raw.get("valid_to"), "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise InvalidInput(f"Buổi phát {name} hết hiệu lực ({valid_to:%d/%m/%Y}) trước ngày bắt đầu ({valid_from:%d/%m/%Y}): hãy sửa lại ngày.", field="valid_to")
    exceptions = sorted({parse_optional_date(d, "exceptions").isoformat() for d in raw.get("exceptions") or []})  # type: ignore[union-attr]
    zone_ids = sorted({int(z) for z in raw.get("zone_ids") or []})
    if zone_ids:
        known = set(session.scalars(select(Zone.id).where(Zone.station_id == station.id)))
        if set(zone_ids) - known:
            raise InvalidInput(f"Buổi phát {name} chọn thôn không thuộc đài này: hãy chọn lại thôn.", field="zone_ids")
    template_id = raw.get("template_id")
    if template_id is not None:
        if station_row(session, ProgrammeTemplate, template_id, station) is None:
            raise InvalidInput(f"Buổi phát {name} dùng một chương trình mẫu không có ở đài này: hãy chọn lại.", field="template_id")
    campaign_id = raw.get("campaign_id")
    if campaign_id is not None:
        campaign = station_row(session, Campaign, campaign_id, station)
        if campaign is None:
            raise InvalidInput(f"Buổi phát thêm {name} gắn với một chiến dịch không có ở đài này.", field="campaign_id")
        first, last = extra_slot_span(valid_from, valid_to, campaign.start_date, campaign.end_date)
        if first > last:
            raise InvalidInput(f"Buổi phát thêm {name} không có ngày nào trong thời gian chiến dịch {campaign.slug} "
                               f"({campaign.start_date:%d/%m/%Y}–{campaign.end_date:%d/%m/%Y}): hãy sửa ngày hiệu lực.", field="valid_from")
    return dict(name=name, start_time=start, duration_s=duration, weekdays=_weekdays(raw.get("weekdays") or "1234567"),
                valid_from=valid_from, valid_to=valid_to, exceptions=exceptions, zone_ids=zone_ids, template_id=template_id,
                campaign_id=campaign_id, is_active=bool(raw.get("is_active", True)))


def _rule(values: Mapping[str, Any], slot_id: int = 0) -> SlotRule:
    return SlotRule(slot_id, values["start_time"], values["duration_s"], values["weekdays"], values["valid_from"], values["valid_to"],
                    frozenset(date.fromisoformat(d) for d in values["exceptions"]), frozenset(values["zone_ids"]), values["campaign_id"], values["name"])


def _campaign_window(session: Session, values: Mapping[str, Any]) -> Mapping[str, Any]:
    """An extra slot only airs on its campaign's dates, so overlaps are checked on those dates only."""
    if values.get("campaign_id") is None:
        return values
    campaign = session.get(Campaign, values["campaign_id"])
    assert campaign is not None
    first, last = extra_slot_span(values["valid_from"], values["valid_to"], campaign.start_date, campaign.end_date)
    return {**values, "valid_from": first, "valid_to": last}


def _check_overlap(session: Session, station: Station, values: Mapping[str, Any], exclude: int | None = None) -> None:
    """Refuse a slot on air at the same time as another active slot on a shared zone."""
    if not values["is_active"]:
        return
    mine = _rule(_campaign_window(session, values))
    for other in session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)).order_by(Slot.id)):
        if other.id == exclude:
            continue
        theirs = _rule(_campaign_window(session, {
            "start_time": other.start_time, "duration_s": other.duration_s, "weekdays": other.weekdays, "valid_from": other.valid_from,
            "valid_to": other.valid_to, "exceptions": other.exceptions or [], "zone_ids": other.zone_ids or [],
            "campaign_id": other.campaign_id, "name": other.name,
        }), other.id)
        clash = slot_overlap(mine, theirs)
        if clash is not None:
            end = end_of(other.start_time, other.duration_s)
            # Without any start of validity the clash date is only a sample day: name its weekday instead.
            when = f"ngày {clash:%d/%m/%Y}" if values["valid_from"] or other.valid_from else f"vào {WEEKDAY_NAMES[clash.isoweekday()]}"
            raise Conflict(f"Buổi phát {values['name']} trùng giờ với buổi {other.name} ({_hhmm(other.start_time)}–{_hhmm(end)}) "
                           f"{when} trên cùng thôn: hãy đổi giờ, ngày hoặc thôn.")


def get_slot(session: Session, station: Station, slot_id: int) -> Slot:
    """A slot of this station, or NotFound."""
    slot = station_row(session, Slot, slot_id, station)
    if slot is None:
        raise NotFound(f"Không có buổi phát số {slot_id} ở đài này.")
    return slot


def list_slots(session: Session, station: Station) -> list[Slot]:
    """The station's slots by start time."""
    return list(session.scalars(select(Slot).where(Slot.station_id == station.id).order_by(Slot.start_time, Slot.id)))


def create_slot(
    session: Session, station: Station, name: str, start_time: time | str, duration_s: int | None = None, end_time: time | str | None = None,
    weekdays: str | Sequence[int] = "1234567", valid_from: date | str | None = None, valid_to: date | str | None = None,
    exceptions: Sequence[date | str] = (), zone_ids: Sequence[int] = (), template_id: int | None = None,
    campaign_id: int | None = None, is_active: bool = True,
) -> Slot:
    """A new recurring slot (local time; give duration_s or end_time), refused if it is malformed or overlaps another slot."""
    values = _values(session, station, dict(name=name, start_time=start_time, duration_s=duration_s, end_time=end_time, weekdays=weekdays,
                                            valid_from=valid_from, valid_to=valid_to, exceptions=exceptions, zone_ids=zone_ids,
                                            template_id=template_id, campaign_id=campaign_id, is_active=is_active))
    _check_overlap(session, station, values)
    slot = Slot(station_id=station.id, **values)
    session.add(slot)
    session.flush()
    return slot


def update_slot(session: Session, slot: Slot, **changes: Any) -> Slot:
    """Change a slot (any of SLOT_FIELDS, or end_time); the next planning run re-plans its unstarted broadcasts."""
    unknown = set(changes) - set(SLOT_FIELDS) - {"end_time"}
    if unknown:
        raise InvalidInput(f"Không sửa được trường {', '.join(sorted(unknown))} của buổi phát.", field=sorted(unknown)[0])
    station = session.get(Station, slot.station_id)
    assert station is not None
    current = {k: getattr(slot, k) for k in SLOT_FIELDS}
    if "end_time" in changes:
        current.pop("duration_s")
    values = _values(session, station, current | changes)
    _check_overlap(session, station, values, exclude=slot.id)
    for key, value in values.items():
        setattr(slot, key, value)
    session.flush()
    return slot


def delete_slot(session: Session, slot: Slot, now: datetime) -> int:
    """Delete a slot and cancel its broadcasts that have not started; returns how many were cancelled."""
    cancelled = 0
    for broadcast in session.scalars(select(Broadcast).where(Broadcast.slot_id == slot.id, Broadcast.status.in_(UNSTARTED))):
        if broadcast.planned_start > now:
            broadcast.status = BroadcastStatus.CANCELLED
            broadcast.note = f"Hủy: buổi phát {slot.name} đã bị xóa khỏi lịch."
            cancelled += 1
    session.delete(slot)
    session.flush()
    return cancelled


# ---------------------------------------------------------------- programme templates


def validate_template_items(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A clean copy of a programme clock, or InvalidInput naming the bad entry."""
    if not items:
        raise InvalidInput("Chương trình mẫu chưa có phần nào: hãy thêm ít nhất nhạc hiệu và một khối nội dung.", field="items")
    clean: list[dict[str, Any]] = []
    for number, raw in enumerate(items, start=1):
        kind = str(raw.get("kind", ""))
        if kind not in TEMPLATE_KINDS:
            raise InvalidInput(f"Phần thứ {number} của chương trình có loại {kind!r} không có: chọn một trong {', '.join(TEMPLATE_KINDS)}.", field="items")
        entry: dict[str, Any] = {"kind": kind}
        if kind == "relay":
            url = str(raw.get("url", "")).strip()
            if urlparse(url).scheme not in RELAY_SCHEMES or not urlparse(url).netloc:
                raise InvalidInput(f"Phần tiếp sóng thứ {number} cần địa chỉ luồng đầy đủ (ví dụ http://…/dai-tinh.mp3).", field="items")
            try:
                seconds = int(raw.get("seconds", 0))
            except (TypeError, ValueError):
                seconds = 0
            if not 1 <= seconds <= MAX_RELAY_S:
                raise InvalidInput(f"Phần tiếp sóng thứ {number} cần thời lượng từ 1 giây đến {MAX_RELAY_S // 3600} giờ.", field="items")
            entry.update(url=url, seconds=seconds, title=str(raw.get("title") or "Tiếp sóng").strip())
        elif kind == "filler" and "max_s" in raw:
            entry["max_s"] = max(1, int(raw["max_s"]))
        elif kind == "campaign_block" and raw.get("campaign"):
            entry["campaign"] = str(raw["campaign"])
        clean.append(entry)
    if sum(1 for e in clean if e["kind"] == "filler") > 1:
        raise InvalidInput("Chương trình mẫu chỉ được có một phần nhạc nền.", field="items")
    return clean


def create_template(session: Session, station: Station, name: str, items: Sequence[Mapping[str, Any]]) -> ProgrammeTemplate:
    """A new programme clock for the station."""
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Tên chương trình mẫu đang để trống.", field="name")
    if session.scalar(select(ProgrammeTemplate).where(ProgrammeTemplate.station_id == station.id, ProgrammeTemplate.name == name)):
        raise Conflict(f"Đã có chương trình mẫu tên {name}: chọn tên khác.")
    template = ProgrammeTemplate(station_id=station.id, name=name, items=validate_template_items(items))
    session.add(template)
    session.flush()
    return template


def update_template(session: Session, template: ProgrammeTemplate, items: Sequence[Mapping[str, Any]], name: str | None = None) -> ProgrammeTemplate:
    """Replace a programme clock's items (and name); unstarted broadcasts follow at the next planning run."""
    template.items = validate_template_items(items)
    if name is not None and name.strip():
        template.name = name.strip()
    session.flush()
    return template
