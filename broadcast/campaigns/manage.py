"""Use cases for campaigns: create, edit, pool, feasibility, approve, copy to another year."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import Campaign, CampaignScript, ContentStatus, Priority, Role, Script, Slot, Station, User
from broadcast.campaigns.needs import campaign_rule, pool_seconds
from broadcast.planning.planner import Problem, ProblemKind, campaign_problems
from broadcast.planning.targets import TARGET_LABELS, validate_kind
from broadcast.planning.windows import TimeWindow, describe, load_windows, validate_windows
from broadcast.stations.lookup import station_row
from broadcast.stations.users import role_at
from broadcast.timeutil import SystemClock

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
MAX_WEIGHT = 10.0
MAX_EXTEND_S = 3600
# The form field each feasibility problem is about, so the panel shows it beside what to change.
PROBLEM_FIELDS = {
    ProblemKind.DATES: "end_date", ProblemKind.WINDOW_UNMET: "windows", ProblemKind.EXTRA_OUTSIDE_WINDOWS: "windows",
    ProblemKind.NOT_CARRIED: "start_date", ProblemKind.DAYS_UNCOVERED: "start_date", ProblemKind.OVER_CAPACITY: "target_value",
    ProblemKind.EXTENSION_CLASH: "extend_slot_s", ProblemKind.EMPTY_POOL: "pool",
}
EDITABLE = ("name", "theme", "start_date", "end_date", "target_kind", "target_value", "extend_slot_s", "min_separation_h", "priority")


def list_campaigns(session: Session, station: Station) -> list[Campaign]:
    """The station's campaigns, newest first."""
    return list(session.scalars(select(Campaign).where(Campaign.station_id == station.id).order_by(Campaign.start_date.desc(), Campaign.id.desc())))


def get_campaign(session: Session, station: Station, slug: str) -> Campaign:
    """The station's campaign with this slug, or NotFound."""
    campaign = session.scalar(select(Campaign).where(Campaign.station_id == station.id, Campaign.slug == slug))
    if campaign is None:
        raise NotFound(f"Không có chiến dịch {slug!r} ở đài này: xem danh sách bằng `loaxa campaign list`.")
    return campaign


def validate_dates(start: date, end: date) -> None:
    """A campaign must end on or after its first day."""
    if end < start:
        raise InvalidInput(f"Chiến dịch kết thúc ({end:%d/%m/%Y}) trước khi bắt đầu ({start:%d/%m/%Y}): hãy sửa lại ngày.", field="end_date")


def _validate_fields(values: Mapping[str, Any]) -> None:
    """Field-by-field checks of a campaign's settings, each with the field it is about."""
    if not str(values.get("name") or "").strip():
        raise InvalidInput("Tên chiến dịch đang để trống: hãy nhập tên.", field="name")
    validate_dates(values["start_date"], values["end_date"])
    if (values["end_date"] - values["start_date"]).days > 366:
        raise InvalidInput("Chiến dịch dài hơn một năm: hãy chia thành nhiều chiến dịch.", field="end_date")
    kind, value = values["target_kind"], float(values["target_value"])
    validate_kind(kind)
    limits = {"minutes_per_day": 24 * 60, "plays_per_script_week": 7 * 24, "share_of_slot": 100}
    if not 0 <= value <= limits[kind]:
        raise InvalidInput(f"Chỉ tiêu {value:g} {TARGET_LABELS[kind]} không hợp lệ: hãy nhập số từ 0 đến {limits[kind]}.", field="target_value")
    if not 0 <= int(values["extend_slot_s"]) <= MAX_EXTEND_S:
        raise InvalidInput(f"Thời gian kéo dài mỗi buổi phát phải từ 0 đến {MAX_EXTEND_S // 60} phút.", field="extend_slot_s")
    if not 0 <= float(values["min_separation_h"]) <= 24 * 7:
        raise InvalidInput("Khoảng cách tối thiểu giữa hai lần phát một bài phải từ 0 đến 168 giờ.", field="min_separation_h")


def problem_field(problem: Problem) -> str:
    """The campaign form field a feasibility problem belongs to (by its kind, whatever its wording)."""
    return PROBLEM_FIELDS.get(problem.kind, "start_date")


def check_feasibility(session: Session, campaign: Campaign) -> list[Problem]:
    """Every reason the campaign cannot be carried as stated (empty when it can), each a kind and a Vietnamese sentence."""
    from broadcast.planning.loader import planner_assets, slot_rule

    station = session.get(Station, campaign.station_id)
    assert station is not None
    slots = [s for s in session.scalars(select(Slot).where(Slot.station_id == station.id, Slot.is_active.is_(True)).order_by(Slot.id))]
    templates = {s.id: list(s.template.items) for s in slots if s.template and s.template.items}
    assets, _ = planner_assets(session, station)
    lengths = pool_seconds(session, [campaign])[campaign.id]
    from zoneinfo import ZoneInfo

    problems = campaign_problems(campaign_rule(campaign), [slot_rule(s) for s in slots], templates, assets, ZoneInfo(station.timezone), lengths)
    if not any(entry.script.status == ContentStatus.APPROVED for entry in campaign.pool):
        problems.append(Problem(None, ProblemKind.EMPTY_POOL,
                                f"Chiến dịch {campaign.slug} chưa có bài nào đã duyệt trong danh sách bài: hãy thêm bài và nhờ người phê duyệt duyệt bài."))
    return problems


def _refuse_if_infeasible(session: Session, campaign: Campaign, field: str | None = None) -> None:
    """Raise the first feasibility problem about dates, slots, windows or targets (an empty pool may still be filled later)."""
    problems = [p for p in check_feasibility(session, campaign) if p.kind != ProblemKind.EMPTY_POOL]
    if problems:
        raise InvalidInput(problems[0].text, field=field or problem_field(problems[0]))


def create_campaign(
    session: Session, station: Station, slug: str, name: str, start_date: date, end_date: date,
    target_kind: str = "minutes_per_day", target_value: float = 0.0, extend_slot_s: int = 0, min_separation_h: float = 0.0,
    priority: Priority = Priority.NORMAL, theme: str = "",
) -> Campaign:
    """A new draft campaign, refused (nothing saved) when its dates, slots or target cannot work."""
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug):
        raise InvalidInput("Mã chiến dịch chỉ gồm chữ thường không dấu, số và dấu gạch ngang (ví dụ bdg-2025).", field="slug")
    if session.scalar(select(Campaign).where(Campaign.station_id == station.id, Campaign.slug == slug)):
        raise Conflict(f"Đã có chiến dịch {slug}: chọn mã khác hoặc sửa chiến dịch đó.")
    values = dict(name=name, start_date=start_date, end_date=end_date, target_kind=target_kind, target_value=target_value,
                  extend_slot_s=extend_slot_s, min_separation_h=min_separation_h)
    _validate_fields(values)
    campaign = Campaign(station_id=station.id, slug=slug, name=name.strip(), theme=theme.strip(), start_date=start_date, end_date=end_date,
                        target_kind=target_kind, target_value=float(target_value), extend_slot_s=int(extend_slot_s),
                        min_separation_h=float(min_separation_h), priority=priority, status=ContentStatus.DRAFT)
    with session.begin_nested():  # a refused campaign leaves nothing behind
        session.add(campaign)
        session.flush()
        _refuse_if_infeasible(session, campaign)
    return campaign


def update_campaign(session: Session, campaign: Campaign, **changes: Any) -> Campaign:
    """Change a campaign's settings (fields in EDITABLE); an approved campaign goes back to draft for re-approval."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"Không sửa được trường {', '.join(sorted(unknown))} của chiến dịch.", field=sorted(unknown)[0])
    values = {k: getattr(campaign, k) for k in EDITABLE} | changes
    _validate_fields(values)
    if all(getattr(campaign, k) == v for k, v in changes.items()):
        return campaign
    with session.begin_nested():  # refused changes are rolled back with the savepoint
        for key, value in changes.items():
            setattr(campaign, key, value)
        session.flush()
        _refuse_if_infeasible(session, campaign)
    back_to_draft(campaign)
    session.flush()
    return campaign


def campaign_windows(campaign: Campaign) -> tuple[TimeWindow, ...]:
    """The campaign's time windows (empty: any slot)."""
    return load_windows(campaign.windows)


def set_windows(session: Session, campaign: Campaign, windows: Sequence[TimeWindow | str | Mapping[str, Any]]) -> Campaign:
    """Replace the campaign's time windows (empty list: any slot); refused with nothing saved when one is malformed,
    two overlap, one meets no slot, or the target no longer fits; an approved campaign returns to draft."""
    parsed = validate_windows(windows)
    stored = [w.as_json() for w in parsed]
    if stored == list(campaign.windows or []):
        return campaign
    with session.begin_nested():  # refused windows are rolled back with the savepoint
        campaign.windows = stored
        session.flush()
        _refuse_if_infeasible(session, campaign, field="windows")
    back_to_draft(campaign)
    session.flush()
    return campaign


def change_windows(session: Session, campaign: Campaign, add: Sequence[TimeWindow | str] = (), weekdays: str | None = None,
                   remove: int | None = None, clear: bool = False) -> Campaign:
    """Clear the windows, remove the one numbered `remove` (from 1, as listed), then add windows (typed ones on `weekdays`),
    all as one change with the checks of set_windows."""
    from broadcast.planning.windows import parse_window

    current = [] if clear else list(campaign_windows(campaign))
    if remove is not None:
        if not 1 <= remove <= len(current):
            have = f"chỉ có {len(current)} khung giờ" if current else "chưa có khung giờ nào"
            raise NotFound(f"Chiến dịch {campaign.slug} không có khung giờ số {remove} ({have}): hãy chọn một số trong danh sách khung giờ.")
        del current[remove - 1]
    return set_windows(session, campaign, current + [parse_window(window, weekdays) for window in add])


def add_window(session: Session, campaign: Campaign, window: TimeWindow | str, weekdays: str | None = None) -> Campaign:
    """Add one window to the campaign's windows (same checks as set_windows)."""
    return change_windows(session, campaign, add=[window], weekdays=weekdays)


def remove_window(session: Session, campaign: Campaign, index: int) -> Campaign:
    """Remove the window at a 0-based position of the campaign's windows."""
    return change_windows(session, campaign, remove=index + 1)


def back_to_draft(campaign: Campaign) -> None:
    """An approved campaign that changes needs approving again before it airs as changed."""
    if campaign.status == ContentStatus.APPROVED:
        campaign.status, campaign.approved_by_id, campaign.approved_at = ContentStatus.DRAFT, None, None


def set_pool(session: Session, campaign: Campaign, entries: Mapping[int, float] | Sequence[int]) -> Campaign:
    """Replace the campaign's pool with {script_id: weight} (or script ids at weight 1); an approved campaign returns to draft."""
    weights = dict(entries) if isinstance(entries, Mapping) else {int(i): 1.0 for i in entries}
    if not weights:
        raise InvalidInput("Danh sách bài của chiến dịch đang trống: hãy chọn ít nhất một bài.", field="pool")
    for script_id, weight in weights.items():
        script = station_row(session, Script, script_id, session.get(Station, campaign.station_id))
        if script is None:
            raise NotFound(f"Không có bài số {script_id} ở đài này.")
        if not 0 < float(weight) <= MAX_WEIGHT:
            raise InvalidInput(f"Trọng số của bài «{script.title}» phải lớn hơn 0 và không quá {MAX_WEIGHT:g}.", field="pool")
    current = {e.script_id: e for e in campaign.pool}
    if set(current) == set(weights) and all(current[k].weight == float(w) for k, w in weights.items()):
        return campaign
    for script_id in set(current) - set(weights):
        campaign.pool.remove(current[script_id])
    for script_id, weight in sorted(weights.items()):
        if script_id in current:
            current[script_id].weight = float(weight)
        else:
            campaign.pool.append(CampaignScript(station_id=campaign.station_id, script_id=script_id, weight=float(weight)))
    back_to_draft(campaign)
    session.flush()
    return campaign


def approve_campaign(session: Session, campaign: Campaign, approver: User) -> Campaign:
    """Approve a campaign for planning; refused when its pool has no approved content or it cannot be carried."""
    if role_at(approver, campaign.station_id) not in (Role.APPROVER, Role.ADMIN):
        raise PermissionDenied("Chỉ người có vai trò phê duyệt mới được duyệt chiến dịch.")
    problems = check_feasibility(session, campaign)
    if problems:
        raise InvalidInput(problems[0].text, field=problem_field(problems[0]))
    campaign.status = ContentStatus.APPROVED
    campaign.approved_by_id = approver.id
    campaign.approved_at = SystemClock().now()
    session.flush()
    return campaign


def copy_to_year(session: Session, campaign: Campaign, year: int, slug: str | None = None) -> Campaign:
    """Copy a campaign with its pool and targets to the same dates in another year (as a draft)."""
    base = re.sub(r"-?\d{4}$", "", campaign.slug) or campaign.slug
    slug = slug or f"{base}-{year}"
    if session.scalar(select(Campaign).where(Campaign.station_id == campaign.station_id, Campaign.slug == slug)):
        raise Conflict(f"Đã có chiến dịch {slug}: chọn tên khác hoặc sửa chiến dịch đó.")
    try:
        start = campaign.start_date.replace(year=year)
        end = campaign.end_date.replace(year=year + (campaign.end_date.year - campaign.start_date.year))
    except ValueError:
        raise InvalidInput(f"Ngày của chiến dịch không có trong năm {year} (29/02): hãy tạo chiến dịch mới.", field="year") from None
    copy = Campaign(
        station_id=campaign.station_id, slug=slug, name=campaign.name.replace(str(campaign.start_date.year), str(year)),
        theme=campaign.theme, start_date=start, end_date=end, target_kind=campaign.target_kind,
        target_value=campaign.target_value, extend_slot_s=campaign.extend_slot_s, min_separation_h=campaign.min_separation_h,
        priority=campaign.priority, status=ContentStatus.DRAFT, copied_from_id=campaign.id, windows=list(campaign.windows or []),
    )
    for entry in sorted(campaign.pool, key=lambda e: e.script_id):
        copy.pool.append(CampaignScript(station_id=campaign.station_id, script_id=entry.script_id, weight=entry.weight))
    session.add(copy)
    session.flush()
    return copy


def describe_target(campaign: Campaign) -> str:
    """The target as an office would say it."""
    text = f"{campaign.target_value:g} {TARGET_LABELS.get(campaign.target_kind, campaign.target_kind)}"
    if campaign.extend_slot_s:
        text += f", mỗi buổi kéo dài thêm {campaign.extend_slot_s / 60:g} phút"
    if campaign.min_separation_h:
        text += f", một bài cách lần phát trước ít nhất {campaign.min_separation_h:g} giờ"
    if campaign.windows:
        text += f", chỉ phát trong khung giờ {describe(campaign_windows(campaign))}"
    return text
