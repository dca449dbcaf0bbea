"""`loaxa demo|serve|play|web|db`: set up the station and run its processes."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import click

from broadcast.db import transaction, upgrade
from broadcast.ops.demo import DEMO_PASSWORD, DEMO_USERS, load_demo
from broadcast.province.central import check_central_playout
from broadcast.stations.instance import hold_exclusive
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import SystemClock
from loaxa.cli import Runtime, pass_runtime, require_tools


@click.command("demo")
@pass_runtime
def demo(rt: Runtime) -> None:
    """Nạp đài mẫu xã Cẩm Tân và chiến dịch 2024 (chạy lại không thay đổi gì)."""
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe", "espeak")
    from loaxa.cli.content import render_progress

    # The first run renders every script (minutes on a small machine): say so before the bar appears.
    click.echo("Đang nạp đài mẫu xã Cẩm Tân (lần đầu phải tạo âm thanh cho các bài, mất vài phút)...")
    with transaction(rt.factory()) as session, render_progress() as progress:
        today = SystemClock().now().astimezone(rt.settings.tz).date()
        report = load_demo(session, rt.settings, today, progress)
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
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe")
    from scheduler.context import PlayoutContext
    from scheduler.runner import run, single_instance_lock

    # Refuse a second player before touching the database (a busy player must not slow the refusal).
    lock = single_instance_lock(rt.settings.data_dir, rt.settings.station)
    try:
        factory = rt.factory()
        with transaction(factory) as session:
            check_central_playout(session, get_station(session, rt.settings.station))
        run(PlayoutContext(rt.settings, factory), lock)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()


@click.command("simulate")
@click.option("--from", "first", required=True, help="Ngày đầu (YYYY-MM-DD hoặc DD/MM/YYYY, giờ Việt Nam).")
@click.option("--to", "last", required=True, help="Ngày cuối (tính cả ngày đó).")
@click.option("--sink", type=click.Choice(["null"]), default="null", show_default=True, help="Đầu ra khi mô phỏng.")
@click.option("--into", "into", type=click.Path(file_okay=False), default=None,
              help="Mô phỏng trên một bản sao cơ sở dữ liệu ở thư mục này (bắt buộc khi khoảng ngày chưa qua).")
@pass_runtime
def simulate(rt: Runtime, first: str, last: str, sink: str, into: str | None) -> None:
    """Mô phỏng trình phát trên đồng hồ giả cho cả khoảng ngày, ghi nhật ký như khi phát thật."""
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe")
    from audio.sinks import NullSink
    from loaxa.cli.schedule import parse_day
    from scheduler.runner import single_instance_lock
    from scheduler.simulate import check_days
    from scheduler.simulate import simulate as run_simulation

    d0, d1 = parse_day(first, "bắt đầu"), parse_day(last, "kết thúc")
    settings, factory = rt.settings, rt.factory()
    in_place_tz = None
    if not into:
        with transaction(factory) as session:
            in_place_tz = station_tz(get_station(session, settings.station))
    check_days(d0, d1, SystemClock().now(), in_place_tz)
    if into:
        settings, factory = _copy_database(rt, Path(into))
    lock = single_instance_lock(settings.data_dir, settings.station)
    try:
        report = run_simulation(settings, factory, d0, d1, [NullSink()])
    finally:
        lock.release()
    click.echo(f"Đã mô phỏng {d0:%d/%m/%Y}–{d1:%d/%m/%Y}: {report.rows_written} dòng nhật ký mới ({report.jobs_run} việc đã chạy).")


def _copy_database(rt: Runtime, folder: Path):  # type: ignore[no-untyped-def]
    """Settings and a session factory on a copy of the SQLite database in another folder."""
    import dataclasses
    import sqlite3

    from broadcast.db import make_engine, make_session_factory

    if not rt.settings.db_url.startswith("sqlite"):
        raise click.ClickException("--into chỉ dùng được với cơ sở dữ liệu SQLite: với PostgreSQL hãy sao lưu và mô phỏng trên bản sao.")
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "loaxa.db"
    if target.exists():
        raise click.ClickException(f"Thư mục {folder} đã có cơ sở dữ liệu: hãy chọn thư mục trống.")
    rt.factory()  # schema up to date before copying
    source = sqlite3.connect(rt.settings.db_url.split("///", 1)[1])
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    settings = dataclasses.replace(rt.settings, data_dir=folder, database_url="")
    return settings, make_session_factory(make_engine(settings.db_url))


@click.command("web")
@pass_runtime
def web(rt: Runtime) -> None:
    """Chạy trang quản trị (không kèm trình phát)."""
    _serve_web(rt)


def _serve_web(rt: Runtime) -> None:
    from web.server import serve as serve_panel

    serve_panel(rt.settings)


@click.command("serve")
@pass_runtime
def serve(rt: Runtime) -> None:
    """Chạy cùng lúc trang quản trị và trình phát (kèm một buổi phát thử)."""
    settings = rt.settings
    # Refused before anything changes: a second serve would add a second test broadcast and a player that cannot run.
    lock = hold_exclusive(settings.data_dir, f"serve-{settings.station}",
                          f"loaxa serve của đài {settings.station} đang chạy ở một tiến trình khác trên thư mục dữ liệu {settings.data_dir}: "
                          "hãy dùng trang quản trị đang chạy, hoặc dừng nó (Ctrl+C) rồi chạy lại.")
    try:
        _serve(rt)
    finally:
        lock.release()


def _serve(rt: Runtime) -> None:
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe", "espeak")
    from audio.lifetime import die_with_parent
    from broadcast.planning.oneoff import create_test_broadcast

    settings = rt.settings
    factory = rt.factory()
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        if settings.test_broadcast_delay_s:
            start = SystemClock().now() + timedelta(seconds=settings.test_broadcast_delay_s)
            create_test_broadcast(session, settings, station, start)
            click.echo(f"Buổi phát thử lúc {start.astimezone(station_tz(station)):%H:%M:%S}.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # The player dies with serve even on SIGKILL (the kernel signals it), so no orphan goes on airing the schedule.
    player = subprocess.Popen([sys.executable, "-m", "loaxa", *_global_args(rt), "play"], preexec_fn=die_with_parent())
    url = f"{'https' if settings.https else 'http'}://{settings.host}:{settings.port}"
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


COMMANDS = [demo, db, play, simulate, web, serve]
