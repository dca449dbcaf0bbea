"""`loaxa station create|list`: the province adds its communes from the command line."""

from __future__ import annotations

import click

from broadcast.db import transaction
from broadcast.province.setup import STANDARD_SLOTS, create_station, ensure_jingles, list_stations, numbered_zones, parse_zone
from loaxa.cli import Runtime, pass_runtime, require_tools


@click.group("station")
def station_group() -> None:
    """Các đài xã trong cùng một cơ sở dữ liệu (tỉnh)."""


@station_group.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Tên đài, ví dụ \"Đài truyền thanh xã Cẩm Tân\".")
@click.option("--zones", "zone_count", type=int, default=None, help="Số thôn: tạo thon-1 … thon-N (Thôn 1 … Thôn N).")
@click.option("--zone", "zone_specs", multiple=True, help="Một thôn dạng mã=Tên, ví dụ thon-1=\"Thôn 1\" (lặp lại cho từng thôn).")
@click.option("--timezone", default=None, help="Múi giờ của đài (mặc định LOAXA_TIMEZONE, thường là Asia/Ho_Chi_Minh).")
@click.option("--slots/--no-slots", default=True, show_default=True, help="Tạo sẵn hai buổi phát 05:30 và 17:00 (30 phút).")
@click.option("--jingles/--no-jingles", default=True, show_default=True, help="Tạo nhạc hiệu mở đầu, kết thúc, nhạc chuyển và nhạc nền tổng hợp.")
@pass_runtime
def create(rt: Runtime, slug: str, name: str, zone_count: int | None, zone_specs: tuple[str, ...], timezone: str | None,
           slots: bool, jingles: bool) -> None:
    """Tạo một đài xã mới với các thôn (cụm loa) của nó."""
    if zone_count is not None and zone_specs:
        raise click.ClickException("Chỉ dùng một cách khai báo thôn: --zones N hoặc các --zone mã=Tên, không dùng cả hai.")
    if jingles:
        require_tools(rt.settings.tools, "ffmpeg", "ffprobe")
    zones = numbered_zones(zone_count) if zone_count is not None else [parse_zone(spec) for spec in zone_specs]
    with transaction(rt.factory()) as session:
        station = create_station(session, slug, name, zones, timezone or rt.settings.timezone, standard_slots=slots)
        made = ensure_jingles(session, rt.settings, station) if jingles else []
        slug, zone_total = station.slug, len(station.zones)
    parts = [f"{zone_total} thôn (luồng /{slug}-<mã thôn>)"]
    if slots:
        parts.append(" và ".join(f"{start:%H:%M}" for _, start, _ in STANDARD_SLOTS) + " mỗi ngày")
    if made:
        parts.append(f"{len(made)} nhạc hiệu/nhạc nền")
    click.echo(f"Đã tạo đài {slug}: " + ", ".join(parts) + ".")
    click.echo(f"Cấp quyền: loaxa user grant <tên đăng nhập> {slug} admin  (hoặc loaxa --station {slug} user add …)")


@station_group.command("list")
@pass_runtime
def list_command(rt: Runtime) -> None:
    """Liệt kê các đài: mã, tên, số thôn, số người dùng."""
    with transaction(rt.factory()) as session:
        rows = list_stations(session)
    if not rows:
        click.echo("Chưa có đài nào: tạo bằng `loaxa station create` hoặc `loaxa demo`.")
    for row in rows:
        click.echo(f"{row.slug}\t{row.name}\t{row.zones} thôn\t{row.users} người dùng\t{row.timezone}")


COMMANDS = [station_group]
