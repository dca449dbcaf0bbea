"""`loaxa edge sync|token`: keep a commune player's local copy in step with the province server."""

from __future__ import annotations

import sys
import time

import click

from broadcast.db import transaction
from broadcast.errors import operator_errors
from broadcast.province import edge, central as edge_central
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from loaxa.cli import Runtime, pass_runtime


@click.group("edge")
def edge_group() -> None:
    """Phát tại xã theo kế hoạch của tỉnh (đồng bộ kế hoạch, âm thanh và nhật ký)."""


def _round(rt: Runtime, central: str, token: str, days: int | None) -> bool:
    """One pull then one push; each failure is reported and the other step still runs."""
    ok = True
    try:
        report = edge.pull(rt.settings, central, token, SystemClock().now(), days)
        click.echo(
            f"Kế hoạch: {report.created} buổi mới, {report.updated} buổi cập nhật, {report.cancelled} buổi tỉnh rút, "
            f"{report.kept_started} buổi đã phát giữ nguyên; âm thanh: {report.files_downloaded} tệp tải về, {report.files_present} tệp đã có."
        )
    except operator_errors() as exc:
        ok = False
        click.echo(f"Chưa đồng bộ được kế hoạch: {exc}", err=True)
    try:
        sent = edge.push(rt.settings, central, token)
        click.echo(f"Nhật ký: đã gửi {sent} dòng lên tỉnh.")
    except operator_errors() as exc:
        ok = False
        click.echo(f"Chưa gửi được nhật ký: {exc}", err=True)
    return ok


@edge_group.command("sync")
@click.option("--central", required=True, envvar="LOAXA_EDGE_CENTRAL", help="Địa chỉ trang quản trị tỉnh, ví dụ https://tinh.example.vn.")
@click.option("--token", required=True, envvar="LOAXA_EDGE_TOKEN", help="Mã đồng bộ của đài (nên đặt qua biến LOAXA_EDGE_TOKEN).")
@click.option("--loop", "loop_s", type=click.FloatRange(min=5), default=None, help="Đồng bộ lại sau mỗi chừng này giây, chạy mãi.")
@click.option("--days", type=click.IntRange(1, 31), default=None, help="Số ngày kế hoạch giữ sẵn ở xã (mặc định LOAXA_PLAN_DAYS_AHEAD).")
@pass_runtime
def sync(rt: Runtime, central: str, token: str, loop_s: float | None, days: int | None) -> None:
    """Tải kế hoạch và âm thanh các ngày tới từ tỉnh, gửi nhật ký phát sóng lên tỉnh."""
    if loop_s is None:
        if not _round(rt, central, token, days):
            sys.exit(1)
        return
    while True:
        _round(rt, central, token, days)
        time.sleep(loop_s)


@edge_group.group("token")
def token_group() -> None:
    """Mã đồng bộ của trình phát xã (chạy ở máy chủ tỉnh)."""


@token_group.command("create")
@click.option("--label", default="", help="Ghi chú, ví dụ tên máy phát của xã.")
@pass_runtime
def token_create(rt: Runtime, label: str) -> None:
    """Tạo mã đồng bộ mới cho đài LOAXA_STATION; mã chỉ hiện một lần."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        token = edge_central.create_token(session, station, label, SystemClock().now())
    click.echo(token)


@token_group.command("revoke")
@click.option("--label", default=None, help="Chỉ thu hồi các mã có ghi chú này (mặc định: mọi mã của đài).")
@pass_runtime
def token_revoke(rt: Runtime, label: str | None) -> None:
    """Thu hồi mã đồng bộ của đài LOAXA_STATION."""
    with transaction(rt.factory()) as session:
        count = edge_central.revoke_tokens(session, get_station(session, rt.settings.station), label)
    click.echo(f"Đã thu hồi {count} mã.")


COMMANDS = [edge_group]
