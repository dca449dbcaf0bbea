"""`loaxa log` and `loaxa log verify`: export the as-run log and check its hash chain."""

from __future__ import annotations

import sys
import click

from broadcast.asrun import chain as asrun
from broadcast.db import transaction
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import check_day_order
from loaxa.cli import Runtime, echo_verified
from loaxa.cli.schedule import parse_day



@click.group("log", invoke_without_command=True)
@click.option("--from", "first", default=None, help="Ngày đầu (theo giờ Việt Nam).")
@click.option("--to", "last", default=None, help="Ngày cuối (tính cả ngày đó).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.pass_context
def log(ctx: click.Context, first: str | None, last: str | None, fmt: str) -> None:
    """Xuất nhật ký phát sóng (CSV hoặc JSON)."""
    if ctx.invoked_subcommand is not None:
        return
    rt: Runtime = ctx.obj
    d0, d1 = parse_day(first, "bắt đầu"), parse_day(last, "kết thúc")
    check_day_order(d0, d1)
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        tz = station_tz(station)
        rows = [asrun.export_row(r, station, tz) for r in asrun.rows_on_days(session, station, d0, d1)]
    sys.stdout.write(asrun.to_csv(rows) if fmt == "csv" else asrun.to_json(rows) + "\n")


@log.command("verify")
@click.pass_obj
def verify(rt: Runtime) -> None:
    """Kiểm tra chuỗi băm của nhật ký: báo dòng đầu tiên bị sửa hoặc xóa."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        result = asrun.verify(session, station.id)
    echo_verified(result, "Nhật ký")


COMMANDS = [log]
