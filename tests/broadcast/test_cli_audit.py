"""The audit trail from the CLI: every command is classified, each write adds one row by the OS user, refused ones none."""

from __future__ import annotations

import getpass
import json
import subprocess
from datetime import timedelta
from pathlib import Path

import click
from click.testing import CliRunner
from sqlalchemy import select, update

from broadcast.db import make_engine, make_session_factory, transaction
from broadcast.models import AuditEntry
from broadcast.timeutil import SystemClock
from loaxa.cli import UNAUDITED_COMMANDS, main
from tests.web.conftest import populate

# Every leaf command, by what it does to the trail (a new command fails the walk until it is put in one of these).
WRITES = {"user add", "user passwd", "user grant", "user revoke", "campaign copy", "campaign approve", "campaign windows",
          "campaign extra", "plan", "scripts import", "render", "report", "report note", "bulletin send", "station create",
          "edge token create", "edge token revoke", "backup", "restore", "demo", "simulate", "check-speech", "slot add",
          "slot remove", "oneoff add", "media import", "receivers add", "receivers revoke", "live"}
READS = {"normalize", "tts", "log", "log verify", "audit", "audit verify", "campaign list", "campaign show", "user list",
         "bulletin status", "bulletin list", "station list", "db upgrade", "slot list", "media list", "receivers list"}


def _leaves(group: click.Group, prefix: str = "") -> set[str]:
    out = set()
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if isinstance(command, click.Group):
            children = _leaves(command, path + " ")
            out |= children
            if getattr(command, "invoke_without_command", False):
                out.add(path)
        else:
            out.add(path)
    return out


def test_every_command_is_classified():
    assert _leaves(main) == WRITES | READS | UNAUDITED_COMMANDS
    assert not (WRITES & READS) and not (WRITES | READS) & UNAUDITED_COMMANDS


def _rows(settings) -> list[AuditEntry]:
    engine = make_engine(settings.db_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
            session.expunge_all()
            return rows
    finally:
        engine.dispose()


def test_each_write_adds_one_row_refused_and_reads_none(demo_settings, tmp_path: Path):
    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["--data-dir", str(demo_settings.data_dir), *args], input=input)

    populate(demo_settings)  # three aired days to report on
    me = getpass.getuser()
    seen = len(_rows(demo_settings))
    future = (SystemClock().now() + timedelta(days=3)).astimezone(demo_settings.tz).date().isoformat()
    notes = tmp_path / "thong-bao.txt"
    notes.write_text("Thông báo họp thôn\nMời bà con họp lúc 19 giờ.", encoding="utf-8")
    backup = tmp_path / "b.tar.gz"
    song = tmp_path / "bai-hat.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=3", str(song)], check=True)
    writes = [
        (("user", "add", "moi", "--role", "viewer"), "matkhau-2024\nmatkhau-2024\n", "cli.user.add", "User"),
        (("user", "passwd", "moi"), "matkhau-2025\nmatkhau-2025\n", "cli.user.passwd", "User"),
        (("campaign", "copy", "bdg-2024", "--year", "2025"), None, "cli.campaign.copy", "Campaign"),
        (("campaign", "windows", "bdg-2025", "--add", "05:30-06:00"), None, "cli.campaign.windows", "Campaign"),
        (("campaign", "approve", "bdg-2025", "--user", "pheduyet"), None, "cli.campaign.approve", "Campaign"),
        (("scripts", "import", str(notes)), None, "cli.scripts.import", "Script"),
        (("plan", "--date", future), None, "cli.plan", "Broadcast"),
        (("report", "note", "--campaign", "bdg-2024", "Đài đã phát thêm tin."), None, "cli.report.note", "ReportNote"),
        (("report", "--campaign", "bdg-2024", "--format", "json", "--from", "2024-11-19", "--to", "2024-11-19"), None, "cli.report", "Campaign"),
        (("slot", "add", "Buổi tối muộn", "--at", "21:30", "--minutes", "15", "--weekdays", "1-5"), None, "cli.slot.add", "Slot"),
        (("oneoff", "add", "--title", "Tin họp thôn", "--at", f"{future} 22:30", "--text", "Mời bà con họp."), None, "cli.oneoff.add", "Broadcast"),
        (("media", "import", str(song), "--title", "Bài hát thử"), None, "cli.media.import", "Script"),
        (("backup", "-o", str(backup)), None, "cli.backup", "Backup"),
    ]
    for args, typed, action, object_type in writes:
        result = run(*args, input=typed)
        assert result.exit_code == 0, (args, result.output)
        rows = _rows(demo_settings)
        new, seen = rows[seen:], len(rows)
        assert [(r.action, r.actor_kind, r.actor, r.object_type) for r in new] == [(action, "cli", me, object_type)], args
    assert "matkhau" not in "".join(r.changes for r in _rows(demo_settings))

    slots = json.loads(run("slot", "list", "--format", "json").output)
    late = next(s for s in slots if s["name"] == "Buổi tối muộn")
    assert (late["start"], late["minutes"], late["weekdays"]) == ("21:30", 15, "12345")
    assert run("slot", "remove", str(late["id"])).exit_code == 0
    rows = _rows(demo_settings)
    assert [(r.action, r.object_type, r.object_title) for r in rows[seen:]] == [("cli.slot.remove", "Slot", "Buổi tối muộn")]
    seen = len(rows)
    refused = [("user", "add", "x", "--role", "nope"), ("slot", "add", "Trùng", "--at", "21:00"), ("slot", "remove", "9999"),
               ("oneoff", "add", "--title", "Cũ", "--at", "2020-01-01 07:00", "--text", "x"), ("oneoff", "add", "--title", "x", "--at", "mai"), ("campaign", "approve", "bdg-2024", "--user", "xem"), ("plan", "--date", "2024-13-40"),
               ("report", "note", "--campaign", "khong-co", "x")]
    reads = [("slot", "list"), ("log", "verify"), ("campaign", "list"), ("user", "list"), ("audit", "verify"), ("audit", "--format", "json")]
    for args in refused + reads:
        result = run(*args, input="matkhau-2024\nmatkhau-2024\n")
        assert (result.exit_code != 0) == (args in refused), (args, result.output)
        assert len(_rows(demo_settings)) == seen, args

    exported = json.loads(run("audit", "--format", "json", "--user", me, "--action", "cli.campaign.").output)
    assert [r["action"] for r in exported] == ["cli.campaign.copy", "cli.campaign.windows", "cli.campaign.approve"]
    assert exported[0]["object_title"] and exported[0]["at"].endswith("+07:00")

    # The restore's row is written into the restored database, after the backup's last row.
    restored = run("restore", "--force", str(backup))
    assert restored.exit_code == 0, restored.output
    after = _rows(demo_settings)
    # The backup's own row and the slot removal came after its snapshot: the restored trail ends with the last write before it.
    assert after[-1].action == "cli.restore" and after[-2].action == "cli.media.import"
    assert "toàn vẹn" in run("audit", "verify").output


def test_verify_names_the_first_altered_row(demo_settings):
    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(main, ["--data-dir", str(demo_settings.data_dir), *args], input=input)

    for name in ("nguoi1", "nguoi2", "nguoi3"):
        assert run("user", "add", name, "--role", "viewer", input="matkhau-2024\nmatkhau-2024\n").exit_code == 0
    rows = _rows(demo_settings)
    engine = make_engine(demo_settings.db_url)
    with transaction(make_session_factory(engine)) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == rows[-2].seq).values(actor="nguoi-khac"))
    engine.dispose()
    result = run("audit", "verify")
    assert result.exit_code == 1 and f"dòng số {rows[-2].seq} đã bị sửa" in result.output
