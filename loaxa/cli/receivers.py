"""`loaxa receiver` (the process in a thôn) and `loaxa receivers add|list|revoke` (its tokens at the station)."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from audio.sinks import AlsaSink, NullSink
from broadcast.db import transaction
from broadcast.errors import InvalidInput, NotFound
from broadcast.models import Receiver, Zone
from broadcast.receivers import intake
from broadcast.receivers.board import zone_board
from broadcast.stations.lookup import get_station
from broadcast.timeutil import SystemClock
from loaxa.cli import Runtime, pass_runtime, require_tools
from receiver.run import Config, Receiver as ReceiverProcess
from receiver.signal import parse_every


@click.command("receiver")
@click.option("--url", required=True, help="Luồng của thôn, ví dụ http://dai-xa:8000/cam-tan-thon-3.")
@click.option("--device", default="default", show_default=True, help="Thiết bị ALSA của bộ khuếch đại; null để không phát ra loa (thử).")
@click.option("--token", envvar="LOAXA_RECEIVER_TOKEN", default="", help="Mã của máy thu (LOAXA_RECEIVER_TOKEN), cấp bằng `loaxa receivers add`.")
@click.option("--report-url", default="", help="Địa chỉ báo cáo của đài, ví dụ http://dai-xa:5000/api/receivers/v1/report; bỏ trống thì không báo cáo.")
@click.option("--zone", default="", help="Mã thôn; mặc định là tên điểm phát trong --url.")
@click.option("--every", default="60s", show_default=True, help="Chu kỳ báo cáo (ví dụ 60s, 2s, 1m).")
@click.option("--state-file", type=click.Path(dir_okay=False), default=None, help="Tệp giữ số thứ tự báo cáo qua các lần khởi động lại.")
@click.option("--aircheck-dir", type=click.Path(file_okay=False), default=None, help="Thư mục ghi vài phút âm thanh cuối khi nhận tín hiệu SIGUSR1.")
@pass_runtime
def receiver_command(rt: Runtime, url: str, device: str, token: str, report_url: str, zone: str, every: str,
                     state_file: str | None, aircheck_dir: str | None) -> None:
    """Máy thu của thôn: phát luồng của thôn ra loa, tự kết nối lại và báo cáo về đài."""
    try:
        every_s = parse_every(every)
    except ValueError:
        raise InvalidInput(f"Chu kỳ báo cáo '{every}' không hợp lệ: hãy ghi số giây từ 0,5 đến 3600, ví dụ 60s hoặc 1m.", field="every") from None
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(f"Địa chỉ luồng '{url}' không hợp lệ: hãy ghi dạng http://máy:cổng/điểm_phát.", field="url")
    if report_url and not token:
        raise InvalidInput("Có địa chỉ báo cáo nhưng chưa có mã máy thu: hãy thêm --token (cấp bằng `loaxa receivers add`).", field="token")
    tools = rt.settings.tools
    require_tools(tools, "ffmpeg")
    logging.basicConfig(level=rt.settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    sink = NullSink() if device == "null" else AlsaSink(device)
    process = ReceiverProcess(Config(
        url=url, sink=sink, tools=tools, token=token, report_url=report_url, zone=zone, every_s=every_s,
        state_file=Path(state_file) if state_file else None, aircheck_dir=Path(aircheck_dir) if aircheck_dir else None,
    ))
    process.run()


@click.group("receivers")
def receivers_group() -> None:
    """Máy thu ở các thôn: cấp mã, xem tình trạng, thu hồi."""


@receivers_group.command("add")
@click.option("--zone", "zone_code", required=True, help="Mã thôn, ví dụ thon-3.")
@click.option("--name", default="", help="Tên máy thu (mặc định tên thôn).")
@pass_runtime
def add_command(rt: Runtime, zone_code: str, name: str) -> None:
    """Cấp mã cho một máy thu mới (mã chỉ hiện một lần)."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        receiver, token = intake.add_receiver(session, station, zone_code, name, SystemClock().now())
        click.echo(f"Máy thu số {receiver.id} ({receiver.name}). Mã (chỉ hiện một lần): {token}")


@receivers_group.command("list")
@pass_runtime
def list_command(rt: Runtime) -> None:
    """Tình trạng các máy thu theo báo cáo gần nhất."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        table = Table("thôn", "máy thu", "màu", "tình trạng", "báo cáo cuối")
        for state in zone_board(session, station, SystemClock().now(), None):
            for item in state.receivers:
                last = item.last.received_at.astimezone(rt.settings.tz).strftime("%d/%m %H:%M:%S") if item.last else "chưa có"
                table.add_row(state.zone.code, f"{item.receiver.id} {item.receiver.name}", item.verdict.colour, item.verdict.why, last)
        Console().print(table)


@receivers_group.command("revoke")
@click.argument("receiver_id", type=int)
@pass_runtime
def revoke_command(rt: Runtime, receiver_id: int) -> None:
    """Thu hồi mã của một máy thu."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        receiver = session.get(Receiver, receiver_id)
        if receiver is None or receiver.station_id != station.id:
            raise NotFound(f"Không có máy thu số {receiver_id} ở đài {station.slug}: hãy xem `loaxa receivers list`.")
        receiver.is_active = False
        zone = session.get(Zone, receiver.zone_id)
        click.echo(f"Đã thu hồi mã của máy thu số {receiver_id} ({zone.code if zone else ''}).")


COMMANDS = [receiver_command, receivers_group]
