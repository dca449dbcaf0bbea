"""`loaxa audit` and `loaxa audit verify`: export the audit trail and check its hash chain."""

from __future__ import annotations

import sys

import click

from broadcast.audit import trail
from broadcast.db import transaction
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import check_day_order, local_day_bounds
from loaxa.cli import Runtime, echo_verified
from loaxa.cli.schedule import parse_day


@click.group("audit", invoke_without_command=True)
@click.option("--from", "first", default=None, help="Ngày đầu (theo giờ của đài).")
@click.option("--to", "last", default=None, help="Ngày cuối (tính cả ngày đó).")
@click.option("--user", "actor", default="", help="Chỉ các thao tác của người này.")
@click.option("--action", default="", help="Chỉ các thao tác bắt đầu bằng chữ này (ví dụ scripts.).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
@click.pass_context
def audit(ctx: click.Context, first: str | None, last: str | None, actor: str, action: str, fmt: str) -> None:
    """Xuất nhật ký thao tác (ai đã làm gì, lúc nào), CSV hoặc JSON."""
    if ctx.invoked_subcommand is not None:
        return
    rt: Runtime = ctx.obj
    d0, d1 = parse_day(first, "bắt đầu"), parse_day(last, "kết thúc")
    check_day_order(d0, d1)
    with transaction(rt.factory()) as session:
        tz = station_tz(get_station(session, rt.settings.station))
        flt = trail.AuditFilter(start=local_day_bounds(d0, tz)[0] if d0 else None, end=local_day_bounds(d1, tz)[1] if d1 else None,
                                actor=actor, action=action)
        rows = [trail.export_row(r, tz) for r in trail.query(session, flt)]
    sys.stdout.write(trail.to_csv(rows) if fmt == "csv" else trail.to_json(rows) + "\n")


@audit.command("verify")
@click.pass_obj
def verify(rt: Runtime) -> None:
    """Kiểm tra chuỗi băm của nhật ký thao tác: báo dòng đầu tiên bị sửa hoặc xóa."""
    with transaction(rt.factory()) as session:
        result = trail.verify(session)
    echo_verified(result, "Nhật ký thao tác")


COMMANDS = [audit]
