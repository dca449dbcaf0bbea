"""Every report format read back and checked against `loaxa log`, on a campaign whose problems playout produced.

The campaign runs from three days ago (D-3) to tomorrow. D-3 to D-1 are aired by the playout jobs on a simulated clock
(the code `loaxa simulate` and `loaxa play` share) over the station's two daily slots: on D-2 the player is down at the
morning broadcast (missed) and restarts two minutes into the evening one (late); on D-1 the morning audio is corrupted
before air time (the filler covers it: interrupted). Today a real `loaxa play` process airs two short broadcasts of the
campaign: the first is cut by a SIGKILL of the player and resumed after its restart, the second by an emergency.
Then the DOCX (python-docx), the XLSX (openpyxl), the four CSV tables and the JSON are read back, and every figure is
compared with sums computed from `loaxa log --format json` by tests/broadcast/log_sums.py, never by broadcast/reports.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
import re
import signal
import subprocess
import sys
import time
from datetime import date, datetime, time as clock_time, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from audio.sinks import NullSink
from broadcast.campaigns.manage import approve_campaign, back_to_draft, create_campaign, list_campaigns, set_pool
from broadcast.content.rendering import render_script
from broadcast.content.scripts import approve_script, create_script
from broadcast.db import transaction
from broadcast.models import AsRunEntry, Broadcast, BroadcastStatus, PlayerHeartbeat, Zone
from broadcast.planning.oneoff import add_one_off
from broadcast.planning.slots import list_slots, update_slot
from broadcast.playout.assembly import assemble_broadcast
from broadcast.playout.emergency import start_emergency
from broadcast.stations.lookup import get_station, station_tz
from broadcast.stations.users import get_user
from broadcast.timeutil import SystemClock, local_at
from loaxa.cli import main
from scheduler import context, runner
from scheduler.clock import SimulatedClock, SimulatedScheduler
from tests.broadcast.log_sums import LogSums, sums_over_log
from tests.conftest import cli_args, subprocess_env
from tests.scheduler.conftest import get_broadcast

# Airing the campaign takes over a minute, and building the demo as long again when this file runs alone.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]
SLUG = "kiem-chung"
TARGET_MINUTES = 1.0
TARGET_S = 60.0  # TARGET_MINUTES a day, in the report's seconds
POOL = [
    ("Bình đẳng giới trong gia đình", "Bình đẳng giới là trách nhiệm của mỗi gia đình và của cả cộng đồng thôn xóm."),
    ("Cùng chia sẻ việc nhà", "Nam và nữ cùng chia sẻ việc nhà, cùng chăm sóc con cái và cùng làm kinh tế."),
    ("Lên tiếng về bạo lực gia đình", "Hãy lên tiếng khi thấy bạo lực gia đình, gọi ngay cho trưởng thôn hoặc công an xã."),
]
VOICE = "espeak:vi+f3, 145 từ/phút"  # the log names the voice and speed that spoke (the tuned default)
VOICE_LABEL = "giọng máy espeak-ng (vi+f3, 145 từ/phút)"  # how the report names it
# Seconds from placing a real-time broadcast to its start, placed once the player holds the station: it syncs every
# second and prepares 2 s ahead. On a machine slow enough to start one late, it airs late: the checks accept that.
LEAD_S = 6
SIM_SYNC_S = 6 * 3600  # standing jobs in virtual time, as `loaxa simulate` runs them
OUTCOMES = {"missed": "không phát được", "interrupted": "bị ngắt giữa chừng", "late": "phát trễ giờ"}


@dataclasses.dataclass
class Month:
    """The campaign's days and what the test did to them."""

    first: date
    last: date
    missed_at: datetime  # the morning broadcast that passed while the player was down
    late_at: datetime  # the evening broadcast the player restarted into
    corrupted_at: datetime  # the morning broadcast whose audio was corrupted
    killed_id: int  # the broadcast cut by SIGKILL of `loaxa play`
    emergency_cut_id: int  # the broadcast cut by an emergency
    emergency_id: int


def _wait_for(predicate, timeout_s: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def _set_up_campaign(settings, factory, first: date, last: date) -> list[int]:
    """Three short approved scripts in a campaign of the given days; the station's other campaigns withdrawn."""
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        approver = get_user(session, "pheduyet")
        for other in list_campaigns(session, station):
            back_to_draft(other)  # the demo's campaign of this year would share the slots: this one airs alone
        ids = []
        for title, body in POOL:
            script = create_script(session, station, title, body, author=get_user(session, "bientap"))
            approve_script(session, script, approver)
            render_script(session, settings, script, station)
            ids.append(script.id)
        campaign = create_campaign(session, station, SLUG, "Kiểm chứng báo cáo", first, last, target_kind="minutes_per_day",
                                   target_value=TARGET_MINUTES, theme="Chung tay vì bình đẳng giới")
        set_pool(session, campaign, ids)
        approve_campaign(session, campaign, approver)
        return ids


def _simulated_player(settings, factory, start: datetime, plan_until: date) -> SimulatedScheduler:
    """A player (re)started at an instant on a simulated clock: the standing jobs `loaxa play` runs, played faster than real time."""
    clock = SimulatedClock(start)
    sim_settings = dataclasses.replace(settings, sync_interval_s=float(SIM_SYNC_S), plan_days_ahead=0)
    ctx = context.PlayoutContext(sim_settings, factory, clock=clock, sleep=clock.sleep, realtime=False, sinks_override=[NullSink()],
                                 plan_until=plan_until, replan_every=timedelta(days=1))
    scheduler = SimulatedScheduler(clock, min_interval_s=SIM_SYNC_S)
    runner.register_jobs(ctx, scheduler)
    return scheduler


def _slot_broadcast(factory, station_id: int, at: datetime) -> Broadcast:
    with transaction(factory) as session:
        broadcast = session.scalar(select(Broadcast).where(Broadcast.station_id == station_id, Broadcast.slot_start == at))
        assert broadcast is not None, f"nothing planned at {at}"
        list(broadcast.items)
        return broadcast


def _air_past_days(settings, factory, today: date) -> tuple[datetime, datetime, datetime]:
    """D-3 to D-1 on the simulated clock, with the player down, restarted late and an audio file corrupted."""
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        tz, station_id = station_tz(station), station.id
        morning, evening = sorted(slot.start_time for slot in list_slots(session, station))
    d3, d2, d1 = (today - timedelta(days=n) for n in (3, 2, 1))
    grace = timedelta(seconds=settings.late_grace_s)
    missed_at, late_at, corrupted_at = local_at(d2, morning, tz), local_at(d2, evening, tz), local_at(d1, morning, tz)

    # Up from D-3 until half an hour before D-2's morning broadcast, then down until well past its grace.
    _simulated_player(settings, factory, local_at(d3, clock_time(0), tz), d1).run_until(missed_at - timedelta(minutes=30))
    player = _simulated_player(settings, factory, missed_at + grace + timedelta(minutes=10), d1)
    player.run_until(late_at - timedelta(minutes=1))
    # Down again from a minute before D-2's evening broadcast; back two minutes into it, within the grace.
    player = _simulated_player(settings, factory, late_at + timedelta(minutes=2), d1)
    player.run_until(corrupted_at - timedelta(minutes=5))
    # D-1's morning broadcast is assembled: overwrite its audio with random bytes before air time.
    broadcast = _slot_broadcast(factory, station_id, corrupted_at)
    files = {Path(s["path"]) for s in broadcast.segments or [] if s.get("kind") == "file"} | ({Path(broadcast.audio_path)} if broadcast.audio_path else set())
    assert files and all(p.is_file() for p in files), files
    rng = random.Random(16)
    for path in files:
        path.write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
    player.run_until(local_at(today, clock_time(0), tz))
    return missed_at, late_at, corrupted_at


def _one_off(settings, factory, title: str, script_ids: list[int], start: datetime, room_s: float) -> int:
    """A one-off broadcast of campaign scripts (attributed to the campaign, as planning does), with room to resume late."""
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        campaign_id = next(c.id for c in list_campaigns(session, station) if c.slug == SLUG)
        broadcast = add_one_off(session, station, title, start, script_ids, SystemClock().now(), with_jingles=False)
        for item in broadcast.items:
            item.campaign_id = campaign_id
        broadcast.slot_end = broadcast.slot_end + timedelta(seconds=room_s)
        assemble_broadcast(session, settings, station, broadcast)
        return broadcast.id


def _play(settings, log_path: Path) -> subprocess.Popen:
    env = subprocess_env(settings, LOAXA_SYNC_INTERVAL_S="1", LOAXA_PRELOAD_S="2", LOAXA_LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-m", "loaxa", "play"], cwd=ROOT, env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT)


def _holds_station(factory, proc: subprocess.Popen) -> bool:
    assert proc.poll() is None, f"loaxa play exited with {proc.returncode}"
    with transaction(factory) as session:
        beat = session.scalars(select(PlayerHeartbeat)).first()
        return beat is not None and beat.pid == proc.pid


def _give_back_unused_room(factory, broadcast_id: int) -> None:
    """End a finished broadcast's slot where its log ends: the room to resume was the test's, and its unused part only
    kept the next one-off waiting (reports read the slot from the log rows, written before this)."""
    with transaction(factory) as session:
        broadcast = session.get(Broadcast, broadcast_id)
        ended = session.scalar(select(func.max(AsRunEntry.actual_end)).where(AsRunEntry.broadcast_id == broadcast_id))
        assert ended is not None and ended < broadcast.slot_end, (ended, broadcast.slot_end)
        broadcast.slot_end = ended


def _air_today(settings, factory, script_ids: list[int], log_path: Path) -> tuple[int, int, int]:
    """Today, for real: SIGKILL of `loaxa play` in a broadcast and a restart; an emergency cutting into another."""
    done = (BroadcastStatus.DONE, BroadcastStatus.INTERRUPTED, BroadcastStatus.MISSED, BroadcastStatus.FAILED)
    player = _play(settings, log_path)
    try:
        _wait_for(lambda: _holds_station(factory, player), 60, "`loaxa play` to hold the station")
        # Room to resume: a restart of `loaxa play` on a busy machine takes seconds (what it leaves unused is given back).
        killed = _one_off(settings, factory, "Kiểm chứng: ngắt do tắt máy", script_ids[:2], SystemClock().now() + timedelta(seconds=LEAD_S),
                          room_s=60.0)
        _wait_for(lambda: get_broadcast(factory, killed).seconds_aired >= 1.0, 60, "the first broadcast on air")
        player.send_signal(signal.SIGKILL)
        player.wait(10)
        player = _play(settings, log_path)
        _wait_for(lambda: _holds_station(factory, player), 60, "the restarted `loaxa play` to hold the station")
        _wait_for(lambda: get_broadcast(factory, killed).status in done, 120, "the first broadcast to end after its resumption")
        _give_back_unused_room(factory, killed)
        # After the first broadcast's slot: one-offs never overlap.
        start = max(SystemClock().now() + timedelta(seconds=LEAD_S), get_broadcast(factory, killed).slot_end + timedelta(seconds=1))
        # The last one: ample room (nothing waits for it), so the rest resumes late after the emergency however long the
        # emergency's message takes to render on a busy machine, never skipped for want of time.
        cut = _one_off(settings, factory, "Kiểm chứng: ngắt do khẩn cấp", script_ids, start, room_s=300.0)
        until_start = (start - SystemClock().now()).total_seconds()  # it waits for the first one's room to pass
        _wait_for(lambda: get_broadcast(factory, cut).seconds_aired >= 1.0, until_start + 60, "the second broadcast on air")
        with transaction(factory) as session:
            emergency = start_emergency(session, settings, get_station(session, settings.station), "Báo cháy",
                                        text="Cháy ở thôn ba, bà con tránh xa khu vực.")
            emergency_id = emergency.id
        _wait_for(lambda: all(get_broadcast(factory, b).status in done for b in (killed, cut, emergency_id)), 120, "today's broadcasts to end")
    finally:
        player.terminate()
        try:
            player.wait(15)
        except subprocess.TimeoutExpired:
            player.kill()
            player.wait()
    return killed, cut, emergency_id


@pytest.fixture
def month(demo_settings, demo_factory, tmp_path) -> Month:
    """The campaign aired, with its problems, by playout."""
    factory = demo_factory
    with transaction(factory) as session:
        today = SystemClock().now().astimezone(station_tz(get_station(session, demo_settings.station))).date()
    first, last = today - timedelta(days=3), today + timedelta(days=1)  # tomorrow too: today's broadcasts may run past midnight
    script_ids = _set_up_campaign(demo_settings, factory, first, last)
    missed_at, late_at, corrupted_at = _air_past_days(demo_settings, factory, today)
    with transaction(factory) as session:
        for slot in list_slots(session, get_station(session, demo_settings.station)):
            update_slot(session, slot, valid_to=today - timedelta(days=1))  # today the player airs only the broadcasts below
    killed, cut, emergency = _air_today(demo_settings, factory, script_ids, tmp_path / "play.log")
    return Month(first, last, missed_at, late_at, corrupted_at, killed, cut, emergency)


def _cli(settings, *args: str) -> str:
    result = CliRunner().invoke(main, [*cli_args(settings), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _minutes(text: str) -> float:
    """A Vietnamese-notation minutes figure ("12,3") as a number."""
    return float(text.replace(".", "").replace(",", "."))


def _close_minutes(text: str, seconds: float) -> bool:
    """A figure shown in minutes to one decimal matches a number of seconds."""
    return abs(_minutes(text) - seconds / 60) <= 0.05 + 1e-9


def _vn_date(iso: str, pattern: str = "%d/%m/%Y") -> str:
    return date.fromisoformat(iso).strftime(pattern)


def _check_late_reason(reason: str, problem) -> None:  # type: ignore[no-untyped-def]
    """A late broadcast's reason says how late, from the log's times (exported to the second: 1 s either way)."""
    if problem.late_by_s is None:
        assert "trễ" not in reason, reason
        return
    found = re.search(r"(bắt đầu|phát tiếp) trễ (\d+) giây so với giờ dự kiến", reason)
    assert found and found[1] == ("phát tiếp" if problem.resumed_late else "bắt đầu"), (reason, problem)
    assert abs(float(found[2]) - problem.late_by_s) <= 1.0, (reason, problem)


def test_every_report_format_agrees_with_the_log_playout_wrote(month, demo_settings, demo_factory, tmp_path):
    rows = json.loads(_cli(demo_settings, "log", "--from", month.first.isoformat(), "--to", month.last.isoformat(), "--format", "json"))
    everything = json.loads(_cli(demo_settings, "log", "--format", "json"))
    sums = sums_over_log(rows, SLUG)
    days = [(month.first + timedelta(days=n)).isoformat() for n in range((month.last - month.first).days + 1)]
    with transaction(demo_factory) as session:
        station = get_station(session, demo_settings.station)
        zones = [(z.code, z.name) for z in session.scalars(select(Zone).where(Zone.station_id == station.id).order_by(Zone.position))]
        last_hash = session.scalar(select(AsRunEntry.row_hash).where(AsRunEntry.station_id == station.id).order_by(AsRunEntry.seq.desc()).limit(1))
        pool = sorted((s.id, s.title) for c in list_campaigns(session, station) if c.slug == SLUG for s in (e.script for e in c.pool))

    _check_the_log_shows_what_playout_went_through(rows, month)
    # Hand-counted from what the test did: one missed (player down), three interrupted (corrupted audio, SIGKILL,
    # emergency), and late: the restart into D-2's evening plus the two resumptions today.
    assert (sums.missed, sums.interrupted, sums.late) == (1, 3, 3), sums
    assert len(everything) == len(rows) == sums.rows  # the station's whole log lies in the period
    expected = _Expected(sums, days, zones, pool, len(everything), last_hash)

    _check_json(json.loads(_cli(demo_settings, "report", "--campaign", SLUG, "--format", "json")), expected)
    for table in ("days", "scripts", "zones", "problems"):
        text = _cli(demo_settings, "report", "--campaign", SLUG, "--format", "csv", "--table", table)
        getattr(expected, f"check_csv_{table}")(list(csv.DictReader(io.StringIO(text))))
    xlsx = tmp_path / "bao-cao.xlsx"
    _cli(demo_settings, "report", "--campaign", SLUG, "--format", "xlsx", "-o", str(xlsx))
    _check_xlsx(load_workbook(xlsx), expected, rows)
    docx = tmp_path / "bao-cao.docx"
    _cli(demo_settings, "report", "--campaign", SLUG, "--format", "docx", "-o", str(docx))
    _check_docx(Document(str(docx)), expected)


def _campaign_broadcasts(rows: list[dict]) -> list[int]:
    return list(dict.fromkeys(r["broadcast_id"] for r in rows if r["campaign"] == SLUG))


def _check_the_log_shows_what_playout_went_through(rows: list[dict], month: Month) -> None:
    """What each fault left in the log, read from the export (hand-written expectations, not the report's)."""
    def of(broadcast_id: int) -> list[dict]:
        return [r for r in rows if r["broadcast_id"] == broadcast_id]

    def at(instant: datetime) -> list[dict]:
        local = instant.astimezone(datetime.fromisoformat(rows[0]["slot_start"]).tzinfo).isoformat(timespec="seconds")
        return [r for r in rows if r["slot_start"] == local]

    missed, late, corrupted = at(month.missed_at), at(month.late_at), at(month.corrupted_at)
    assert missed and {r["status"] for r in missed} == {"missed"} and all(r["seconds"] == 0 for r in missed)
    assert late and {r["status"] for r in late} == {"late"}
    assert any(r["campaign"] == SLUG for r in missed + late + corrupted)
    assert {r["status"] for r in corrupted if r["item_type"] != "filler"} == {"failed"}
    assert [r["status"] for r in corrupted if r["item_type"] == "filler"] == ["played"]  # the filler covered the programme
    killed, cut = of(month.killed_id), of(month.emergency_cut_id)
    assert killed[0]["status"] == "interrupted" and 0 < killed[0]["seconds"] and {r["status"] for r in killed[1:]} <= {"played", "late"}
    assert cut[0]["status"] == "interrupted" and {r["status"] for r in cut[1:]} <= {"played", "late"}
    # The emergency itself aired in full (late when cutting in took over a second on a busy machine).
    assert [r["item_type"] for r in of(month.emergency_id)] == ["emergency"] and of(month.emergency_id)[0]["status"] in ("played", "late")
    assert all(r["campaign"] == SLUG for r in killed + cut)


@dataclasses.dataclass
class _Expected:
    """The report's figures as the log gives them, with the checks of the CSV tables (same columns as the JSON lists)."""

    sums: LogSums
    days: list[str]
    zones: list[tuple[str, str]]
    pool: list[tuple[int, str]]
    station_rows: int
    last_hash: str

    @property
    def target_total(self) -> float:
        return TARGET_S * len(self.days)

    def met(self, day: str) -> bool:
        return self.sums.days[day].aired_seconds + 0.0005 >= TARGET_S

    @property
    def days_met(self) -> int:
        return sum(self.met(d) for d in self.days)

    def script_titles(self) -> dict[int, str]:
        return dict(self.pool)

    def check_csv_days(self, table: list[dict]) -> None:
        assert [r["date"] for r in table] == self.days
        for r in table:
            day = self.sums.days[r["date"]]
            assert float(r["target_seconds"]) == TARGET_S and float(r["aired_seconds"]) == pytest.approx(day.aired_seconds, abs=2e-3), r
            assert [int(r[k]) for k in ("broadcasts", "items", "missed", "late", "interrupted")] == [
                day.broadcasts, day.items, day.missed, day.late, day.interrupted], r
            assert r["met"] == str(self.met(r["date"])), r

    def check_csv_scripts(self, table: list[dict]) -> None:
        assert [(int(r["id"]), r["title"]) for r in table] == self.pool
        for r in table:
            script = self.sums.scripts[int(r["id"])]
            assert (int(r["plays"]), int(r["interrupted"])) == (script.plays, script.interrupted), r
            assert float(r["aired_seconds"]) == pytest.approx(script.aired_seconds, abs=2e-3), r
            assert (r["first_aired"] or None, r["last_aired"] or None) == (script.first_aired, script.last_aired), r
            assert script.voices in ([], [VOICE]), script  # the station reads with espeak-ng's Vietnamese voice
            assert r["voices"] == (VOICE_LABEL if script.voices else "") and r["target_plays"] == "", r

    def check_csv_zones(self, table: list[dict]) -> None:
        assert [(r["code"], r["name"]) for r in table] == self.zones
        for r in table:  # every broadcast went to all zones: each zone got all of it
            assert (int(r["broadcasts"]), int(r["items"])) == (self.sums.broadcasts_aired, self.sums.items), r
            assert float(r["aired_seconds"]) == pytest.approx(self.sums.aired_seconds, abs=2e-3), r

    def check_csv_problems(self, table: list[dict]) -> None:
        assert [(int(r["broadcast_id"]), r["date"], r["planned_start"], r["outcome"]) for r in table] == [
            (p.broadcast_id, p.date, p.planned_start, p.outcome) for p in self.sums.problems]
        for r, p in zip(table, self.sums.problems):
            assert float(r["aired_seconds"]) == pytest.approx(p.aired_seconds, abs=2e-3), r
            assert r["reason"] and r["zones"] == "all", r
            _check_late_reason(r["reason"], p)


def _check_json(report: dict, e: _Expected) -> None:
    s = e.sums
    assert report["campaign"]["slug"] == SLUG and (report["period"]["start"], report["period"]["end"]) == (e.days[0], e.days[-1])
    totals = report["totals"]
    assert {k: totals[k] for k in ("broadcasts", "items", "missed", "late", "interrupted", "other_broadcasts", "days", "days_met")} == {
        "broadcasts": s.broadcasts, "items": s.items, "missed": s.missed, "late": s.late, "interrupted": s.interrupted,
        "other_broadcasts": s.other_broadcasts, "days": len(e.days), "days_met": e.days_met}
    assert totals["aired_seconds"] == pytest.approx(s.aired_seconds, abs=2e-3)
    assert totals["all_aired_seconds"] == pytest.approx(s.all_aired_seconds, abs=2e-3)
    assert totals["target_seconds"] == e.target_total == report["target"]["total_seconds"]
    e.check_csv_days([{**d, "met": str(d["met"])} for d in report["days"]])
    e.check_csv_scripts([{**r, "voices": ";".join(r["voices"]), "first_aired": r["first_aired"] or "", "last_aired": r["last_aired"] or "",
                          "target_plays": "" if r["target_plays"] is None else r["target_plays"]} for r in report["scripts"]])
    e.check_csv_zones(report["zones"])
    e.check_csv_problems(report["problems"])
    assert report["log_verified"] is True
    assert report["log"] == {"verified": True, "rows_checked": e.station_rows, "reason": "", "first_bad_seq": None,
                             "rows_in_period": s.rows, "first_seq": 1, "last_seq": e.station_rows, "last_hash": e.last_hash}


def _sheet(wb, name: str) -> list[tuple]:
    return list(wb[name].iter_rows(min_row=2, values_only=True))


def _day(value) -> str:  # type: ignore[no-untyped-def]
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _check_xlsx(wb, e: _Expected, rows: list[dict]) -> None:
    s = e.sums
    summary = {row[0]: row[1] for row in wb["Tổng hợp"].iter_rows(values_only=True)}
    assert {k: summary[k] for k in ("Số buổi phát có nội dung chiến dịch", "Số lượt bài đã phát", "Buổi phát trễ giờ", "Buổi phát bị ngắt",
                                    "Buổi không phát được", "Số ngày đạt chỉ tiêu", "Số ngày trong kỳ", "Buổi phát khác trong kỳ",
                                    "Nhật ký toàn vẹn", "Số dòng nhật ký đã kiểm tra")} == {
        "Số buổi phát có nội dung chiến dịch": s.broadcasts, "Số lượt bài đã phát": s.items, "Buổi phát trễ giờ": s.late,
        "Buổi phát bị ngắt": s.interrupted, "Buổi không phát được": s.missed, "Số ngày đạt chỉ tiêu": e.days_met,
        "Số ngày trong kỳ": len(e.days), "Buổi phát khác trong kỳ": s.other_broadcasts, "Nhật ký toàn vẹn": "có",
        "Số dòng nhật ký đã kiểm tra": e.station_rows}
    assert summary["Chỉ tiêu trong kỳ (giây)"] == e.target_total
    assert summary["Thời lượng chiến dịch đã phát (giây)"] == pytest.approx(s.aired_seconds, abs=2e-3)
    assert (_day(summary["Kỳ báo cáo từ ngày"]), _day(summary["Kỳ báo cáo đến ngày"])) == (e.days[0], e.days[-1])
    assert summary["Mã băm dòng cuối trong kỳ"] == e.last_hash

    days = _sheet(wb, "Theo ngày")
    assert [_day(r[0]) for r in days] == e.days
    for r in days:
        day = s.days[_day(r[0])]
        assert r[1] == TARGET_S and r[2] == pytest.approx(day.aired_seconds, abs=2e-3), r
        assert list(r[3:8]) == [day.broadcasts, day.items, day.missed, day.late, day.interrupted], r
        assert r[8] == ("Đạt" if e.met(_day(r[0])) else "Chưa đạt"), r

    scripts = _sheet(wb, "Theo bài")
    assert [(r[0], r[1]) for r in scripts] == e.pool
    for r in scripts:
        script = s.scripts[r[0]]
        assert (r[2], r[3]) == (script.plays, script.interrupted) and r[4] == pytest.approx(script.aired_seconds, abs=2e-3), r
        assert (r[5] and _day(r[5]), r[6] and _day(r[6])) == (script.first_aired, script.last_aired), r
        assert r[7] == (VOICE_LABEL if script.voices else "") and r[8] is None, r

    zones = _sheet(wb, "Theo thôn")
    assert [(r[0], r[1]) for r in zones] == e.zones
    assert all(r[2:4] == (s.broadcasts_aired, s.items) and r[4] == pytest.approx(s.aired_seconds, abs=2e-3) for r in zones), zones

    problems = _sheet(wb, "Sự cố")
    assert [(r[0], r[1], r[2]) for r in problems] == [
        (p.broadcast_id, datetime.fromisoformat(p.planned_start).strftime("%d/%m/%Y %H:%M"), OUTCOMES[p.outcome]) for p in s.problems]
    for r, p in zip(problems, s.problems):
        assert r[3] == pytest.approx(p.aired_seconds, abs=2e-3) and r[4] and r[5] == "tất cả", r
        _check_late_reason(r[4], p)

    log = wb["Nhật ký"]
    header = [c.value for c in log[1]]
    entries = [dict(zip(header, r)) for r in log.iter_rows(min_row=2, values_only=True)]
    # The campaign broadcasts' rows, broadcast by broadcast in log order, as `loaxa log` exports them (plus the reason).
    want = [r for b in _campaign_broadcasts(rows) for r in rows if r["broadcast_id"] == b]
    # An empty text is an empty cell (None) in a workbook, a whole number of seconds an int.
    read = [{k: ("" if v is None else float(v) if k == "seconds" else v) for k, v in x.items() if k != "reason"} for x in entries]
    assert read == want


def _table(doc, *headers: str) -> list[list[str]]:
    """The rows (header first) of the document's table whose header row starts with the given cells."""
    for table in doc.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][:len(headers)] == list(headers):
            return rows
    raise AssertionError(f"no table headed {headers!r}")


def _vn_int(n: int) -> str:
    """A count in Vietnamese notation (dot between thousands)."""
    return f"{n:,}".replace(",", ".")


def _check_docx(doc, e: _Expected) -> None:
    s = e.sums
    pct = 100 * s.aired_seconds / e.target_total
    summary = {row[1]: row[2] for row in _table(doc, "TT", "Nội dung", "Kết quả")[1:]}
    assert summary["Số buổi phát có nội dung chiến dịch"] == str(s.broadcasts)
    assert summary["- Phát đủ, đúng giờ"] == str(s.broadcasts - len(s.problems))
    assert (summary["- Phát trễ giờ"], summary["- Bị ngắt giữa chừng"], summary["- Không phát được"]) == (str(s.late), str(s.interrupted), str(s.missed))
    assert summary["Số lượt phát bài tuyên truyền của chiến dịch"] == str(s.items)
    assert _close_minutes(summary["Thời lượng nội dung chiến dịch đã phát (phút)"], s.aired_seconds)
    assert _close_minutes(summary["Chỉ tiêu thời lượng trong kỳ (phút)"], e.target_total)
    assert abs(_minutes(summary["Tỷ lệ đạt so với chỉ tiêu"].rstrip("%")) - pct) <= 0.05 + 1e-9
    assert summary["Số ngày đạt chỉ tiêu"] == f"{e.days_met}/{len(e.days)} ngày"
    assert summary["Buổi phát khác của đài trong kỳ (không có nội dung chiến dịch)"] == str(s.other_broadcasts)

    days = _table(doc, "Ngày")
    assert [r[0] for r in days[1:-1]] == [_vn_date(d) for d in e.days]
    for r, iso in zip(days[1:-1], e.days):
        day = s.days[iso]
        assert _close_minutes(r[1], TARGET_S) and _close_minutes(r[2], day.aired_seconds), r
        assert (r[3], r[4], r[5]) == (str(day.broadcasts), str(day.items), "Đạt" if e.met(iso) else "Chưa đạt"), r
    total = days[-1]
    assert total[0] == "Cộng" and _close_minutes(total[1], e.target_total) and _close_minutes(total[2], s.aired_seconds)
    assert (total[3], total[4], total[5]) == (str(s.broadcasts), str(s.items), f"{e.days_met}/{len(e.days)} ngày đạt")

    problems = _table(doc, "Giờ dự kiến")[1:]
    assert [(r[0], r[1]) for r in problems] == [
        (datetime.fromisoformat(p.planned_start).strftime("%d/%m/%Y %H:%M"), OUTCOMES[p.outcome]) for p in s.problems]
    for r, p in zip(problems, s.problems):
        assert _close_minutes(r[2], p.aired_seconds) and r[3] not in ("", "—"), r
        _check_late_reason(r[3], p)

    scripts = _table(doc, "TT", "Tên bài", "Số lần phát")
    assert [(r[0], r[1]) for r in scripts[1:]] == [(str(n), title) for n, (_, title) in enumerate(e.pool, start=1)]
    for r, (script_id, _) in zip(scripts[1:], e.pool):
        script = s.scripts[script_id]
        assert r[2] == str(script.plays) + (f" (+{script.interrupted} bị ngắt)" if script.interrupted else ""), r
        assert _close_minutes(r[3], script.aired_seconds), r
        assert (r[4], r[5]) == ((_vn_date(script.first_aired, "%d/%m"), _vn_date(script.last_aired, "%d/%m")) if script.first_aired else ("—", "—")), r
        assert r[6] == (VOICE_LABEL if script.voices else "—"), r

    text = [p.text for p in doc.paragraphs]
    body = "\n".join(text)
    assert f"báo cáo này tính từ ngày {_vn_date(e.days[0])} đến ngày {_vn_date(e.days[-1])} ({len(e.days)} ngày)" in body
    shown = re.search(r"tổng chỉ tiêu trong kỳ báo cáo là ([\d.,]+) phút", body).group(1)
    assert _close_minutes(shown, e.target_total)
    m = re.search(r"Trong kỳ, đài đã phát (\d+) lượt bài tuyên truyền của chiến dịch trong (\d+) buổi phát, tổng thời lượng ([\d.,]+) phút, "
                  r"đạt ([\d.,]+)% chỉ tiêu; (\d+)/(\d+) ngày đạt chỉ tiêu", body)
    assert m, body
    assert (int(m[1]), int(m[2]), int(m[5]), int(m[6])) == (s.items, s.broadcasts - s.missed, e.days_met, len(e.days))
    assert _close_minutes(m[3], s.aired_seconds) and abs(_minutes(m[4]) - pct) <= 0.05 + 1e-9
    m = re.search(r"trên toàn bộ (\d+) thôn \(cụm loa\) của xã; mỗi thôn nhận ([\d.,]+) phút", body)  # no zone table: all zones got it all
    assert m and int(m[1]) == len(e.zones) and _close_minutes(m[2], s.aired_seconds), body
    assert f"Nhật ký phát sóng của đài ({_vn_int(e.station_rows)} dòng) đã được kiểm tra" in body
    assert (f"Báo cáo được tính từ {_vn_int(s.rows)} dòng nhật ký trong kỳ (số thứ tự 1 đến {e.station_rows}); "
            f"mã băm của dòng cuối: {e.last_hash[:16]}…") in body
