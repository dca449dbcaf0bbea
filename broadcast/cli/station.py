"""`loaxa demo|serve|play|web|db`: set up the station and run its processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import timedelta

import click

from broadcast.cli import Runtime, pass_runtime, require_tools
from broadcast.db import transaction, upgrade
from broadcast.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from broadcast.stations import get_station, station_tz
from broadcast.timeutil import SystemClock


@click.command("demo")
@pass_runtime
def demo(rt: Runtime) -> None:
    """Nạp đài mẫu xã Cẩm Tân và chiến dịch 2024 (chạy lại không thay đổi gì)."""
    require_tools("ffmpeg", "ffprobe", "espeak-ng")
    with transaction(rt.factory()) as session:
        today = SystemClock().now().astimezone(rt.settings.tz).date()
        report = load_demo(session, rt.settings, today)
    if report.created:
        click.echo("Đã tạo: " + "; ".join(report.created) + ".")
    else:
        click.echo("Đài mẫu đã có sẵn, không thay đổi gì.")
    click.echo(f"Âm thanh: {report.rendered} bài mới tạo, {report.reused} bài dùng lại.")


@click.group("db")
def db() -> None:
    """Cơ sở dữ liệu."""


@db.command("upgrade")
@pass_runtime
def db_upgrade(rt: Runtime) -> None:
    """Tạo hoặc nâng cấp lược đồ cơ sở dữ liệu."""
    upgrade(rt.engine)
    click.echo("Cơ sở dữ liệu đã ở phiên bản mới nhất.")


@click.command("play")
@pass_runtime
def play(rt: Runtime) -> None:
    """Chạy trình phát: phát các buổi đúng giờ và ghi nhật ký."""
    require_tools("ffmpeg", "ffprobe")
    from scheduler.context import PlayoutContext
    from scheduler.runner import run

    factory = rt.factory()
    with transaction(factory) as session:
        get_station(session, rt.settings.station)
    try:
        run(PlayoutContext(rt.settings, factory))
    except (KeyboardInterrupt, SystemExit):
        pass


@click.command("web")
@pass_runtime
def web(rt: Runtime) -> None:
    """Chạy trang quản trị (không kèm trình phát)."""
    _serve_web(rt)


def _serve_web(rt: Runtime) -> None:
    from waitress import serve as waitress_serve

    from web import create_app

    app = create_app(rt.settings)
    waitress_serve(app, host=rt.settings.host, port=rt.settings.port, threads=8, ident="loaxa")


@click.command("serve")
@pass_runtime
def serve(rt: Runtime) -> None:
    """Chạy cùng lúc trang quản trị và trình phát (kèm một buổi phát thử)."""
    require_tools("ffmpeg", "ffprobe", "espeak-ng")
    from broadcast.oneoff import create_test_broadcast

    settings = rt.settings
    factory = rt.factory()
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        if settings.test_broadcast_delay_s:
            start = SystemClock().now() + timedelta(seconds=settings.test_broadcast_delay_s)
            create_test_broadcast(session, settings, station, start)
            click.echo(f"Buổi phát thử lúc {start.astimezone(station_tz(station)):%H:%M:%S}.")
    player = subprocess.Popen([sys.executable, "-m", "broadcast", *_global_args(rt), "play"])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    url = f"http://{settings.host}:{settings.port}"
    click.echo(f"Trang quản trị: {url}  (đăng nhập: " + ", ".join(u for u, _, _ in DEMO_USERS) + f"; mật khẩu mẫu: {DEMO_PASSWORD})")
    try:
        _serve_web(rt)
    finally:
        player.terminate()
        try:
            player.wait(timeout=10)
        except subprocess.TimeoutExpired:
            player.kill()


def _global_args(rt: Runtime) -> list[str]:
    args = []
    if "data_dir" in rt.overrides:
        args += ["--data-dir", str(rt.overrides["data_dir"])]
    if "station" in rt.overrides:
        args += ["--station", str(rt.overrides["station"])]
    return args


COMMANDS = [demo, db, play, web, serve]
