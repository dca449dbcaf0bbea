"""`loaxa plan` and `loaxa campaign ...`: the station's programmes and campaigns."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import click

from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.stations.lookup import get_station, station_tz
from broadcast.timeutil import SystemClock, parse_local_date
from loaxa.cli import Runtime, pass_runtime

STATUS_LABELS = {"planned": "đã lập", "ready": "sẵn sàng", "playing": "đang phát", "done": "đã phát", "missed": "bị lỡ",
                 "interrupted": "bị ngắt", "failed": "lỗi", "cancelled": "đã hủy", "preview": "xem trước"}
TYPE_LABELS = {"jingle": "nhạc hiệu", "script": "bài", "relay": "tiếp sóng", "filler": "nhạc nền", "emergency": "khẩn cấp", "live": "trực tiếp"}


# Dates outside these years are typing mistakes for a commune radio (and 9999-12-31 + 1 day overflows).
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_day(value: str | None, name: str) -> date | None:
    """A CLI date argument, or a clear sentence about its format."""
    if value is None:
        return None
    try:
        day = parse_local_date(value)
    except ValueError:
        raise InvalidInput(f"Ngày {name} {value!r} không đúng dạng: dùng YYYY-MM-DD hoặc DD/MM/YYYY.") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(f"Ngày {name} {value} nằm ngoài khoảng năm {MIN_YEAR}–{MAX_YEAR} mà đài lập lịch và lưu nhật ký.")
    return day


@click.command("plan")
@click.option("--date", "day", default=None, help="Một ngày (YYYY-MM-DD hoặc DD/MM/YYYY); mặc định hôm nay.")
@click.option("--from", "first", default=None, help="Ngày đầu.")
@click.option("--to", "last", default=None, help="Ngày cuối.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--dry-run", is_flag=True, help="Chỉ xem, không lưu lịch.")
@pass_runtime
def plan(rt: Runtime, day: str | None, first: str | None, last: str | None, fmt: str, dry_run: bool) -> None:
    """Lập và hiện chương trình phát của một ngày hoặc một khoảng ngày."""
    from broadcast.planning.programmes import plan_days

    if day and (first or last):
        raise InvalidInput("Dùng --date cho một ngày, hoặc --from/--to cho một khoảng, không dùng cả hai.")
    now = SystemClock().now()
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        tz = station_tz(station)
        today = now.astimezone(tz).date()
        d0 = parse_day(day if day is not None else first, "bắt đầu") or today
        d1 = parse_day(day if day is not None else last, "kết thúc") or d0
        report = plan_days(session, rt.settings, station, d0, d1, now, save=not dry_run)
        rows = [{
            "broadcast_id": p.broadcast_id, "slot_id": p.slot_id, "title": p.title, "kind": p.kind, "status": p.status, "preview": p.preview,
            "slot_start": p.slot_start.astimezone(tz).isoformat(timespec="seconds"), "slot_end": p.slot_end.astimezone(tz).isoformat(timespec="seconds"),
            "duration_s": round(p.used_s, 3),
            "items": [{
                "position": i.position, "planned_start": i.start.astimezone(tz).isoformat(timespec="milliseconds"),
                "duration_s": round(i.duration_s, 3), "type": i.item_type, "title": i.title, "campaign": i.campaign or None,
                "script_id": i.script_id, "reason": i.reason,
            } for i in p.items],
        } for p in report.programmes]
    if fmt == "json":
        click.echo(json.dumps({"from": d0.isoformat(), "to": d1.isoformat(), "broadcasts": rows, "problems": [p.text for p in report.problems]}, ensure_ascii=False, indent=1))
        return
    if not rows:
        click.echo("Không có buổi phát nào trong những ngày này.")
    for row in rows:
        note = " — xem trước, không lưu vì đã qua giờ phát" if row["preview"] else ""
        click.echo(f"== {row['slot_start'][:16].replace('T', ' ')}–{row['slot_end'][11:16]} {row['title']} "
                   f"({STATUS_LABELS.get(row['status'], row['status'])}, {row['duration_s'] / 60:.1f} phút){note}")
        for item in row["items"]:
            campaign = f" [{item['campaign']}]" if item["campaign"] else ""
            click.echo(f"   {item['planned_start'][11:19]}  {item['duration_s']:7.1f}s  {TYPE_LABELS.get(item['type'], item['type']):<9} "
                       f"{item['title']}{campaign}  — {item['reason']}")
    for problem in report.problems:
        click.echo(f"Lưu ý: {problem.text}")


@click.group("campaign")
def campaign() -> None:
    """Chiến dịch tuyên truyền."""


@campaign.command("list")
@pass_runtime
def campaign_list(rt: Runtime) -> None:
    """Liệt kê các chiến dịch của đài."""
    from broadcast.campaigns.manage import describe_target, list_campaigns

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        for c in list_campaigns(session, station):
            click.echo(f"{c.slug:<16} {c.start_date:%d/%m/%Y}–{c.end_date:%d/%m/%Y}  {c.status.value:<9} {len(c.pool):>3} bài  {describe_target(c)}")


@campaign.command("show")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_runtime
def campaign_show(rt: Runtime, slug: str, fmt: str) -> None:
    """Chi tiết một chiến dịch: chỉ tiêu, danh sách bài và những gì cần sửa."""
    from broadcast.campaigns.manage import check_feasibility, describe_target, get_campaign

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        c = get_campaign(session, station, slug)
        problems = check_feasibility(session, c)
        pool = [{"script_id": e.script_id, "title": e.script.title, "weight": e.weight, "status": e.script.status.value}
                for e in sorted(c.pool, key=lambda e: e.script_id)]
        data = {"slug": c.slug, "name": c.name, "start_date": c.start_date.isoformat(), "end_date": c.end_date.isoformat(),
                "status": c.status.value, "target_kind": c.target_kind, "target_value": c.target_value, "extend_slot_s": c.extend_slot_s,
                "min_separation_h": c.min_separation_h, "target": describe_target(c), "pool": pool, "problems": problems,
                "windows": list(c.windows or [])}
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    click.echo(f"{data['name']} ({data['slug']}, {data['status']})")
    click.echo(f"Từ {c.start_date:%d/%m/%Y} đến {c.end_date:%d/%m/%Y}; chỉ tiêu: {data['target']}")
    for entry in pool:
        click.echo(f"  #{entry['script_id']:<4} x{entry['weight']:g}  {entry['status']:<9} {entry['title']}")
    for problem in problems:
        click.echo(f"Cần sửa: {problem}")


@campaign.command("copy")
@click.argument("slug")
@click.option("--year", type=int, required=True, help="Năm của bản sao (cùng ngày, cùng danh sách bài và chỉ tiêu).")
@click.option("--slug", "new_slug", default=None, help="Mã của bản sao (mặc định: <mã>-<năm>).")
@pass_runtime
def campaign_copy(rt: Runtime, slug: str, year: int, new_slug: str | None) -> None:
    """Sao chép chiến dịch sang năm khác (bản nháp, cần duyệt lại)."""
    from broadcast.campaigns.manage import copy_to_year, get_campaign

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        copy = copy_to_year(session, get_campaign(session, station, slug), year, new_slug)
        click.echo(f"Đã tạo bản nháp {copy.slug} ({copy.start_date:%d/%m/%Y}–{copy.end_date:%d/%m/%Y}, {len(copy.pool)} bài): hãy nhờ người phê duyệt duyệt.")


@campaign.command("approve")
@click.argument("slug")
@click.option("--user", "username", required=True, help="Tài khoản có vai trò phê duyệt.")
@pass_runtime
def campaign_approve(rt: Runtime, slug: str, username: str) -> None:
    """Duyệt chiến dịch để đưa vào lịch phát."""
    from broadcast.campaigns.manage import approve_campaign, get_campaign
    from broadcast.stations.users import get_user

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        c = approve_campaign(session, get_campaign(session, station, slug), get_user(session, username))
        click.echo(f"Đã duyệt chiến dịch {c.slug}.")


@campaign.command("windows")
@click.argument("slug")
@click.option("--add", "spans", multiple=True, metavar="HH:MM-HH:MM", help="Thêm khung giờ, ví dụ 05:30-06:00 (dùng nhiều lần được).")
@click.option("--weekdays", default=None, help="Các thứ của khung giờ vừa thêm: 1-5 hoặc T2-T6 (1 = thứ Hai, 7 = Chủ nhật); mặc định mọi ngày.")
@click.option("--remove", "remove", type=int, default=None, help="Bỏ khung giờ số N (xem số bằng --list).")
@click.option("--clear", is_flag=True, help="Bỏ hết khung giờ (trước khi thêm): chiến dịch phát ở mọi buổi có khối chiến dịch.")
@click.option("--list", "only_list", is_flag=True, help="Chỉ liệt kê các khung giờ (mặc định khi không có lựa chọn nào).")
@pass_runtime
def campaign_windows(rt: Runtime, slug: str, spans: tuple[str, ...], weekdays: str | None, remove: int | None, clear: bool, only_list: bool) -> None:
    """Khung giờ của chiến dịch: chỉ phát bài chiến dịch trong những giờ (và thứ) này."""
    from broadcast.campaigns.manage import campaign_windows as windows_of
    from broadcast.campaigns.manage import change_windows, get_campaign

    if only_list and (spans or clear or remove is not None):
        raise InvalidInput("--list chỉ để xem: bỏ --list khi thêm, bỏ hoặc xóa khung giờ.")
    if weekdays is not None and not spans:
        raise InvalidInput("--weekdays đi kèm --add: hãy ghi khung giờ cần thêm, ví dụ --add 05:30-06:00 --weekdays 1-5.")
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        c = get_campaign(session, station, slug)
        was_approved = c.status.value == "approved"
        changed = bool(spans or clear or remove is not None)
        if changed:
            change_windows(session, c, add=spans, weekdays=weekdays, remove=remove, clear=clear)
        windows = windows_of(c)
        back = changed and was_approved and c.status.value == "draft"
    if not windows:
        click.echo(f"Chiến dịch {slug} không giới hạn khung giờ: phát ở mọi buổi có khối chiến dịch.")
    for n, window in enumerate(windows, start=1):
        click.echo(f"{n}. {window.label()}")
    if back:
        click.echo("Chiến dịch trở về bản nháp: cần phê duyệt lại (`loaxa campaign approve`).")


@campaign.command("extra")
@click.argument("slug")
@click.option("--add", "span", default=None, metavar="HH:MM-HH:MM", help="Thêm buổi phát cho chiến dịch, ví dụ 19:00-19:15.")
@click.option("--name", default="", help="Tên buổi phát thêm (mặc định: Buổi phát thêm <mã>).")
@click.option("--weekdays", default=None, help="Các thứ: 1-5 hoặc T2-T6; mặc định mọi ngày.")
@click.option("--from", "first", default=None, help="Từ ngày (mặc định: ngày đầu chiến dịch).")
@click.option("--to", "last", default=None, help="Đến ngày (mặc định: ngày cuối chiến dịch).")
@click.option("--remove", "remove", type=int, default=None, help="Xóa buổi phát thêm có số này (hủy các buổi chưa phát của nó).")
@pass_runtime
def campaign_extra(rt: Runtime, slug: str, span: str | None, name: str, weekdays: str | None, first: str | None, last: str | None,
                   remove: int | None) -> None:
    """Buổi phát thêm của chiến dịch (tăng thời lượng): chỉ phát trong thời gian chiến dịch."""
    from broadcast.campaigns.extra_slots import add_extra_slot, list_extra_slots, remove_extra_slot
    from broadcast.campaigns.manage import get_campaign
    from broadcast.planning.windows import ALL_DAYS, parse_weekdays, parse_window

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        c = get_campaign(session, station, slug)
        if remove is not None:
            cancelled = remove_extra_slot(session, c, remove, SystemClock().now())
            click.echo(f"Đã xóa buổi phát thêm số {remove}" + (f" và hủy {cancelled} buổi chưa phát." if cancelled else "."))
        if span is not None:
            window = parse_window(span, field="start_time")
            slot = add_extra_slot(session, c, name, window.start, end_time=window.end, weekdays=parse_weekdays(weekdays) or ALL_DAYS,
                                  valid_from=parse_day(first, "bắt đầu"), valid_to=parse_day(last, "kết thúc"))
            click.echo(f"Đã thêm buổi phát thêm số {slot.id}: {slot.name}.")
        rows = [(s.id, s.name, s.start_time, s.duration_s, s.weekdays, s.valid_from or c.start_date, s.valid_to or c.end_date)
                for s in list_extra_slots(session, c)]
    if not rows:
        click.echo(f"Chiến dịch {slug} chưa có buổi phát thêm.")
    for sid, sname, start, seconds, days, d0, d1 in rows:
        end = (datetime.combine(d0, start) + timedelta(seconds=seconds)).time()
        click.echo(f"#{sid:<4} {start:%H:%M}–{end:%H:%M}  {d0:%d/%m/%Y}–{d1:%d/%m/%Y}  thứ {days}  {sname}")


COMMANDS = [plan, campaign]
