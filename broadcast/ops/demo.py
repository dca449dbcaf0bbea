"""The demo station: xã Cẩm Tân, its 8 thôn, two daily slots and the 2024 gender-equality month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from broadcast.campaigns.manage import approve_campaign, copy_to_year
from broadcast.config import Settings
from broadcast.content.assets import ensure_jingles
from broadcast.content.rendering import render_scripts
from broadcast.content.scripts import approve_script, create_script
from broadcast.models import (
    Campaign, CampaignScript, ContentStatus, Priority, Role, Script, Slot, Station, User, Zone,
)
from broadcast.province.setup import STANDARD_SLOTS, add_standard_programme
from broadcast.stations.users import create_user

STATION_SLUG = "cam-tan"
STATION_NAME = "Đài truyền thanh xã Cẩm Tân"
CAMPAIGN_SLUG = "bdg-2024"
CAMPAIGN_NAME = "Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên cơ sở giới năm 2024"
CAMPAIGN_THEME = (
    "Đảm bảo an sinh xã hội, tăng quyền năng và tạo cơ hội cho phụ nữ và trẻ em gái "
    "nhằm thực hiện bình đẳng giới và xóa bỏ bạo lực trên cơ sở giới"
)
# The plan asks to "increase airtime" without a figure: 10 minutes a day over the two slots,
# each slot lengthened by 5 minutes on campaign days. The operator can change both.
CAMPAIGN_MINUTES_PER_DAY = 10.0
CAMPAIGN_EXTEND_S = 300
CONTENT_DIR = Path(__file__).resolve().parents[2] / "scripts_vi" / "content" / CAMPAIGN_SLUG
DEMO_PASSWORD = "camtan2024"
# The plan names the approving vice-chairman; the other accounts carry their role, not a person's name.
DEMO_USERS = (
    ("admin", Role.ADMIN, "Quản trị hệ thống"),
    ("bientap", Role.EDITOR, "Cán bộ Đài truyền thanh xã"),
    ("pheduyet", Role.APPROVER, "Hoàng Thị Hợp"),
    ("xem", Role.VIEWER, "Công chức Chính sách xã hội"),
)
SLOTS = STANDARD_SLOTS


@dataclass
class DemoReport:
    """What loading the demo created (empty lists when it was already there)."""

    created: list[str] = field(default_factory=list)
    rendered: int = 0
    reused: int = 0
    failed: list[str] = field(default_factory=list)


def load_demo(session: Session, settings: Settings, today: date, progress: Callable[[int, int], None] | None = None) -> DemoReport:
    """Create whatever part of the demo is missing (reporting renders done to progress); running it twice changes nothing."""
    report = DemoReport()
    station = session.scalar(select(Station).where(Station.slug == STATION_SLUG))
    if station is None:
        station = Station(slug=STATION_SLUG, name=STATION_NAME, timezone=settings.timezone, voice_chain=[{"engine": "espeak", "voice": "vi"}])
        session.add(station)
        session.flush()
        for n in range(1, 9):
            station.zones.append(Zone(station_id=station.id, code=f"thon-{n}", name=f"Thôn {n}", position=n, stream_mount=f"/{STATION_SLUG}-thon-{n}"))
        report.created.append("đài xã Cẩm Tân với 8 thôn")
    users = {u.username: u for u in session.scalars(select(User))}
    for username, role, full_name in DEMO_USERS:
        if username not in users:
            users[username] = create_user(session, username, DEMO_PASSWORD, role, station, full_name)
            report.created.append(f"người dùng {username}")
    if not session.scalar(select(Slot).where(Slot.station_id == station.id)):
        add_standard_programme(session, station)
        report.created.append("2 buổi phát 05:30 và 17:00")
    report.created += [name.lower() for name in ensure_jingles(session, settings, station)]
    campaign = _load_campaign(session, station, users, report)
    year = today.year
    if year != campaign.start_date.year and not session.scalar(select(Campaign).where(Campaign.station_id == station.id, Campaign.slug == f"bdg-{year}")):
        copy = copy_to_year(session, campaign, year)
        approve_campaign(session, copy, users["pheduyet"])
        report.created.append(f"bản sao chiến dịch cho năm {year}")
    _render_all(session, settings, station, report, progress)
    return report


def _load_campaign(session: Session, station: Station, users: dict[str, User], report: DemoReport) -> Campaign:
    from scripts_vi.scriptfile import parse_script

    campaign = session.scalar(select(Campaign).where(Campaign.station_id == station.id, Campaign.slug == CAMPAIGN_SLUG))
    if campaign is not None:
        return campaign
    campaign = Campaign(
        station_id=station.id, slug=CAMPAIGN_SLUG, name=CAMPAIGN_NAME, theme=CAMPAIGN_THEME,
        start_date=date(2024, 11, 15), end_date=date(2024, 12, 15), target_kind="minutes_per_day",
        target_value=CAMPAIGN_MINUTES_PER_DAY, extend_slot_s=CAMPAIGN_EXTEND_S, priority=Priority.NORMAL,
    )
    session.add(campaign)
    session.flush()
    for path in sorted(CONTENT_DIR.glob("*.md")):
        doc = parse_script(path.read_text(encoding="utf-8"))
        # Pool scripts take their air dates from the campaign, so a copy for another year can use them.
        script = create_script(session, station, doc.title, doc.body, users["bientap"], category=doc.category or "tuyen-truyen",
                               priority=Priority(doc.priority or "normal"), notes=doc.notes or "", source=f"scripts_vi/content/{CAMPAIGN_SLUG}/{path.name}")
        approve_script(session, script, users["pheduyet"])
        campaign.pool.append(CampaignScript(station_id=station.id, script_id=script.id, weight=1.0))
    approve_campaign(session, campaign, users["pheduyet"])
    report.created.append(f"chiến dịch {CAMPAIGN_SLUG} với {len(campaign.pool)} bài")
    return campaign


def _render_all(session: Session, settings: Settings, station: Station, report: DemoReport,
                progress: Callable[[int, int], None] | None) -> None:
    scripts = session.scalars(select(Script).where(Script.station_id == station.id, Script.status == ContentStatus.APPROVED).order_by(Script.id)).all()
    batch = render_scripts(session, settings, station, scripts, progress)
    report.rendered, report.reused = batch.rendered, batch.reused
    report.failed = [f"{script.title}: {reason}" for script, reason in batch.failed]
