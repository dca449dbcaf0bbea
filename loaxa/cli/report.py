"""`loaxa report`: the campaign report from the as-run log, and `loaxa report note` for section V."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadcast.audit.trail import object_ref
from broadcast.campaigns.manage import get_campaign
from broadcast.db import transaction
from broadcast.reports import FORMATS, build_report, default_filename, render, write_report
from broadcast.reports.notes import get_note_text, save_note
from broadcast.reports.tables import CSV_TABLES
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from loaxa.cli import Runtime
from loaxa.cli.schedule import parse_day


@click.group("report", invoke_without_command=True)
@click.option("--campaign", "slug", default=None, help="Mã chiến dịch (ví dụ bdg-2024).")
@click.option("--from", "first", default=None, help="Ngày đầu (mặc định: ngày bắt đầu chiến dịch).")
@click.option("--to", "last", default=None, help="Ngày cuối, tính cả ngày đó (mặc định: ngày kết thúc chiến dịch).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="docx", show_default=True)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=True), help="Tệp hoặc thư mục để lưu; không có -o: CSV/JSON in ra màn hình, DOCX/XLSX lưu vào thư mục hiện tại.")
@click.option("--table", type=click.Choice(CSV_TABLES), default="days", show_default=True, help="Bảng xuất ra CSV.")
@click.pass_context
def report(ctx: click.Context, slug: str | None, first: str | None, last: str | None, fmt: str, output: str | None, table: str) -> None:
    """Làm báo cáo kết quả chiến dịch từ nhật ký phát sóng (DOCX, XLSX, CSV, JSON)."""
    if ctx.invoked_subcommand is not None:
        return
    rt: Runtime = ctx.obj
    if not slug:
        raise click.ClickException("Hãy chọn chiến dịch cần báo cáo: thêm --campaign MÃ (ví dụ --campaign bdg-2024).")
    d0, d1 = parse_day(first, "bắt đầu"), parse_day(last, "kết thúc")
    clock = SystemClock()
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        result = build_report(session, station, slug, d0, d1, now=clock.now())
        exported = object_ref(get_campaign(session, station, slug))
    today = clock.now().astimezone(rt.settings.tz).date()
    if output is None and fmt in ("csv", "json"):
        data = render(result, fmt, today, table)
        sys.stdout.write(data.decode("utf-8-sig"))
    else:
        path = write_report(result, fmt, Path(output) if output else Path.cwd() / default_filename(result, fmt), today, table)
        click.echo(f"Đã lưu báo cáo: {path}")
    rt.note("cli.report", exported,
            {"format": fmt, "from": f"{result.start:%d/%m/%Y}", "to": f"{result.end:%d/%m/%Y}"})
    if not result.log_verified:
        click.echo(f"Cảnh báo: nhật ký phát sóng đã bị thay đổi ({result.log.reason}); báo cáo đã được đánh dấu là tính từ nhật ký bị thay đổi.", err=True)


@report.command("note")
@click.option("--campaign", "slug", required=True, help="Mã chiến dịch.")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False), default=None, help="Lấy nội dung từ tệp văn bản UTF-8.")
@click.argument("text", required=False)
@click.pass_obj
def note(rt: Runtime, slug: str, path: str | None, text: str | None) -> None:
    """Ghi (hoặc xem, khi không có nội dung) phần hoạt động khác của đài trong báo cáo."""
    if path:
        text = Path(path).read_text(encoding="utf-8")
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        campaign = get_campaign(session, station, slug)
        if text is None:
            click.echo(get_note_text(session, campaign) or "(chưa có nội dung)")
            return
        save_note(session, campaign, text)
    click.echo("Đã lưu phần hoạt động khác của đài.")


COMMANDS = [report]
