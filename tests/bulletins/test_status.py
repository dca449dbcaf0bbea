"""Per-commune delivery after simulated airing, the report rows, and the `loaxa bulletin` commands."""

from __future__ import annotations

import dataclasses
import json

from click.testing import CliRunner
from sqlalchemy import select

from broadcast.db import transaction
from broadcast.models import Render, Script, User
from broadcast.province.bulletins import TargetSpec, bulletin_status, send_bulletin
from broadcast.reports.bulletins import FIELDS, render_csv, to_dict
from loaxa.cli import main
from scheduler.simulate import simulate
from scripts_vi.encodings import encode_tcvn3
from tests.bulletins.conftest import NOW, FixedClock
from tests.conftest import cli_args

TEXT = "Thông báo của huyện: lịch tiêm phòng cho đàn gia súc đợt một năm 2027 bắt đầu từ ngày 20/01/2027."


def test_each_commune_shows_what_aired_from_its_log(province, demo_settings):
    with transaction(province) as session:
        author = session.scalar(select(User).where(User.username == "tinh"))
        bulletin = send_bulletin(session, demo_settings, author, "Tiêm phòng gia súc", TEXT, "priority",
                                 [TargetSpec("cam-tan"), TargetSpec("xa-b", ("thon-2",))], clock=FixedClock(NOW))
        bulletin_id = bulletin.id
    # Only cam-tan's player has run: xa-b still waits.
    simulate(demo_settings, province, NOW.date(), NOW.date())
    with transaction(province) as session:
        bulletin = session.get(type(bulletin), bulletin_id)
        cam, xa_b = bulletin_status(session, bulletin)
        render = session.scalar(select(Render).where(Render.script_id == bulletin.targets[0].script_id))
        assert cam.state == "aired" and cam.label == "đã phát" and cam.aired_at == cam.planned_at
        assert abs(cam.seconds - render.duration_s) < 0.5
        assert xa_b.state == "pending" and xa_b.label == "chờ phát" and xa_b.zones == "thon-2" and xa_b.placement == "oneoff"
        assert [t.state for t in bulletin.targets] == ["aired", "pending"] and bulletin.status == "sent"
    simulate(dataclasses.replace(demo_settings, station="xa-b"), province, NOW.date(), NOW.date())
    with transaction(province) as session:
        bulletin = session.get(type(bulletin), bulletin_id)
        statuses = bulletin_status(session, bulletin)
        assert [s.state for s in statuses] == ["aired", "aired"] and bulletin.status == "done"
        data = to_dict(bulletin, statuses)
        assert data["aired"] == 2 and data["priority_label"] == "ưu tiên" and list(data["targets"][0]) == FIELDS
        assert data["targets"][1]["aired_at"].startswith("2027-01-12T04:02:00+07:00")
        lines = render_csv(statuses).splitlines()
        assert lines[0] == ",".join(FIELDS) and lines[1].startswith("cam-tan,") and lines[2].endswith(",aired,đã phát,")


def test_cli_sends_reports_and_refuses_cleanly(province, demo_settings, tmp_path):
    runner = CliRunner()
    text = tmp_path / "ban-tin.txt"
    text.write_bytes(encode_tcvn3(TEXT))  # an office's old file: read through the scripts' importer, not as UTF-8
    args = cli_args(demo_settings)
    sent = runner.invoke(main, [*args, "bulletin", "send", "--title", "Tiêm phòng", "--text-file", str(text), "--priority", "priority",
                                "--to", "cam-tan:thon-1,thon-2", "--to", "xa-b", "--as", "tinh"])
    assert sent.exit_code == 0, sent.output
    assert "Đã gửi bản tin số 1 (ưu tiên) tới 2 xã" in sent.output and "Xã Bình An" in sent.output and "thon-1,thon-2" in sent.output
    shown = runner.invoke(main, [*args, "bulletin", "status", "1", "--format", "json"])
    data = json.loads(shown.output)
    assert [(t["station"], t["state"]) for t in data["targets"]] == [("cam-tan", "pending"), ("xa-b", "pending")]
    assert "chờ phát" in runner.invoke(main, [*args, "bulletin", "status", "1"]).output
    assert "0/2 xã đã phát" in runner.invoke(main, [*args, "bulletin", "list"]).output
    for bad, words in (
        (["--to", "xa-c", "--as", "tinh"], "không có quyền phê duyệt ở Xã Cát Lâm"),
        (["--to", "cam-tan", "--as", "ai-do"], "Không có người dùng"),
        (["--to", "cam-tan", "--as", "tinh", "--when", "mai"], "Không hiểu giờ phát"),
    ):
        refused = runner.invoke(main, [*args, "bulletin", "send", "--title", "T", "--text", "Nội dung", *bad])
        assert refused.exit_code == 1 and words in refused.output and "Traceback" not in refused.output
    with transaction(province) as session:
        assert session.scalars(select(Script.body).where(Script.source == "bulletin")).all() == [TEXT, TEXT]  # one copy per commune
    (tmp_path / "anh.docx").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    broken = runner.invoke(main, [*args, "bulletin", "send", "--title", "T", "--text-file", str(tmp_path / "anh.docx"), "--to", "cam-tan", "--as", "tinh"])
    assert broken.exit_code == 1 and "anh.docx" in broken.output and "Traceback" not in broken.output
    missing = runner.invoke(main, [*args, "bulletin", "status", "99"])
    assert missing.exit_code == 1 and "Không có bản tin số 99" in missing.output
