"""`loaxa plan`: build and show the programmes of a day or a range."""

from __future__ import annotations

import json
from datetime import date, timedelta

import click

from broadcast.cli import Runtime, pass_runtime
from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.programmes import plan_days
from broadcast.stations import get_station, station_tz
from broadcast.timeutil import SystemClock, parse_local_date


def parse_day(value: str | None, name: str) -> date | None:
    """A CLI date argument, or a clear sentence about its format."""
    if value is None:
        return None
    try:
        return parse_local_date(value)
    except ValueError:
        raise InvalidInput(f"Ngày {name} {value!r} không đúng dạng: dùng YYYY-MM-DD hoặc DD/MM/YYYY.") from None


@click.command("plan")
@click.option("--date", "day", default=None, help="Một ngày (YYYY-MM-DD hoặc DD/MM/YYYY).")
@click.option("--from", "first", default=None, help="Ngày đầu.")
@click.option("--to", "last", default=None, help="Ngày cuối.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_runtime
def plan(rt: Runtime, day: str | None, first: str | None, last: str | None, fmt: str) -> None:
    """Lập và hiện chương trình phát của một ngày hoặc một khoảng ngày."""
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        tz = station_tz(station)
        today = SystemClock().now().astimezone(tz).date()
        d0 = parse_day(day or first, "bắt đầu") or today
        d1 = parse_day(day or last, "kết thúc") or d0
        report = plan_days(session, rt.settings, station, d0, d1, SystemClock().now())
        rows = []
        for b in report.broadcasts:
            rows.append({
                "broadcast_id": b.id, "title": b.title, "kind": b.kind.value, "status": b.status.value,
                "slot_start": b.slot_start.astimezone(tz).isoformat(), "slot_end": b.slot_end.astimezone(tz).isoformat(),
                "items": [{
                    "position": i.position, "planned_start": (b.planned_start.astimezone(tz) + timedelta(seconds=i.offset_s)).isoformat(timespec="seconds"),
                    "duration_s": round(i.duration_s, 3), "type": i.item_type.value, "title": i.title,
                    "campaign_id": i.campaign_id, "reason": i.reason,
                } for i in b.items],
            })
    if fmt == "json":
        click.echo(json.dumps({"broadcasts": rows, "left_out": report.left_out}, ensure_ascii=False, indent=1))
        return
    for row in rows:
        used = sum(i["duration_s"] for i in row["items"])
        click.echo(f"== {row['slot_start'][:16].replace('T', ' ')} {row['title']} ({row['status']}, {used / 60:.1f} phút)")
        for item in row["items"]:
            click.echo(f"   {item['planned_start'][11:19]}  {item['duration_s']:7.1f}s  {item['type']:<8} {item['title']}  — {item['reason']}")
    for line in report.left_out:
        click.echo(f"Không đưa vào: {line}")


COMMANDS = [plan]
