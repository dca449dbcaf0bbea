"""Campaign use cases on the demo: refusals before saving, pool, approval, copy to another year."""

from datetime import date

import pytest
from sqlalchemy import func, select

from broadcast.campaigns.manage import approve_campaign, check_feasibility, copy_to_year, create_campaign, get_campaign, set_pool, update_campaign
from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput, PermissionDenied
from broadcast.models import Campaign, ContentStatus, Script
from broadcast.stations.lookup import get_station
from broadcast.stations.users import get_user


def run(factory, fn):
    with transaction(factory) as session:
        return fn(session, get_station(session, "cam-tan"))


def n_campaigns(factory):
    with transaction(factory) as session:
        return session.scalar(select(func.count(Campaign.id)))


@pytest.mark.parametrize("kw, field, needle", [
    (dict(start_date=date(2025, 12, 15), end_date=date(2025, 11, 15)), "end_date", "kết thúc (15/11/2025) trước khi bắt đầu (15/12/2025)"),
    (dict(target_value=90), "target_value", "chỉ tiêu 90 phút/ngày của chiến dịch thu-2025 vượt quá"),
    (dict(target_kind="lượt"), "target_kind", "Kiểu chỉ tiêu"),
    (dict(target_kind="share_of_slot", target_value=150), "target_value", "từ 0 đến 100"),
    (dict(slug="Thu 2025"), "slug", "chữ thường"),
])
def test_bad_campaign_refused_before_saving(demo_factory, kw, field, needle):
    before = n_campaigns(demo_factory)
    args = dict(slug="thu-2025", name="Thử", start_date=date(2025, 11, 15), end_date=date(2025, 12, 15), target_value=10) | kw
    with pytest.raises(InvalidInput) as caught:
        run(demo_factory, lambda s, st: create_campaign(s, st, **args))
    assert needle in str(caught.value) and caught.value.field == field
    assert n_campaigns(demo_factory) == before


def test_campaign_outside_any_slot_refused(demo_factory):
    def go(session, station):
        for slot in station_slots(session):
            slot.valid_to = date(2025, 1, 1)
        create_campaign(session, station, "thu-2025", "Thử", date(2025, 11, 15), date(2025, 12, 15), target_value=10)

    with pytest.raises(InvalidInput, match="không rơi vào buổi phát nào"):
        run(demo_factory, go)


def station_slots(session):
    from broadcast.models import Slot

    return list(session.scalars(select(Slot)))


def test_pool_approval_and_edits_return_to_draft(demo_factory):
    def go(session, station):
        c = create_campaign(session, station, "thu-2025", "Thử", date(2025, 11, 15), date(2025, 12, 15), target_value=10)
        draft = Script(station_id=station.id, title="Nháp", body="Nội dung", status=ContentStatus.DRAFT)
        session.add(draft)
        session.flush()
        set_pool(session, c, [draft.id])
        approver = get_user(session, "pheduyet")
        with pytest.raises(InvalidInput, match="chưa có bài nào đã duyệt"):
            approve_campaign(session, c, approver)
        with pytest.raises(PermissionDenied):
            approve_campaign(session, c, get_user(session, "bientap"))
        approved = session.scalars(select(Script).where(Script.status == ContentStatus.APPROVED).limit(3)).all()
        set_pool(session, c, {s.id: 2.0 for s in approved})
        approve_campaign(session, c, approver)
        assert c.status == ContentStatus.APPROVED and {e.weight for e in c.pool} == {2.0}
        with pytest.raises(InvalidInput, match="Trọng số"):
            set_pool(session, c, {approved[0].id: 0})
        with pytest.raises(InvalidInput, match="90 phút/ngày"):
            update_campaign(session, c, target_value=90)
        assert c.target_value == 10 and c.status == ContentStatus.APPROVED  # refused change left nothing behind
        update_campaign(session, c, target_value=12)
        assert c.status == ContentStatus.DRAFT
        assert check_feasibility(session, c) == []

    run(demo_factory, go)


def test_copy_to_another_year_keeps_pool_and_targets(demo_factory):
    def go(session, station):
        source = get_campaign(session, station, "bdg-2024")
        copy = copy_to_year(session, source, 2030)
        assert copy.slug == "bdg-2030" and (copy.start_date, copy.end_date) == (date(2030, 11, 15), date(2030, 12, 15))
        assert copy.status == ContentStatus.DRAFT and copy.target_value == source.target_value and copy.extend_slot_s == 300
        assert sorted(e.script_id for e in copy.pool) == sorted(e.script_id for e in source.pool)
        assert "2030" in copy.name
        with pytest.raises(Conflict):
            copy_to_year(session, source, 2030)

    run(demo_factory, go)
