"""Pure planning rules: slot overlaps, rotation, fitting, quotas and feasibility, table-tested."""

import re
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest

from broadcast.planning.planner import (
    AssetClip,
    Assets,
    CampaignRule,
    Clip,
    PlanInputs,
    PoolEntry,
    ProblemKind,
    Programme,
    PlannedItem,
    Rotation,
    SlotRule,
    campaign_problems,
    end_of,
    extra_slot_span,
    occurrences,
    plan_range,
    rotation_order,
    slot_overlap,
)
from broadcast.timeutil import VN_TZ

UTC = timezone.utc
MORNING = SlotRule(1, time(5, 30), 1800, name="Buổi sáng")
EVENING = SlotRule(2, time(17, 0), 1800, name="Buổi chiều")
ASSETS = Assets(AssetClip(1, "mở", 5.0), AssetClip(2, "kết", 5.5), AssetClip(3, "chuyển", 3.0), AssetClip(4, "nền", 180.0))


def pool(n: int, seconds: float = 120.0, **weights: float) -> tuple[PoolEntry, ...]:
    return tuple(PoolEntry(Clip(i, f"bài {i}", seconds + i, rank=i), weights.get(f"s{i}", 1.0)) for i in range(1, n + 1))


def campaign(**kw) -> CampaignRule:
    base = dict(campaign_id=7, slug="bdg", start=date(2024, 11, 15), end=date(2024, 12, 15), target_kind="minutes_per_day",
                target_value=10.0, extend_slot_s=300, pool=pool(14))
    return CampaignRule(**(base | kw))


# ---------------------------------------------------------------- occurrences


def test_morning_slot_is_2230_utc_the_day_before():
    occ = occurrences([SlotRule(1, time(5, 30), 1800)], date(2024, 11, 15), date(2024, 11, 15), VN_TZ)
    assert len(occ) == 1
    assert occ[0].start == datetime(2024, 11, 14, 22, 30, tzinfo=timezone.utc)
    assert (occ[0].end - occ[0].start).total_seconds() == 1800


def test_weekdays_range_and_exceptions():
    rule = SlotRule(2, time(17, 0), 1800, weekdays="135", valid_from=date(2024, 11, 18), valid_to=date(2024, 11, 30),
                    exceptions=frozenset({date(2024, 11, 20)}))
    found = occurrences([rule], date(2024, 11, 1), date(2024, 12, 31), VN_TZ)
    days = [o.start.astimezone(VN_TZ).date() for o in found]
    assert days == [date(2024, 11, 18), date(2024, 11, 22), date(2024, 11, 25), date(2024, 11, 27), date(2024, 11, 29)]


def test_occurrences_sorted_across_slots():
    rules = [SlotRule(2, time(17, 0), 1800), SlotRule(1, time(5, 30), 1800)]
    found = occurrences(rules, date(2024, 11, 15), date(2024, 11, 16), VN_TZ)
    assert [o.slot_id for o in found] == [1, 2, 1, 2]


# ---------------------------------------------------------------- slot overlaps


@pytest.mark.parametrize("a, b, clash", [
    (SlotRule(1, time(5, 30), 1800), SlotRule(2, time(5, 45), 1800), date(2000, 1, 2)),
    (SlotRule(1, time(5, 30), 1800), SlotRule(2, time(6, 0), 1800), None),  # back to back is fine
    (SlotRule(1, time(5, 30), 1800, zone_ids=frozenset({1})), SlotRule(2, time(5, 30), 1800, zone_ids=frozenset({2})), None),
    (SlotRule(1, time(5, 30), 1800, zone_ids=frozenset({1, 2})), SlotRule(2, time(5, 30), 1800, zone_ids=frozenset({2})), date(2000, 1, 2)),
    (SlotRule(1, time(5, 30), 1800), SlotRule(2, time(5, 30), 1800, zone_ids=frozenset({3})), date(2000, 1, 2)),  # empty = all zones
    (SlotRule(1, time(5, 30), 1800, weekdays="135"), SlotRule(2, time(5, 30), 1800, weekdays="246"), None),
    (SlotRule(1, time(5, 30), 1800, valid_to=date(2024, 11, 30)), SlotRule(2, time(5, 30), 1800, valid_from=date(2024, 12, 1)), None),
    (SlotRule(1, time(5, 30), 1800, valid_from=date(2024, 11, 15), valid_to=date(2024, 11, 15)),
     SlotRule(2, time(5, 40), 600, valid_from=date(2024, 11, 1), valid_to=date(2024, 11, 30), exceptions=frozenset({date(2024, 11, 15)})), None),
    (SlotRule(1, time(23, 30), 3600, weekdays="1"), SlotRule(2, time(0, 15), 600, weekdays="2"), date(2000, 1, 4)),  # past midnight
])
def test_slot_overlap(a, b, clash):
    found = slot_overlap(a, b)
    assert (found is None) == (clash is None)
    if clash and a.valid_from is None and b.valid_from is None:
        assert found.isoweekday() == clash.isoweekday()


# ---------------------------------------------------------------- rotation


def air(entries, broadcasts: int, per_broadcast: int, sep_h: float = 0.0, start=datetime(2024, 11, 14, 22, 30, tzinfo=UTC)):
    state = Rotation()
    history = []
    for n in range(broadcasts):
        at = start + timedelta(hours=12 * n)
        inside: Counter[int] = Counter()
        chosen = []
        for _ in range(per_broadcast):
            options = rotation_order(entries, state, at, sep_h, inside)
            if not options:
                break
            pick = options[0].clip.ref
            inside[pick] += 1
            state.record(pick, at)
            chosen.append(pick)
        history.append(chosen)
    return state, history


def test_rotation_is_even_and_never_repeats_inside_a_broadcast():
    state, history = air(pool(14), 62, 3)
    assert max(state.plays.values()) - min(state.plays.values()) <= 1
    assert all(len(set(b)) == len(b) for b in history)


def test_everyone_airs_before_anyone_airs_a_third_time():
    entries = pool(5) + (PoolEntry(Clip(99, "nặng", 100.0), 5.0),)
    state = Rotation()
    inside: Counter[int] = Counter()
    for n in range(10):
        pick = rotation_order(entries, state, datetime(2024, 11, 15, tzinfo=UTC) + timedelta(hours=n), 0, inside)[0].clip.ref
        state.record(pick, datetime(2024, 11, 15, tzinfo=UTC) + timedelta(hours=n))
        if any(state.plays[e.clip.ref] == 0 for e in entries):
            assert max(state.plays.values()) <= 2


def test_weights_give_proportional_airtime():
    state, _ = air(pool(3, s1=2.0), 40, 1)
    assert state.plays[1] == pytest.approx(2 * state.plays[2], abs=1)
    assert abs(state.plays[2] - state.plays[3]) <= 1


def test_priority_then_newest_first_at_start():
    entries = tuple(PoolEntry(Clip(i, str(i), 100.0, priority=i in (2, 4), rank=i)) for i in range(1, 6))
    order = [e.clip.ref for e in rotation_order(entries, Rotation(), datetime(2024, 11, 15, tzinfo=UTC), 0, Counter())]
    assert order == [4, 2, 5, 3, 1]


def test_small_pool_repeats_inside_a_broadcast_only_when_needed():
    _, history = air(pool(2), 1, 4)
    assert sorted(history[0]) == [1, 1, 2, 2]


def test_minimum_separation_is_respected():
    state, history = air(pool(3), 10, 2, sep_h=24)
    last: dict[int, int] = {}
    for n, b in enumerate(history):
        for ref in b:
            assert ref not in last or (n - last[ref]) * 12 >= 24
            last[ref] = n


def test_rotation_is_deterministic():
    assert air(pool(9), 30, 3)[1] == air(pool(9), 30, 3)[1]


# ---------------------------------------------------------------- fitting


def item(ref, seconds, kind="script"):
    return PlannedItem(kind, ref, f"bài {ref}", seconds)


def test_programme_never_overruns_and_separators_stand_only_between_content():
    template = [{"kind": "jingle_open"}, {"kind": "priority"}, {"kind": "separator"}, {"kind": "news"}, {"kind": "jingle_close"}]
    prog = Programme(template, ASSETS, 300.0)
    assert prog.try_add(0, item(1, 5.0, "jingle_open")) and prog.try_add(4, item(2, 5.5, "jingle_close"))
    assert prog.try_add(1, item(10, 100.0))
    assert [i.kind for i in prog.layout()] == ["jingle_open", "script", "jingle_close"]  # nothing after: no separator
    assert prog.try_add(3, item(11, 100.0))
    assert [i.kind for i in prog.layout()] == ["jingle_open", "script", "separator", "script", "jingle_close"]
    assert not prog.try_add(3, item(12, 90.0))  # 213.5 + 90 > 300
    assert prog.try_add(3, item(13, 86.5))
    assert prog.length() == pytest.approx(300.0)
    offsets = [i.offset_s for i in prog.layout()]
    assert offsets == sorted(offsets) and offsets[0] == 0


@pytest.mark.parametrize("gap, expected", [(30.0, 30.0), (0.5, None), (200.0, None)])
def test_filler_fills_only_a_short_gap(gap, expected):
    prog = Programme([{"kind": "news"}, {"kind": "filler", "max_s": 120}, {"kind": "jingle_close"}], ASSETS, 100.0 + 5.5 + gap)
    prog.try_add(0, item(1, 100.0))
    prog.try_add(2, item(2, 5.5, "jingle_close"))
    prog.fill_gap()
    fillers = [i for i in prog.layout() if i.kind == "filler"]
    assert ([f.duration_s for f in fillers] or [None])[0] == (pytest.approx(expected) if expected else None)
    assert prog.length() <= prog.capacity_s + 1e-6
    if expected:
        assert prog.layout()[-1].kind == "jingle_close"  # the closing jingle ends on the slot end


# ---------------------------------------------------------------- a campaign month


def inputs(*campaigns, slots=(MORNING, EVENING), templates=None, clips=()):
    return PlanInputs(list(slots), templates or {}, list(campaigns), ASSETS, list(clips), VN_TZ)


def test_month_meets_daily_target_evenly_without_overrun():
    c = campaign()
    result = plan_range(inputs(c), c.start, c.end)
    assert not result.problems
    per_day: Counter[date] = Counter()
    plays: Counter[int] = Counter()
    for plan in result.plans:
        assert plan.used_s <= 1800 + 300 + 1e-6
        refs = [i.ref for i in plan.items if i.campaign_id]
        assert len(refs) == len(set(refs))
        per_day[plan.occurrence.day] += sum(i.duration_s for i in plan.items if i.campaign_id)
        plays.update(refs)
    assert len(per_day) == 31 and min(per_day.values()) >= 600
    assert max(plays.values()) - min(plays.values()) <= 1


def test_extension_only_on_campaign_days_and_extra_slot_only_in_campaign():
    extra = SlotRule(3, time(11, 0), 900, campaign_id=7, name="Buổi thêm")
    c = campaign(start=date(2024, 11, 15), end=date(2024, 11, 16))
    result = plan_range(inputs(c, slots=(MORNING, EVENING, extra)), date(2024, 11, 14), date(2024, 11, 17))
    caps = {(p.occurrence.day, p.occurrence.slot_id): p.capacity_s for p in result.plans}
    assert caps[(date(2024, 11, 14), 1)] == 1800 and caps[(date(2024, 11, 15), 1)] == 2100
    assert (date(2024, 11, 15), 3) in caps and caps[(date(2024, 11, 15), 3)] == 900
    assert (date(2024, 11, 14), 3) not in caps and (date(2024, 11, 17), 3) not in caps


def test_plays_per_script_week_and_share_of_slot():
    weekly = campaign(target_kind="plays_per_script_week", target_value=2, extend_slot_s=0, pool=pool(7))
    result = plan_range(inputs(weekly), date(2024, 11, 15), date(2024, 11, 28))
    plays = Counter(i.ref for p in result.plans for i in p.items if i.campaign_id)
    assert all(n >= 4 for n in plays.values()) and max(plays.values()) - min(plays.values()) <= 1
    share = campaign(target_kind="share_of_slot", target_value=25, extend_slot_s=0)
    for plan in plan_range(inputs(share), date(2024, 11, 15), date(2024, 11, 16)).plans:
        assert sum(i.duration_s for i in plan.items if i.campaign_id) >= 450


def test_priority_and_news_placed_and_left_out_reported():
    clips = [Clip(100, "ưu tiên", 60.0, priority=True, rank=100), Clip(101, "tin dài", 1700.0, rank=101), Clip(102, "tin", 50.0, rank=102)]
    result = plan_range(inputs(clips=clips), date(2024, 11, 1), date(2024, 11, 1))
    first = result.plans[0]
    titles = [i.title for i in first.items]
    assert titles[1] == "ưu tiên" and "tin" in titles and "tin dài" not in titles
    assert [(p.day, p.kind) for p in first.left_out] == [(date(2024, 11, 1), "left_out")]
    assert "tin dài" in first.left_out[0].text and "01/11/2024 05:30" in first.left_out[0].text


def test_shortfall_reported_with_date_when_slots_are_full():
    c = campaign(target_value=60, extend_slot_s=0, pool=pool(3, 800))
    result = plan_range(inputs(c), date(2024, 11, 15), date(2024, 11, 15))
    assert [(p.day, p.kind) for p in result.problems] == [(date(2024, 11, 15), "shortfall")]
    assert result.problems[0].text.startswith("Ngày 15/11/2024") and "60 phút/ngày" in result.problems[0].text
    assert re.search(r"chỉ phát được \d+,\d phút", result.problems[0].text), result.problems[0].text  # the Vietnamese decimal comma


def test_relay_is_a_fixed_item():
    template = {1: [{"kind": "jingle_open"}, {"kind": "relay", "url": "http://tinh/live", "seconds": 900, "title": "Đài tỉnh"},
                    {"kind": "campaign_block"}, {"kind": "jingle_close"}]}
    c = campaign(target_value=10, extend_slot_s=0)
    plan = plan_range(inputs(c, templates=template), c.start, c.start).plans[0]
    assert [i.kind for i in plan.items][:2] == ["jingle_open", "relay"]
    assert plan.items[1].url == "http://tinh/live" and plan.items[1].duration_s == 900


# ---------------------------------------------------------------- feasibility


@pytest.mark.parametrize("kw, slots, templates, kind, day, needle", [
    (dict(start=date(2024, 12, 15), end=date(2024, 11, 15)), (MORNING, EVENING), {}, ProblemKind.DATES, None,
     "Chiến dịch bdg kết thúc (15/11/2024) trước khi bắt đầu (15/12/2024): hãy sửa lại ngày."),
    (dict(target_value=90, extend_slot_s=0), (MORNING, EVENING), {}, ProblemKind.OVER_CAPACITY, date(2024, 11, 15),
     "Ngày 15/11/2024 (và 30 ngày khác): chỉ tiêu 90 phút/ngày của chiến dịch bdg vượt quá"),
    (dict(), (SlotRule(1, time(5, 30), 1800, valid_to=date(2024, 10, 1)),), {}, ProblemKind.NOT_CARRIED, None,
     "Chiến dịch bdg (15/11/2024–15/12/2024) không rơi vào buổi phát nào có khối chiến dịch: hãy thêm khối chiến dịch"),
    (dict(), (MORNING, EVENING), {1: [{"kind": "news"}], 2: [{"kind": "news"}]}, ProblemKind.NOT_CARRIED, None, "không rơi vào buổi phát nào"),
    (dict(), (SlotRule(1, time(5, 30), 1800, weekdays="12345"),), {}, ProblemKind.DAYS_UNCOVERED, date(2024, 11, 16),
     "Chiến dịch bdg không có buổi phát nào ngày 16/11/2024 và 9 ngày khác: hãy thêm buổi phát"),
    (dict(extend_slot_s=600), (MORNING, SlotRule(2, time(6, 5), 600, name="Tin sáng")), {}, ProblemKind.EXTENSION_CLASH, date(2024, 11, 15),
     "Ngày 15/11/2024: buổi Buổi sáng kéo dài thêm 10 phút sẽ chồng lên buổi Tin sáng lúc 06:05: hãy giảm thời gian kéo dài hoặc dời buổi sau."),
])
def test_campaign_problems(kw, slots, templates, kind, day, needle):
    problems = campaign_problems(campaign(**kw), slots, templates, ASSETS, VN_TZ)
    assert [(p.kind, p.day) for p in problems if needle in p.text] == [(kind, day)], problems


@pytest.mark.parametrize("start, seconds, end", [
    (time(5, 30), 1800, time(6, 0)),
    (time(17, 0), 900.5, time(17, 15, 0, 500000)),
    (time(23, 30), 3600, time(0, 30)),  # past midnight the clock wraps
    (time(0, 0), 0, time(0, 0)),
])
def test_end_of(start, seconds, end):
    assert end_of(start, seconds) == end


@pytest.mark.parametrize("valid_from, valid_to, span", [
    (None, None, (date(2024, 11, 15), date(2024, 12, 15))),  # empty dates: the campaign's
    (date(2024, 11, 20), None, (date(2024, 11, 20), date(2024, 12, 15))),
    (None, date(2024, 12, 1), (date(2024, 11, 15), date(2024, 12, 1))),
    (date(2024, 11, 1), date(2024, 12, 31), (date(2024, 11, 15), date(2024, 12, 15))),  # the campaign's dates moved inside the slot's
    (date(2024, 12, 20), date(2024, 12, 31), (date(2024, 12, 20), date(2024, 12, 15))),  # no day left: first after last
])
def test_extra_slot_span(valid_from, valid_to, span):
    assert extra_slot_span(valid_from, valid_to, date(2024, 11, 15), date(2024, 12, 15)) == span


def test_feasible_campaign_has_no_problem():
    assert campaign_problems(campaign(), (MORNING, EVENING), {}, ASSETS, VN_TZ) == []


# ---------------------------------------------------------------- properties


from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402


@hsettings(max_examples=40, deadline=None)
@given(durations=st.lists(st.floats(30, 400), min_size=1, max_size=16), minutes=st.floats(1, 40), extend=st.integers(0, 600),
       sep=st.sampled_from([0.0, 6.0, 11.0]), news=st.lists(st.floats(20, 900), max_size=5))
def test_any_month_never_overruns_and_spreads_evenly(durations, minutes, extend, sep, news):
    entries = tuple(PoolEntry(Clip(i, str(i), d, rank=i)) for i, d in enumerate(durations, start=1))
    c = campaign(pool=entries, target_value=minutes, extend_slot_s=extend, min_separation_h=sep, end=date(2024, 11, 28))
    clips = [Clip(100 + i, f"tin {i}", d, rank=100 + i) for i, d in enumerate(news)]
    result = plan_range(inputs(c, clips=clips), c.start, c.end)
    plays: Counter[int] = Counter()
    last: dict[int, datetime] = {}
    for plan in result.plans:
        assert plan.used_s <= 1800 + extend + 1e-6
        refs = [i.ref for i in plan.items if i.campaign_id]
        if len(entries) >= len(refs):
            assert len(refs) == len(set(refs))
        for i in plan.items:
            if i.campaign_id:
                at = plan.occurrence.start + timedelta(seconds=i.offset_s)
                assert i.ref not in last or at - last[i.ref] >= timedelta(hours=sep)
                last[i.ref] = at
        plays.update(refs)
    if plays and len(plays) == len(entries):
        assert max(plays.values()) - min(plays.values()) <= 2
    assert result.plans == plan_range(inputs(c, clips=clips), c.start, c.end).plans  # deterministic
