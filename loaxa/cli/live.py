"""`loaxa live`: the station's own microphone or line input on air through the playout process."""

from __future__ import annotations

import signal
import threading

import click
from sqlalchemy import select

from audio.capture import Capture, input_args
from broadcast.campaigns.manage import get_campaign
from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.models import LiveSession, Zone
from broadcast.playout import live as rules
from broadcast.stations.lookup import get_station
from broadcast.stations.users import get_user
from loaxa.cli import Runtime, pass_runtime, require_tools


@click.command("live")
@click.option("--zones", default="", help="Mã các cụm loa, cách nhau bởi dấu phẩy (ví dụ thon-1,thon-2); bỏ trống = tất cả.")
@click.option("--input", "source", default=None, help="Nguồn thu: alsa:THIẾT_BỊ, pulse:THIẾT_BỊ hoặc một tệp âm thanh (mặc định LOAXA_LIVE_INPUT).")
@click.option("--for", "duration", default=None, help="Tự kết thúc sau thời lượng này (ví dụ 90s, 5m); mặc định đến khi bấm Ctrl-C.")
@click.option("--speaker", default="", help="Tên người nói, ghi vào nhật ký phát.")
@click.option("--as", "username", default=None, help="Tài khoản người nói (phải có quyền phát trực tiếp).")
@click.option("--campaign", default=None, help="Mã chiến dịch để tính thời lượng vào báo cáo.")
@click.option("--jingle/--no-jingle", default=False, help="Phát nhạc hiệu trước khi nói.")
@pass_runtime
def live(rt: Runtime, zones: str, source: str | None, duration: str | None, speaker: str, username: str | None,
         campaign: str | None, jingle: bool) -> None:
    """Phát trực tiếp từ micro hoặc đường vào của máy đài (trình phát `loaxa play` phải đang chạy)."""
    settings = rt.settings
    require_tools(settings.tools, "ffmpeg")
    spec = source or settings.live_input
    if not spec:
        raise InvalidInput("Chưa chọn nguồn thu: hãy thêm --input alsa:default (xem `arecord -L`) hoặc đặt LOAXA_LIVE_INPUT.")
    input_args(spec)  # a wrong input is refused before any talk is asked for
    limit = rules.parse_duration(duration) if duration else None
    factory = rt.factory()
    with transaction(factory) as session:
        station = get_station(session, settings.station)
        codes = [c.strip() for c in zones.split(",") if c.strip()]
        found = {z.code: z.id for z in session.scalars(select(Zone).where(Zone.station_id == station.id))}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise InvalidInput(f"Không có cụm loa '{unknown[0]}' ở đài này: hãy dùng một trong {', '.join(found)}.")
        campaign_id = None
        if campaign:
            campaign_id = get_campaign(session, station, campaign).id
        user = get_user(session, username) if username else None
        talk = rules.start_live(session, settings, station, [found[c] for c in codes], user=user, speaker=speaker,
                                campaign_id=campaign_id, jingle=jingle, source="station")
        live_id = talk.id
    click.echo(f"Đang xin sóng cho buổi phát trực tiếp số {live_id}…")
    if rules.wait_on_air(factory, live_id) != rules.ON_AIR:
        with transaction(factory) as session:
            row = session.get(LiveSession, live_id)
            if row.status != rules.ENDED:
                rules.finish(session, get_station(session, settings.station), row, None, row.requested_at, 0.0, "",
                             "trình phát không nhận buổi phát trực tiếp")
            reason = row.end_reason
        raise click.ClickException(f"Trình phát không đưa buổi phát trực tiếp lên sóng ({reason}): hãy kiểm tra `loaxa play` đang chạy.")
    capture = Capture(spec, tools=settings.tools)
    stop = threading.Event()

    def end(_signum, _frame) -> None:  # type: ignore[no-untyped-def]
        stop.set()
        capture.stop()

    previous = signal.signal(signal.SIGINT, end)
    click.echo("ĐANG PHÁT TRỰC TIẾP — bấm Ctrl-C để kết thúc.")
    try:
        rules.send_capture(factory, live_id, capture, limit_s=limit, stop=stop)
    finally:
        signal.signal(signal.SIGINT, previous)
        capture.stop()
    problem = capture.error()
    with transaction(factory) as session:
        rules.request_stop(session.get(LiveSession, live_id))
    rules.wait_on_air(factory, live_id, until=(rules.ENDED,))  # the player airs what it holds, then logs the row
    with transaction(factory) as session:
        row = session.get(LiveSession, live_id)
        click.echo(f"Đã kết thúc: {row.seconds:.1f} giây trên sóng ({row.end_reason or 'đang ghi nhật ký'}).")
    if problem:
        raise click.ClickException(problem)


COMMANDS = [live]
