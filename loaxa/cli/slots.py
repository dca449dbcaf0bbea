"""`loaxa slot add|list|remove` and `loaxa oneoff add`: the schedule from the command line, through the panel's use cases."""

from __future__ import annotations

import json
import re
from datetime import datetime, time

import click

from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.planning.oneoff import add_one_off, schedule_message
from broadcast.planning.slots import create_slot, delete_slot, get_slot, list_slots
from broadcast.planning.windows import parse_weekdays
from broadcast.stations.lookup import get_station, station_tz, zone_ids_of
from broadcast.timeutil import SystemClock
from loaxa.cli import Runtime, pass_runtime, require_tools
from loaxa.cli.schedule import parse_day


@click.group("slot")
def slot() -> None:
    """Buổi phát hằng ngày của đài."""


@slot.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_runtime
def slot_list(rt: Runtime, fmt: str) -> None:
    """Liệt kê các buổi phát hằng ngày."""
    with transaction(rt.factory()) as session:
        slots = list_slots(session, get_station(session, rt.settings.station))
        rows = [{"id": s.id, "name": s.name, "start": f"{s.start_time:%H:%M}", "minutes": round(s.duration_s / 60, 1), "weekdays": s.weekdays,
                 "valid_from": s.valid_from.isoformat() if s.valid_from else None, "valid_to": s.valid_to.isoformat() if s.valid_to else None,
                 "active": s.is_active} for s in slots]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['id']:>4}  {r['start']}  {r['minutes']:>5} phút  thứ {r['weekdays']}  {r['name']}{'' if r['active'] else '  (tạm dừng)'}")


@slot.command("add")
@click.argument("name")
@click.option("--at", "start", required=True, help="Giờ bắt đầu HH:MM (giờ của đài).")
@click.option("--minutes", type=click.IntRange(1, 240), default=None, help="Thời lượng (phút).")
@click.option("--end", default=None, help="Hoặc giờ kết thúc HH:MM.")
@click.option("--weekdays", default="1234567", show_default=True, help="Các thứ: 1-5 hoặc T2-T6 (1 = thứ Hai).")
@click.option("--from", "first", default=None, help="Có hiệu lực từ ngày.")
@click.option("--to", "last", default=None, help="Đến ngày.")
@click.option("--zone", "zones", multiple=True, help="Mã thôn (lặp lại cho nhiều thôn); mặc định mọi thôn.")
@pass_runtime
def slot_add(rt: Runtime, name: str, start: str, minutes: int | None, end: str | None, weekdays: str, first: str | None, last: str | None,
             zones: tuple[str, ...]) -> None:
    """Thêm một buổi phát hằng ngày (bị từ chối nếu trùng giờ buổi khác)."""
    if (minutes is None) == (end is None):
        raise InvalidInput("Hãy cho thời lượng bằng --minutes HOẶC giờ kết thúc bằng --end, ví dụ --at 05:30 --minutes 30.")
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        created = create_slot(session, station, name, start, duration_s=minutes * 60 if minutes else None, end_time=end,
                              weekdays=parse_weekdays(weekdays), valid_from=parse_day(first, "bắt đầu"), valid_to=parse_day(last, "kết thúc"),
                              zone_ids=zone_ids_of(station, zones))
        click.echo(f"Đã thêm buổi phát số {created.id}: {created.name} lúc {created.start_time:%H:%M}, {created.duration_s // 60} phút.")


@slot.command("remove")
@click.argument("slot_id", type=int)
@pass_runtime
def slot_remove(rt: Runtime, slot_id: int) -> None:
    """Xóa một buổi phát hằng ngày và hủy các buổi chưa phát của nó."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        cancelled = delete_slot(session, get_slot(session, station, slot_id), SystemClock().now())
    click.echo(f"Đã xóa buổi phát số {slot_id} ({cancelled} buổi chưa phát đã bị hủy).")


@click.group("oneoff")
def oneoff() -> None:
    """Buổi phát một lần."""


def _start(text: str, tz) -> datetime:  # type: ignore[no-untyped-def]
    match = re.match(r"^\s*(\S+)\s+(\d{1,2})[:hH.](\d{2})\s*$", text or "")
    day = parse_day(match.group(1), "phát") if match else None
    if not match or day is None or int(match.group(2)) > 23 or int(match.group(3)) > 59:
        raise InvalidInput(f"Thời điểm phát {text!r} không đúng dạng: hãy ghi ngày và giờ, ví dụ --at \"2024-11-20 19:00\".", field="start")
    return datetime.combine(day, time(int(match.group(2)), int(match.group(3))), tzinfo=tz)


@oneoff.command("add")
@click.option("--title", required=True, help="Tên buổi phát.")
@click.option("--at", "at", required=True, help="Ngày giờ phát (giờ của đài), ví dụ \"2024-11-20 19:00\".")
@click.option("--text", default=None, help="Nội dung cần đọc (máy đọc).")
@click.option("--script", "script_ids", type=int, multiple=True, help="Hoặc số bài đã duyệt (lặp lại cho nhiều bài).")
@click.option("--zone", "zones", multiple=True, help="Mã thôn (lặp lại); mặc định mọi thôn.")
@pass_runtime
def oneoff_add(rt: Runtime, title: str, at: str, text: str | None, script_ids: tuple[int, ...], zones: tuple[str, ...]) -> None:
    """Thêm một buổi phát một lần: một tin nhập ở đây, hoặc các bài đã duyệt."""
    if (text is None) == (not script_ids):
        raise InvalidInput("Hãy cho nội dung bằng --text HOẶC các bài đã duyệt bằng --script SỐ.")
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        start, now, zone_ids = _start(at, station_tz(station)), SystemClock().now(), zone_ids_of(station, zones)
        if text is not None:
            require_tools(rt.settings.tools, "ffmpeg", "ffprobe", "espeak")
            made = schedule_message(session, rt.settings, station, title, text, start, zone_ids, now)
        else:
            made = add_one_off(session, station, title, start, list(script_ids), now, zone_ids=zone_ids)
        click.echo(f"Đã thêm buổi phát một lần số {made.id} lúc {made.planned_start.astimezone(station_tz(station)):%d/%m/%Y %H:%M}.")


COMMANDS = [slot, oneoff]
