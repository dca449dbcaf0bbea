"""`loaxa bulletin send|status|list`: central bulletins from the province to chosen communes."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from broadcast.db import transaction
from broadcast.errors import InvalidInput
from broadcast.models import Priority
from broadcast.province import bulletins
from broadcast.reports import bulletins as report
from broadcast.stations.lookup import zone_codes
from broadcast.stations.users import active_user
from broadcast.timeutil import SystemClock, fmt_local
from loaxa.cli import Runtime, pass_runtime
from scripts_vi.importers import import_file


def _when(text: str | None, tz) -> datetime | None:  # type: ignore[no-untyped-def]
    if not text:
        return None
    for pattern in ("%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(text.strip(), pattern).replace(tzinfo=tz)
        except ValueError:
            continue
    raise InvalidInput(f"Không hiểu giờ phát «{text}»: hãy viết dạng 2024-11-20 05:30 hoặc 20/11/2024 05:30.", field="when")


@click.group("bulletin")
def bulletin() -> None:
    """Bản tin tỉnh/huyện gửi xuống các xã (thông thường, ưu tiên, khẩn cấp)."""


@bulletin.command("send")
@click.option("--title", required=True, help="Tiêu đề bản tin.")
@click.option("--text", default=None, help="Nội dung cần đọc.")
@click.option("--text-file", type=click.Path(exists=True, dir_okay=False), default=None, help="Lấy nội dung từ tệp .txt, .md hoặc .docx (nhận cả TCVN3, VNI).")
@click.option("--audio", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Phát một tệp âm thanh (MP3, M4A, OGG, WAV, FLAC) thay cho văn bản.")
@click.option("--priority", type=click.Choice([p.value for p in Priority]), default="normal", show_default=True,
              help="normal: vào buổi phát còn chỗ; priority: đầu buổi phát tới; emergency: phát ngay, ngắt buổi đang phát.")
@click.option("--to", "targets", multiple=True, required=True, help="Xã nhận, có thể kèm thôn: cam-tan hoặc cam-tan:thon-1,thon-2 (lặp lại cho nhiều xã).")
@click.option("--when", default=None, help="Không phát trước giờ này (giờ địa phương, ví dụ 2024-11-20 05:00).")
@click.option("--as", "username", required=True, help="Người gửi: phải có quyền phê duyệt ở mọi xã nhận.")
@pass_runtime
def send(rt: Runtime, title: str, text: str | None, text_file: str | None, audio: Path | None, priority: str, targets: tuple[str, ...],
         when: str | None, username: str) -> None:
    """Gửi một bản tin xuống các xã đã chọn; mỗi xã nhận một bài đã duyệt, xếp lịch theo mức ưu tiên."""
    if sum(map(bool, (text, text_file, audio))) != 1:
        raise click.ClickException("Hãy đưa nội dung bằng --text, --text-file hoặc --audio (chỉ một trong ba).")
    if text_file:
        text = import_file(text_file, tools=rt.settings.import_tools).body  # the scripts' importer: legacy encodings, .docx, size limit, one sentence on failure
    specs = [bulletins.parse_target(t) for t in targets]
    with transaction(rt.factory()) as session:
        sent = bulletins.send_bulletin(session, rt.settings, active_user(session, username), title, text or "", priority, specs,
                                       when=_when(when, rt.settings.tz), clock=SystemClock(), audio=audio)
        statuses = bulletins.bulletin_status(session, sent)
        click.echo(f"Đã gửi bản tin số {sent.id} ({bulletins.PRIORITY_LABELS[sent.priority]}) tới {len(statuses)} xã:")
        for s in statuses:
            click.echo(f"  {s.station_name}: {_where(s)}")


def _where(s: bulletins.CommuneStatus) -> str:
    kind = {"slot": "trong buổi phát", "oneoff": "buổi phát riêng", "emergency": "phát khẩn cấp ngay"}.get(s.placement, s.placement)
    zones = "tất cả các thôn" if zone_codes(s.zones) is None else s.zones
    return f"{kind} lúc {fmt_local(s.planned_at)} ({zones}) — {s.label}"


@bulletin.command("status")
@click.argument("bulletin_id", type=int)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text", show_default=True)
@pass_runtime
def status(rt: Runtime, bulletin_id: int, fmt: str) -> None:
    """Xem bản tin đã phát ở từng xã chưa (theo nhật ký phát sóng)."""
    with transaction(rt.factory()) as session:
        found = bulletins.get_bulletin(session, bulletin_id)
        statuses = bulletins.bulletin_status(session, found)
        if fmt == "json":
            sys.stdout.write(report.render_json(found, statuses))
            return
        if fmt == "csv":
            sys.stdout.write(report.render_csv(statuses))
            return
        click.echo(f"Bản tin số {found.id}: {found.title} ({bulletins.PRIORITY_LABELS[found.priority]}), gửi lúc {fmt_local(found.created_at)}")
        for s in statuses:
            aired = f", phát lúc {fmt_local(s.aired_at)}, {s.seconds:.0f} giây" if s.aired_at else ""
            note = f" — {s.note}" if s.note else ""
            click.echo(f"  {s.station_name}: {_where(s)}{aired}{note}")


@bulletin.command("list")
@pass_runtime
def list_cmd(rt: Runtime) -> None:
    """Các bản tin đã gửi gần đây."""
    with transaction(rt.factory()) as session:
        for found in bulletins.latest_bulletins(session):
            aired = sum(1 for t in found.targets if t.state == "aired")
            click.echo(f"{found.id}\t{fmt_local(found.created_at)}\t{bulletins.PRIORITY_LABELS[found.priority]}\t{aired}/{len(found.targets)} xã đã phát\t{found.title}")


COMMANDS = [bulletin]
