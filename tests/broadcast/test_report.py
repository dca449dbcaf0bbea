"""Campaign reports: figures equal sums over `loaxa log`, bad input, a broken chain, notes and file formats."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select, text

from broadcast.db import transaction
from broadcast.errors import InvalidInput, NotFound, PermissionDenied
from broadcast.models import Campaign
from broadcast.reports import build_report, render, write_report
from broadcast.reports.notes import get_note_text, save_note
from broadcast.stations.lookup import get_station
from broadcast.stations.users import get_user
from loaxa.cli import main
from tests.broadcast.log_sums import sums_over_log


def _cli(settings, *args):
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), "--station", "cam-tan", *args])
    return result


@pytest.mark.parametrize("period", [(), ("--from", "2024-11-20", "--to", "30/11/2024")])
def test_report_figures_equal_sums_over_loaxa_log(month, period):
    settings, _, injected = month
    result = _cli(settings, "report", "--campaign", "bdg-2024", "--format", "json", *period)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    first, last = (period[1], "2024-11-30") if period else ("2024-11-15", "2024-12-15")
    log = _cli(settings, "log", "--from", first, "--to", last, "--format", "json")
    assert log.exit_code == 0, log.output
    sums = sums_over_log(json.loads(log.output), "bdg-2024")

    totals = report["totals"]
    for key in ("broadcasts", "items", "missed", "late", "interrupted"):
        assert totals[key] == getattr(sums, key), key
    assert totals["aired_seconds"] == pytest.approx(sums.aired_seconds, abs=1e-3)
    assert sum(d["aired_seconds"] for d in report["days"]) == pytest.approx(totals["aired_seconds"], abs=1e-3)
    for day in report["days"]:
        assert day["aired_seconds"] == pytest.approx(sums.days[day["date"]].aired_seconds, abs=1e-3), day["date"]
    for script in report["scripts"]:
        assert script["aired_seconds"] == pytest.approx(sums.scripts[script["id"]].aired_seconds, abs=1e-3), script["title"]
    assert report["campaign"] == {**report["campaign"], "slug": "bdg-2024", "start": "2024-11-15", "end": "2024-12-15"}
    assert (report["days"][0]["date"], report["days"][-1]["date"]) == (first, last)
    assert len(report["days"]) == (date.fromisoformat(report["period"]["end"]) - date.fromisoformat(report["period"]["start"])).days + 1
    assert all(isinstance(d["target_seconds"], float) and d["target_seconds"] == 600.0 for d in report["days"])
    assert report["log_verified"] is True
    if not period:  # the whole month shows every problem the builder injected, each with its reason
        assert {p["broadcast_id"]: p["outcome"] for p in report["problems"]} == injected.problems
        assert all(p["reason"] for p in report["problems"])
        assert totals["days_met"] < totals["days"]  # the missed broadcasts left days short


def test_zone_table_counts_zone_targeted_broadcasts(month):
    settings, factory, _ = month
    with transaction(factory) as session:
        report = build_report(session, get_station(session, "cam-tan"), "bdg-2024")
    assert report.zone_targeted
    zones = {z.code: z for z in report.zones}
    assert zones["thon-3"].aired_seconds == pytest.approx(report.totals.aired_seconds, abs=1e-3)
    assert zones["thon-1"].aired_seconds < zones["thon-3"].aired_seconds
    assert zones["thon-1"].broadcasts == zones["thon-3"].broadcasts - 3


def test_bad_input_gives_one_sentence_and_no_file(month, tmp_path):
    settings, _, _ = month
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        (("--campaign", "khong-co"), "Không có chiến dịch"),
        (("--campaign", "bdg-2024", "--from", "2024-11-01", "--to", "2024-11-20"), "nằm ngoài chiến dịch"),
        (("--campaign", "bdg-2024", "--from", "2024-12-10", "--to", "2024-12-01"), "trước ngày bắt đầu"),
        (("--campaign", "bdg-2024", "--from", "2025-01-01"), "nằm ngoài chiến dịch"),
        (("--campaign", "bdg-2024", "--from", "31/02/2024"), "không đúng dạng"),
        (("--campaign", "bdg-2026"), "không có buổi phát nào"),
        ((), "--campaign"),
    ]
    for args, expected in cases:
        result = _cli(settings, "report", *args, "--format", "docx", "-o", str(out / "r.docx"))
        assert result.exit_code == 1, (args, result.output)
        assert expected in result.output and "Traceback" not in result.output, (args, result.output)
    assert list(out.iterdir()) == []


def test_broken_chain_still_renders_marked(month, tmp_path):
    settings, factory, _ = month
    with transaction(factory) as session:
        session.execute(text("UPDATE asrun_log SET seconds = seconds + 120 WHERE seq = 40"))
    target = tmp_path / "r.docx"
    result = _cli(settings, "report", "--campaign", "bdg-2024", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "đã bị thay đổi" in result.output
    from docx import Document

    doc = Document(str(target))
    texts = [p.text for p in doc.paragraphs]
    warning = next(p for p in doc.paragraphs if p.text.startswith("CẢNH BÁO"))
    assert texts.index(warning.text) < texts.index("BÁO CÁO")  # at the top, above the title
    assert "dòng số 40" in warning.text and str(warning.runs[0].font.color.rgb) == "C00000"
    data = json.loads(_cli(settings, "report", "--campaign", "bdg-2024", "--format", "json").output.split("\nCảnh báo")[0])
    assert data["log_verified"] is False and data["log"]["first_bad_seq"] == 40
    wb = load_workbook(io.BytesIO(render_from(factory, "xlsx")))
    assert wb["Tổng hợp"]["A2"].value == "CẢNH BÁO"


def render_from(factory, fmt):
    with transaction(factory) as session:
        report = build_report(session, get_station(session, "cam-tan"), "bdg-2024")
    return render(report, fmt)


def test_notes_permissions_and_section_v(month):
    settings, factory, _ = month
    with transaction(factory) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        with pytest.raises(PermissionDenied):
            save_note(session, campaign, "x", get_user(session, "xem"))
        with pytest.raises(InvalidInput) as err:
            save_note(session, campaign, "a" * 10_001, get_user(session, "bientap"))
        assert err.value.field == "body"
        save_note(session, campaign, "Phối hợp Hội Phụ nữ xã làm 02 phóng sự.\r\nTiếp sóng Đài tỉnh 31 buổi.", get_user(session, "bientap"))
        assert get_note_text(session, campaign) == "Phối hợp Hội Phụ nữ xã làm 02 phóng sự.\nTiếp sóng Đài tỉnh 31 buổi."
    result = _cli(settings, "report", "note", "--campaign", "bdg-2024", "Tổ chức 01 buổi tọa đàm trên sóng.")
    assert result.exit_code == 0, result.output
    assert _cli(settings, "report", "note", "--campaign", "bdg-2024").output.strip() == "Tổ chức 01 buổi tọa đàm trên sóng."
    from docx import Document

    doc = Document(io.BytesIO(render_from(factory, "docx")))
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index("V. CÁC HOẠT ĐỘNG KHÁC CỦA ĐÀI") + 1] == "Tổ chức 01 buổi tọa đàm trên sóng."


def test_xlsx_and_csv_tables(month, tmp_path):
    settings, factory, _ = month
    with transaction(factory) as session:
        report = build_report(session, get_station(session, "cam-tan"), "bdg-2024")
    path = write_report(report, "xlsx", tmp_path)
    assert path.name == "bao-cao-bdg-2024-20241115-20241215.xlsx"
    wb = load_workbook(path)
    assert {"Tổng hợp", "Theo ngày", "Theo bài", "Theo thôn", "Nhật ký"} <= set(wb.sheetnames)
    days = list(wb["Theo ngày"].iter_rows(min_row=2, values_only=True))
    assert len(days) == 31 and sum(r[2] for r in days) == pytest.approx(report.totals.aired_seconds, abs=1e-3)
    assert wb["Nhật ký"].max_row - 1 == len(report.entries)
    raw = write_report(report, "csv", tmp_path / "days.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM to read Vietnamese as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 31 and rows[0]["date"] == "2024-11-15"
    problems = list(csv.DictReader(io.StringIO(render(report, "csv", table="problems").decode("utf-8-sig"))))
    assert len(problems) == len(report.problems)
    with pytest.raises(InvalidInput):
        write_report(report, "pdf", tmp_path / "x.pdf")
    with pytest.raises(InvalidInput):
        write_report(report, "json", tmp_path / "nowhere" / "x.json")
    assert not (tmp_path / "x.pdf").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_plays_per_script_week_target(month):
    settings, factory, _ = month
    with transaction(factory) as session:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == "bdg-2024"))
        campaign.target_kind, campaign.target_value = "plays_per_script_week", 3.0
        session.flush()
        report = build_report(session, get_station(session, "cam-tan"), campaign, date(2024, 11, 15), date(2024, 11, 21))
        lengths = {s.id: max(r["seconds"] for r in report.entries if r["item_id"] == f"script:{s.id}" and r["status"] in ("played", "late")) for s in report.scripts}
    assert report.days[0].target_seconds == pytest.approx(3.0 * sum(lengths.values()) / 7.0, abs=1e-3)
    assert all(s.target_plays == 3.0 for s in report.scripts)
    assert "÷ 7" in report.target_note


def test_unknown_campaign_and_empty_period_from_the_api(month):
    _, factory, _ = month
    with transaction(factory) as session:
        station = get_station(session, "cam-tan")
        with pytest.raises(NotFound):
            build_report(session, station, "khong-co")
        with pytest.raises(NotFound):
            build_report(session, station, "bdg-2026")
        with pytest.raises(InvalidInput) as err:
            build_report(session, station, "bdg-2024", date(2024, 12, 1), date(2024, 12, 31))
    assert err.value.field == "end"


@pytest.mark.parametrize("kind, value, expected", [
    ("minutes_per_day", 10.0, {date(2024, 11, 15): 600.0, date(2024, 11, 16): 600.0}),
    # 25 % of the logged 2 × 35 minutes; the unlogged day owes the same as a typical logged day
    ("share_of_slot", 25.0, {date(2024, 11, 15): 1050.0, date(2024, 11, 16): 1050.0}),
    ("plays_per_script_week", 7.0, {date(2024, 11, 15): 300.0, date(2024, 11, 16): 300.0}),
])
def test_daily_targets(kind, value, expected):
    from broadcast.reports.compute import daily_targets

    campaign = Campaign(slug="c", target_kind=kind, target_value=value)
    targets, note = daily_targets(campaign, list(expected), {date(2024, 11, 15): 4200.0}, [100.0, 200.0])
    assert targets == pytest.approx(expected) and note


@pytest.mark.parametrize("voice, label", [
    ("espeak:vi", "giọng máy espeak-ng"), ("recording", "bản ghi âm người đọc"), ("media", "tệp âm thanh"),
    ("piper:vi_VN-vais1000-medium", "giọng máy Piper (vi_VN-vais1000-medium)"), ("gtts:vi", "giọng Google (gTTS)"), ("", "không rõ"),
])
def test_voice_labels(voice, label):
    from broadcast.reports.compute import voice_label

    assert voice_label(voice) == label


def test_report_after_simulating_the_month_equals_sums_over_loaxa_log(simulated_month):
    """The whole path: `loaxa simulate` of the demo's campaign month (shared with tests/scheduler/test_simulate.py), then the report against `loaxa log`."""
    settings, _ = simulated_month
    report = json.loads(_cli(settings, "report", "--campaign", "bdg-2024", "--format", "json").output)
    sums = sums_over_log(json.loads(_cli(settings, "log", "--from", "2024-11-15", "--to", "2024-12-15", "--format", "json").output), "bdg-2024")
    for key in ("broadcasts", "items", "missed", "late", "interrupted"):
        assert report["totals"][key] == getattr(sums, key), key
    assert report["totals"]["aired_seconds"] == pytest.approx(sums.aired_seconds, abs=1e-3)
    for day in report["days"]:
        assert day["aired_seconds"] == pytest.approx(sums.days[day["date"]].aired_seconds, abs=1e-3), day["date"]
        assert day["aired_seconds"] >= day["target_seconds"]  # simulated on time: every day meets its 10 minutes
    assert report["totals"]["broadcasts"] == 62 and report["totals"]["missed"] == 0
    assert report["log_verified"] is True
