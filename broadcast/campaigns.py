"""Use cases for campaigns: create, approve, copy to another year, and the per-broadcast quota."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from broadcast.models import Campaign, CampaignScript, ContentStatus, Role, Station, User
from broadcast.timeutil import SystemClock
from broadcast.users import role_at

TARGET_KINDS = ("minutes_per_day", "plays_per_script_week", "share_of_slot")


def get_campaign(session: Session, station: Station, slug: str) -> Campaign:
    """The station's campaign with this slug, or NotFound."""
    campaign = session.scalar(select(Campaign).where(Campaign.station_id == station.id, Campaign.slug == slug))
    if campaign is None:
        raise NotFound(f"Không có chiến dịch {slug!r} ở đài này: xem danh sách chiến dịch trong trang Chiến dịch.")
    return campaign


def validate_dates(start: date, end: date) -> None:
    """A campaign must end on or after its first day."""
    if end < start:
        raise InvalidInput(f"Chiến dịch kết thúc ({end:%d/%m/%Y}) trước khi bắt đầu ({start:%d/%m/%Y}): hãy sửa lại ngày.", field="end_date")


def approve_campaign(session: Session, campaign: Campaign, approver: User) -> Campaign:
    """Approve a campaign for planning."""
    if role_at(approver, campaign.station_id) not in (Role.APPROVER, Role.ADMIN):
        raise PermissionDenied("Chỉ người có vai trò phê duyệt mới được duyệt chiến dịch.")
    campaign.status = ContentStatus.APPROVED
    campaign.approved_by_id = approver.id
    campaign.approved_at = SystemClock().now()
    session.flush()
    return campaign


def copy_to_year(session: Session, campaign: Campaign, year: int, slug: str | None = None) -> Campaign:
    """Copy a campaign with its pool and targets to the same dates in another year (as a draft)."""
    slug = slug or f"{campaign.slug.rsplit('-', 1)[0]}-{year}"
    if session.scalar(select(Campaign).where(Campaign.station_id == campaign.station_id, Campaign.slug == slug)):
        raise Conflict(f"Đã có chiến dịch {slug}: chọn tên khác hoặc sửa chiến dịch đó.")
    try:
        start = campaign.start_date.replace(year=year)
        end = campaign.end_date.replace(year=year + (campaign.end_date.year - campaign.start_date.year))
    except ValueError:
        raise InvalidInput(f"Ngày của chiến dịch không có trong năm {year} (29/02): hãy tạo chiến dịch mới.") from None
    copy = Campaign(
        station_id=campaign.station_id, slug=slug, name=campaign.name.replace(str(campaign.start_date.year), str(year)),
        theme=campaign.theme, start_date=start, end_date=end, target_kind=campaign.target_kind,
        target_value=campaign.target_value, extend_slot_s=campaign.extend_slot_s, min_separation_h=campaign.min_separation_h,
        priority=campaign.priority, status=ContentStatus.DRAFT, copied_from_id=campaign.id,
    )
    for entry in campaign.pool:
        copy.pool.append(CampaignScript(station_id=campaign.station_id, script_id=entry.script_id, weight=entry.weight))
    session.add(copy)
    session.flush()
    return copy


def daily_target_seconds(campaign: Campaign, slot_seconds_today: float, pool_size: int) -> float:
    """The campaign airtime a day should carry, whatever way the office stated the target."""
    if campaign.target_kind == "minutes_per_day":
        return campaign.target_value * 60.0
    if campaign.target_kind == "share_of_slot":
        return slot_seconds_today * campaign.target_value / 100.0
    if campaign.target_kind == "plays_per_script_week":
        return 0.0  # counted in plays, not seconds: the planner handles it per script
    raise InvalidInput(f"Kiểu chỉ tiêu {campaign.target_kind!r} không có: chọn một trong {', '.join(TARGET_KINDS)}.")
