"""`loaxa media import|list`: any audio file as content (the media library)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadcast.db import transaction
from broadcast.errors import InvalidInput, NotFound
from broadcast.stations.lookup import get_station
from loaxa.cli import Runtime, pass_runtime, require_tools

STATUS = {"draft": "chờ duyệt", "approved": "đã duyệt", "returned": "bị trả lại", "archived": "lưu trữ"}


@click.group("media")
def media() -> None:
    """Thư viện âm thanh: tệp MP3, M4A/AAC, OGG/Opus, WAV, FLAC dùng như một bài."""


@media.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--title", default="", help="Tiêu đề (chỉ khi nhập một tệp; mặc định là tên tệp).")
@click.option("--kind", default="other", show_default=True, help="song | reportage | programme | live | other")
@click.option("--campaign", "slug", default=None, help="Thêm vào danh sách bài của chiến dịch này (mã, ví dụ bdg-2025).")
@click.option("--by", "username", default=None, help="Người tải lên (tên đăng nhập).")
@pass_runtime
def media_import(rt: Runtime, paths: tuple[Path, ...], title: str, kind: str, slug: str | None, username: str | None) -> None:
    """Kiểm tra, chuẩn hóa âm lượng và lưu tệp âm thanh thành bản nháp chờ duyệt; tệp hỏng bị từ chối, không lưu gì."""
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe")
    from broadcast.campaigns.media import add_media
    from broadcast.content.media import media_sound
    from broadcast.stations.users import get_user

    if title and len(paths) > 1:
        raise click.ClickException("Chỉ đặt --title khi nhập một tệp: bỏ --title để mỗi tệp lấy tên tệp làm tiêu đề.")
    failed = 0
    for path in paths:
        try:
            with transaction(rt.factory()) as session:  # one file, one transaction: a bad file never stops the others
                station = get_station(session, rt.settings.station)
                by = get_user(session, username) if username else None
                item = add_media(session, station, path, title, kind, slug, by=by, settings=rt.settings)
                sound = media_sound(session, item)
                duration, item_id, item_title = sound.duration_s if sound else 0.0, item.id, item.title
        except (InvalidInput, NotFound) as exc:
            failed += 1
            click.echo(f"Không nhập được {path}: {exc}", err=True)
            continue
        click.echo(f"Đã nhập: {item_title} (số {item_id}, {duration:.0f} giây, chờ phê duyệt)")
    click.echo(f"{len(paths) - failed} tệp đã nhập, {failed} tệp bị từ chối.")
    if failed:
        sys.exit(1)


@media.command("list")
@pass_runtime
def media_list(rt: Runtime) -> None:
    """Liệt kê các tệp âm thanh của đài (mới nhất trước) với trạng thái duyệt."""
    from broadcast.content.media import media_library

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        for item, sound in media_library(session, station):
            seconds = f"{sound.duration_s:.0f} giây, {sound.lufs:.1f} LUFS" if sound is not None and sound.lufs is not None else "chưa có âm thanh"
            click.echo(f"{item.id:>5}  [{STATUS[item.status.value]}] {item.title} ({item.category}, {seconds})")


COMMANDS = [media]
