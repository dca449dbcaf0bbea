"""`loaxa backup` and `loaxa restore`."""

from __future__ import annotations

from pathlib import Path

import click

from broadcast.audit.trail import ObjectRef
from broadcast.db import upgrade
from broadcast.ops.backup import backup, backup_name, restore
from broadcast.timeutil import SystemClock
from loaxa.cli import Runtime, pass_runtime


@click.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Tệp .tar.gz ra (mặc định loaxa-backup-<ngày giờ>.tar.gz).")
@click.option("--with-aircheck", is_flag=True, help="Kèm cả các tệp thu lại buổi phát (lớn).")
@pass_runtime
def backup_cmd(rt: Runtime, output: Path | None, with_aircheck: bool) -> None:
    """Sao lưu cơ sở dữ liệu và âm thanh (chạy được cả khi đang phát sóng)."""
    now = SystemClock().now()
    output = output or backup_name(now, rt.settings)
    upgrade(rt.engine)
    report = backup(rt.settings, rt.engine, output, now, with_aircheck)
    rt.note("cli.backup", ObjectRef("Backup", "", report.path.name), {"files": report.files, "database": report.database})
    click.echo(f"Đã sao lưu vào {report.path} ({report.files} tệp âm thanh, cơ sở dữ liệu {report.database}).")


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Ghi đè dữ liệu đang có.")
@pass_runtime
def restore_cmd(rt: Runtime, archive: Path, force: bool) -> None:
    """Khôi phục từ một bản sao lưu (hãy dừng trình phát trước)."""
    from scheduler.runner import single_instance_lock

    lock = single_instance_lock(rt.settings.data_dir, rt.settings.station)  # refuses while playout runs
    try:
        report = restore(rt.settings, rt.engine, archive, force)
        # Written into the restored database: its trail goes on from the backup's last row.
        rt.note("cli.restore", ObjectRef("Backup", "", archive.name), {"created_at": report.created_at, "files": report.files})
    finally:
        lock.release()
    click.echo(f"Đã khôi phục bản sao lưu lúc {report.created_at} ({report.files} tệp âm thanh).")


COMMANDS = [backup_cmd, restore_cmd]
