"""`loaxa user add|passwd|list|grant|revoke`: the first admin, password recovery and roles at many stations."""

from __future__ import annotations

import click

from broadcast.db import transaction
from broadcast.province.setup import grant as grant_role, revoke as revoke_role
from broadcast.stations.lookup import get_station
from broadcast.stations.users import ROLE_LABELS, all_users, create_user, parse_role, set_password
from loaxa.cli import Runtime, pass_runtime


@click.group("user")
def user() -> None:
    """Quản lý người dùng."""


@user.command("add")
@click.argument("username")
@click.option("--role", required=True, help="admin | editor | approver | viewer")
@click.option("--name", "full_name", default="", help="Họ tên.")
@click.password_option(help="Mật khẩu (ít nhất 8 ký tự).")
@pass_runtime
def add(rt: Runtime, username: str, role: str, full_name: str, password: str) -> None:
    """Thêm người dùng cho đài."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        created = create_user(session, username, password, parse_role(role), station, full_name)
        click.echo(f"Đã tạo người dùng {created.username} ({ROLE_LABELS[parse_role(role)]}).")


@user.command("passwd")
@click.argument("username")
@click.password_option(help="Mật khẩu mới.")
@pass_runtime
def passwd(rt: Runtime, username: str, password: str) -> None:
    """Đặt lại mật khẩu."""
    with transaction(rt.factory()) as session:
        set_password(session, username, password)
    click.echo(f"Đã đổi mật khẩu của {username}.")


@user.command("list")
@pass_runtime
def list_users(rt: Runtime) -> None:
    """Liệt kê người dùng."""
    with transaction(rt.factory()) as session:
        for u in all_users(session):
            roles = ", ".join(f"{m.station.slug}:{m.role.value}" for m in u.memberships)
            click.echo(f"{u.username}\t{u.full_name}\t{roles}\t{'hoạt động' if u.is_active else 'khóa'}")


@user.command("grant")
@click.argument("username")
@click.argument("station")
@click.argument("role")
@pass_runtime
def grant(rt: Runtime, username: str, station: str, role: str) -> None:
    """Cấp (hoặc đổi) vai trò của người dùng tại một đài: admin | editor | approver | viewer."""
    parsed = parse_role(role)
    with transaction(rt.factory()) as session:
        granted = grant_role(session, username, station, parsed)
    click.echo(f"{granted.username} có vai trò {ROLE_LABELS[parsed]} tại đài {station.strip().lower()}.")


@user.command("revoke")
@click.argument("username")
@click.argument("station")
@pass_runtime
def revoke(rt: Runtime, username: str, station: str) -> None:
    """Thu hồi quyền của người dùng tại một đài."""
    with transaction(rt.factory()) as session:
        revoked = revoke_role(session, username, station)
    click.echo(f"Đã thu hồi quyền của {revoked.username} tại đài {station.strip().lower()}.")


COMMANDS = [user]
