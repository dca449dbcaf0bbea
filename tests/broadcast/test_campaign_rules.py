"""Campaign use cases on the demo: refusals before saving, pool, approval, copy to another year."""

from datetime import date

import pytest
from sqlalchemy import func, select

from broadcast.campaigns import manage
from broadcast.campaigns.manage import (
    approve_campaign, check_feasibility, copy_to_year, create_campaign, get_campaign, problem_field, set_pool, update_campaign,
)
from broadcast.db import transaction
from broadcast.errors import Conflict, InvalidInput, PermissionDenied
from broadcast.models import Campaign, ContentStatus, Script
from broadcast.planning.planner import Problem, ProblemKind
from broadcast.planning.slots import create_slot
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


FEASIBILITY_FIELDS = [
    (ProblemKind.DATES, "end_date"), (ProblemKind.WINDOW_UNMET, "windows"), (ProblemKind.EXTRA_OUTSIDE_WINDOWS, "windows"),
    (ProblemKind.NOT_CARRIED, "start_date"), (ProblemKind.DAYS_UNCOVERED, "start_date"), (ProblemKind.OVER_CAPACITY, "target_value"),
    (ProblemKind.EXTENSION_CLASH, "extend_slot_s"), (ProblemKind.EMPTY_POOL, "pool"),
]


@pytest.mark.parametrize("kind, field", FEASIBILITY_FIELDS)
def test_problem_field_by_kind(kind, field):
    assert problem_field(Problem(None, kind, "")) == field


# Each kind dressed in another kind's wording: the field must follow the kind, not the words.
MISLEADING = {
    ProblemKind.DATES: "Khung giờ 05:00–07:00 có chỉ tiêu kéo dài",
    ProblemKind.WINDOW_UNMET: "Chỉ tiêu không đạt: hãy kéo dài buổi phát.",
    ProblemKind.EXTRA_OUTSIDE_WINDOWS: "Ngày 15/11/2025: chỉ tiêu vượt quá thời lượng.",
    ProblemKind.NOT_CARRIED: "Khung giờ trống: chỉ tiêu kéo dài.",
    ProblemKind.DAYS_UNCOVERED: "Buổi phát thêm kéo dài.",
    ProblemKind.OVER_CAPACITY: "Khung giờ quá ngắn, hãy kéo dài buổi phát.",
    ProblemKind.EXTENSION_CLASH: "Ngày 15/11/2025: chỉ tiêu bị ảnh hưởng.",
}


@pytest.mark.parametrize("kind, field", [(k, f) for k, f in FEASIBILITY_FIELDS if k in MISLEADING])
def test_rewording_a_problem_changes_no_routing(demo_factory, monkeypatch, kind, field):
    monkeypatch.setattr(manage, "campaign_problems", lambda *a, **kw: [Problem(None, kind, MISLEADING[kind])])
    with pytest.raises(InvalidInput) as caught:
        run(demo_factory, lambda s, st: update_campaign(s, get_campaign(s, st, "bdg-2024"), target_value=11))
    assert str(caught.value) == MISLEADING[kind] and caught.value.field == field


def test_approval_refusal_names_the_field_of_the_first_problem(demo_factory, monkeypatch):
    monkeypatch.setattr(manage, "campaign_problems", lambda *a, **kw: [Problem(None, ProblemKind.WINDOW_UNMET, "Khung giờ 12:00–13:00 chưa có bài nào để phát.")])
    with pytest.raises(InvalidInput) as caught:
        run(demo_factory, lambda s, st: approve_campaign(s, get_campaign(s, st, "bdg-2024"), get_user(s, "pheduyet")))
    assert caught.value.field == "windows"  # the old wording-based guess said "pool"


def test_an_extension_clash_goes_to_the_extension_whatever_the_slot_is_called(demo_factory):
    def go(session, station):
        # The demo morning slot is 05:30–06:00; twenty more minutes run into a 06:10 slot whose name says "chỉ tiêu".
        create_slot(session, station, "Thông báo chỉ tiêu tuyển quân", "06:10", end_time="06:20")
        update_campaign(session, get_campaign(session, station, "bdg-2024"), extend_slot_s=1200)

    with pytest.raises(InvalidInput) as caught:
        run(demo_factory, go)
    assert "kéo dài thêm 20 phút sẽ chồng lên buổi Thông báo chỉ tiêu tuyển quân lúc 06:10" in str(caught.value)
    assert caught.value.field == "extend_slot_s"  # wording-based routing sent it to the target ("chỉ tiêu")
