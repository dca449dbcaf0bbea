"""The report's pure aggregation (reports.compute.compute) on a hand-written log: every expected figure is counted by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from broadcast.errors import NotFound
from broadcast.models import AsRunEntry, Campaign, LogStatus, Station
from broadcast.reports.compute import ReportInputs, compute, require_campaign_rows

UTC = timezone.utc
D10, D11 = date(2024, 11, 10), date(2024, 11, 11)
# Local 05:30 and 17:00 in Viet Nam (UTC+7).
MORNING_10, EVENING_10 = datetime(2024, 11, 9, 22, 30, tzinfo=UTC), datetime(2024, 11, 10, 10, 0, tzinfo=UTC)
MORNING_11, EVENING_11 = datetime(2024, 11, 10, 22, 30, tzinfo=UTC), datetime(2024, 11, 11, 10, 0, tzinfo=UTC)


def entry(seq, broadcast_id, slot_start, offset_s, ref, campaign, status, seconds, voice="espeak:vi", zones="all", reason="", late_s=0.0):
    planned = slot_start + timedelta(seconds=offset_s)
    return AsRunEntry(
        seq=seq, station_id=1, broadcast_id=broadcast_id, slot_start=slot_start, slot_end=slot_start + timedelta(minutes=30),
        planned_start=planned, actual_start=None if status == LogStatus.MISSED else planned + timedelta(seconds=late_s),
        actual_end=None, item_type="script" if ref.startswith("script") else "jingle", item_ref=ref, title=f"Mục {ref}", campaign=campaign,
        voice=voice, status=status, seconds=seconds, sinks="aircheck", zones=zones, reason=reason, row_hash=f"h{seq}",
    )


ROWS = [
    # Broadcast 10, morning of the 10th: a jingle, two campaign scripts aired in full.
    entry(1, 10, MORNING_10, 0, "jingle:1", "", LogStatus.PLAYED, 10.0),
    entry(2, 10, MORNING_10, 10, "script:1", "cd", LogStatus.PLAYED, 60.0),
    entry(3, 10, MORNING_10, 70, "script:2", "cd", LogStatus.PLAYED, 50.0, voice="recording"),
    # Broadcast 11, evening of the 10th, on thôn 2 only: missed.
    entry(4, 11, EVENING_10, 0, "script:1", "cd", LogStatus.MISSED, 0.0, zones="thon-2", reason="Mất điện"),
    # Broadcast 12, morning of the 11th: started 95 s late, then cut.
    entry(5, 12, MORNING_11, 0, "script:2", "cd", LogStatus.LATE, 50.0, voice="gtts:vi", zones="thon-1,thon-2", late_s=95),
    entry(6, 12, MORNING_11, 50, "script:1", "cd", LogStatus.INTERRUPTED, 20.0, zones="thon-1,thon-2", reason="Ngắt khẩn cấp", late_s=95),
    # Broadcast 13, evening of the 11th: nothing of the campaign.
    entry(7, 13, EVENING_11, 0, "script:9", "", LogStatus.PLAYED, 30.0),
]
POOL = [(2, "Bài hai"), (1, "Bài một"), (3, "Bài ba")]  # in the pool's order, not by number


def inputs(kind="minutes_per_day", value=2.0, rows=ROWS):
    station = Station(slug="xa-a", name="Xã A", timezone="Asia/Ho_Chi_Minh")
    campaign = Campaign(slug="cd", name="Chiến dịch", start_date=date(2024, 11, 1), end_date=date(2024, 11, 30),
                        target_kind=kind, target_value=value, windows=[])
    return ReportInputs(station, campaign, D10, D11, rows, POOL, {3: 40.0, 1: 999.0}, [("thon-1", "Thôn 1"), ("thon-2", "Thôn 2")])


def test_days_totals_and_problems_of_a_minutes_target():
    figures = compute(inputs())
    assert figures.target_note == "2 phút nội dung chiến dịch mỗi ngày"
    assert [(d.date, d.target_seconds, d.aired_seconds, d.broadcasts, d.items, d.missed, d.late, d.interrupted, d.met) for d in figures.days] == [
        (D10, 120.0, 110.0, 2, 2, 1, 0, 0, False),
        (D11, 120.0, 70.0, 1, 2, 0, 1, 1, False),
    ]
    t = figures.totals
    assert (t.broadcasts, t.items, t.aired_seconds, t.target_seconds, t.days, t.days_met, t.missed, t.late, t.interrupted,
            t.other_broadcasts, t.all_aired_seconds) == (3, 4, 180.0, 240.0, 2, 0, 1, 1, 1, 1, 220.0)
    assert [(p.broadcast_id, p.day, p.outcome, p.aired_seconds, p.reason, p.zones) for p in figures.problems] == [
        (11, D10, "missed", 0.0, "Mất điện", "thon-2"),
        (12, D11, "interrupted", 70.0, "Ngắt khẩn cấp; bắt đầu trễ 95 giây so với giờ dự kiến", "thon-1,thon-2"),
    ]


def test_scripts_and_zones():
    figures = compute(inputs())
    assert [(s.id, s.title, s.plays, s.interrupted, s.aired_seconds, s.first_aired, s.last_aired, s.voices, s.target_plays)
            for s in figures.scripts] == [
        (1, "Mục script:1", 1, 1, 80.0, D10, D11, ["giọng máy espeak-ng"], None),
        (2, "Mục script:2", 2, 0, 100.0, D10, D11, ["bản ghi âm người đọc", "giọng Google (gTTS)"], None),
        (3, "Bài ba", 0, 0, 0.0, None, None, [], None),
    ]
    assert [(z.code, z.name, z.broadcasts, z.items, z.aired_seconds) for z in figures.zones] == [
        ("thon-1", "Thôn 1", 2, 4, 180.0), ("thon-2", "Thôn 2", 2, 4, 180.0),
    ]
    assert figures.zone_targeted
    # The export covers every row of the campaign's broadcasts (the jingle too), not the other broadcast.
    assert [(e["item_id"], e["reason"]) for e in figures.entries] == [
        ("jingle:1", ""), ("script:1", ""), ("script:2", ""), ("script:1", "Mất điện"), ("script:2", ""), ("script:1", "Ngắt khẩn cấp"),
    ]


@pytest.mark.parametrize("kind, value, targets, target_plays", [
    # Half of the carrying slots: the 10th had two 30-minute broadcasts of the campaign, the 11th one.
    ("share_of_slot", 50.0, [1800.0, 900.0], None),
    # 7 plays a week of every pool script, every day on: one play of each a day. Lengths: script 1 longest full airing 60 s
    # (its cut airing does not count), script 2 50 s, script 3 never aired so its audio, 40 s.
    ("plays_per_script_week", 7.0, [150.0, 150.0], 2.0),
    ("minutes_per_day", 0.5, [30.0, 30.0], None),
])
def test_targets_by_kind(kind, value, targets, target_plays):
    figures = compute(inputs(kind, value))
    assert [d.target_seconds for d in figures.days] == targets
    assert figures.totals.target_seconds == sum(targets)
    assert {s.id: s.target_plays for s in figures.scripts} == {1: target_plays, 2: target_plays, 3: target_plays}


def test_a_period_without_the_campaign_is_refused():
    require_campaign_rows(ROWS, inputs().campaign, D10, D11)
    with pytest.raises(NotFound, match="không có buổi phát nào của chiến dịch cd từ 10/11/2024 đến 11/11/2024"):
        require_campaign_rows([ROWS[0], ROWS[-1]], inputs().campaign, D10, D11)


@pytest.mark.parametrize("zones, reached, share", [
    ("all", None, 1.0),                  # not judged (no receivers): counted in full
    ("all", "", 0.0),                    # judged: no thôn had a receiver playing
    ("all", "thon-1", 0.5),              # one of the two thôn of the station
    ("thon-1,thon-2", "thon-2", 0.5),
    ("thon-2", "thon-1,thon-2", 1.0),    # reach outside the target does not count twice
    ("thon-2", "thon-1", 0.0),
])
def test_reach_share_of_a_row(zones, reached, share):
    from broadcast.reports.compute import reach_share

    assert reach_share(zones, reached, ["thon-1", "thon-2"]) == share


def test_reach_per_thon_and_the_daily_target_judged_on_reach():
    # The 10th as in ROWS but judged by receivers: script 1 (60 s, all zones) reached thôn 1 only; script 2 (50 s) both thôn.
    judged = [entry(1, 10, MORNING_10, 0, "jingle:1", "", LogStatus.PLAYED, 10.0),
              entry(2, 10, MORNING_10, 10, "script:1", "cd", LogStatus.PLAYED, 60.0),
              entry(3, 10, MORNING_10, 70, "script:2", "cd", LogStatus.PLAYED, 50.0)]
    judged[1].zones_reached, judged[2].zones_reached = "thon-1", "thon-1,thon-2"
    figures = compute(inputs(value=1.5, rows=judged))  # 90 s a day
    day10 = figures.days[0]
    # Aired 110 s; reached 60×½ + 50×1 = 80 s < 90 s: not met on reach (it would be on airtime).
    assert (day10.aired_seconds, day10.reached_seconds, day10.met) == (110.0, 80.0, False)
    assert figures.days[1].reached_seconds is None  # nothing aired on the 11th: not judged
    by_zone = {z.code: (z.aired_seconds, z.reached_seconds, z.broadcasts, z.unreached_broadcasts) for z in figures.zones}
    assert by_zone == {"thon-1": (110.0, 110.0, 1, 0), "thon-2": (110.0, 50.0, 1, 0)}


def test_a_broadcast_that_reached_no_receiver_in_a_thon_is_counted():
    judged = [entry(2, 10, MORNING_10, 10, "script:1", "cd", LogStatus.PLAYED, 60.0),
              entry(5, 12, MORNING_11, 0, "script:2", "cd", LogStatus.PLAYED, 50.0)]
    judged[0].zones_reached, judged[1].zones_reached = "thon-1", "thon-1,thon-2"
    by_zone = {z.code: (z.reached_seconds, z.broadcasts, z.unreached_broadcasts) for z in compute(inputs(rows=judged)).zones}
    assert by_zone == {"thon-1": (110.0, 2, 0), "thon-2": (50.0, 2, 1)}
