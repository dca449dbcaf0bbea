"""What receivers judged reaches every report format: DOCX, XLSX, CSV and JSON read back, figures counted by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

from docx import Document
from openpyxl import load_workbook

from broadcast.models import LogStatus, Station
from broadcast.reports.compute import REACH_RULE, CampaignReport, LogCheck, compute, default_letterhead
from broadcast.reports.docx import render_docx
from broadcast.reports.tables import render_csv, render_json
from broadcast.reports.xlsx import render_xlsx
from tests.broadcast.test_report_compute import MORNING_10, entry, inputs


def _report(judged: bool) -> CampaignReport:
    """The 10th of test_report_compute: script 1 (60 s, all thôn) reached thôn 1 only, script 2 (50 s) both."""
    rows = [entry(1, 10, MORNING_10, 0, "jingle:1", "", LogStatus.PLAYED, 10.0),
            entry(2, 10, MORNING_10, 10, "script:1", "cd", LogStatus.PLAYED, 60.0),
            entry(3, 10, MORNING_10, 70, "script:2", "cd", LogStatus.PLAYED, 50.0)]
    if judged:
        rows[1].zones_reached, rows[2].zones_reached = "thon-1", "thon-1,thon-2"
    given = inputs(value=1.5, rows=rows)
    figures = compute(given)
    station = Station(slug="xa-a", name="Đài truyền thanh xã A", timezone="Asia/Ho_Chi_Minh")
    return CampaignReport(
        station_slug="xa-a", station_name=station.name, slug="cd", name="Chiến dịch", theme="", campaign_start=given.campaign.start_date,
        campaign_end=given.campaign.end_date, start=given.first, end=given.last, target_kind="minutes_per_day", target_value=1.5,
        target_note=figures.target_note, days=figures.days, scripts=figures.scripts, zones=figures.zones,
        zone_targeted=figures.zone_targeted, problems=figures.problems, totals=figures.totals,
        log=LogCheck(verified=True, rows_checked=3, rows_in_period=3, first_seq=1, last_seq=3, last_hash="h3"), note="",
        letterhead=default_letterhead(station, None), generated_at=datetime(2024, 11, 12, tzinfo=timezone.utc), entries=figures.entries,
    )


def test_csv_tables_gain_the_reach_columns_only_when_receivers_judged():
    days = list(csv.DictReader(io.StringIO(render_csv(_report(True), "days"))))
    assert [(d["date"], d["aired_seconds"], d["reached_seconds"], d["met"]) for d in days] == [
        ("2024-11-10", "110.0", "80.0", "False"), ("2024-11-11", "0.0", "", "False")]  # 60×½ + 50 = 80 s < 90 s
    zones = list(csv.DictReader(io.StringIO(render_csv(_report(True), "zones"))))
    assert [(z["code"], z["reached_seconds"], z["unreached_broadcasts"]) for z in zones] == [("thon-1", "110.0", "0"), ("thon-2", "50.0", "0")]
    plain = csv.reader(io.StringIO(render_csv(_report(False), "zones")))
    assert next(plain) == ["code", "name", "broadcasts", "items", "aired_seconds"]


def test_xlsx_sheets_show_reach_and_the_rule():
    book = load_workbook(io.BytesIO(render_xlsx(_report(True))))
    days = [list(r) for r in book["Theo ngày"].iter_rows(values_only=True)]
    assert days[0][-1] == "Đến được thôn (giây)" and [r[-1] for r in days[1:]] == [80.0, None]
    zones = [list(r) for r in book["Theo thôn"].iter_rows(values_only=True)]
    assert zones[0][-2:] == ["Đến được (giây)", "Số buổi không đến được"]
    assert [r[-2:] for r in zones[1:]] == [[110.0, 0], [50.0, 0]]
    summary = {r[0]: r[1] for r in book["Tổng hợp"].iter_rows(values_only=True)}
    assert summary["Thời lượng đến được thôn"] == REACH_RULE
    plain = load_workbook(io.BytesIO(render_xlsx(_report(False))))
    assert next(plain["Theo thôn"].iter_rows(values_only=True))[-1] == "Đã phát (giây)"


def test_docx_and_json_show_reach():
    doc = Document(io.BytesIO(render_docx(_report(True), today=date(2024, 11, 12))))
    [table] = [t for t in doc.tables if t.rows[0].cells[-1].text == "Số buổi không đến được"]
    assert [[c.text for c in r.cells][1:] for r in table.rows[1:]] == [["Thôn 1", "1,8", "1,8", "0"], ["Thôn 2", "1,8", "0,8", "0"]]
    assert any(p.text == REACH_RULE for p in doc.paragraphs)
    data = json.loads(render_json(_report(True)))
    assert data["reach_rule"] == REACH_RULE and [d.get("reached_seconds") for d in data["days"]] == [80.0, None]
    assert "reach_rule" not in json.loads(render_json(_report(False)))
