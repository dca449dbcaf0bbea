"""`loaxa normalize|scripts import|tts|render`: text in, audio out."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import click

from broadcast.db import transaction
from broadcast.numbers import vn_number
from broadcast.stations.lookup import get_station
from loaxa.cli import Runtime, pass_runtime, require_tools


@click.command("normalize")
@pass_runtime
def normalize_cmd(rt: Runtime) -> None:
    """Đọc văn bản từ đầu vào chuẩn, in ra dạng đọc (mỗi dòng vào một dòng ra)."""
    from scripts_vi.normalize import normalize

    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        from scripts_vi.encodings import decode_bytes

        text = decode_bytes(data).text
    result = normalize(text)
    out = result.spoken
    sys.stdout.buffer.write(out.encode("utf-8"))
    if text.endswith("\n") and not out.endswith("\n"):
        sys.stdout.buffer.write(b"\n")
    for warning in result.warnings:
        click.echo(f"Cảnh báo: {warning}", err=True)


@click.group("scripts")
def scripts() -> None:
    """Bài phát thanh."""


@scripts.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_runtime
def scripts_import(rt: Runtime, paths: tuple[Path, ...]) -> None:
    """Nhập bài từ tệp .txt, .md, .docx, .doc, .pdf hoặc cả thư mục (kể cả mã TCVN3, VNI và phông .VnTime, VNI-Times)."""
    from broadcast.content.scripts import import_files

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        created, failed = import_files(session, station, paths, tools=rt.settings.import_tools)
    for script, described in created:
        click.echo(f"Đã nhập: {script.title} (bản nháp số {script.id}; {described})")
    for path, reason in failed:
        click.echo(f"Không nhập được {path}: {reason}", err=True)
    click.echo(f"{len(created)} bài đã nhập, {len(failed)} tệp lỗi.")
    if failed and not created:
        sys.exit(1)


@click.command("tts")
@click.option("--engine", default=None, help="espeak | gtts | piper")
@click.option("--voice", default=None, help="Giọng của bộ đọc (ví dụ vi, hoặc đường dẫn tệp .onnx của Piper).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Tệp ra .wav hoặc .mp3.")
@click.argument("text", required=False)
@pass_runtime
def tts(rt: Runtime, engine: str | None, voice: str | None, output: Path, text: str | None) -> None:
    """Đọc một đoạn văn bản thành tệp âm thanh (chuẩn hóa, lọc im lặng, cân bằng âm lượng)."""
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe")
    from broadcast.content.rendering import speak_to_file

    if text is None:
        text = sys.stdin.read()
    result = speak_to_file(rt.settings, text, output, engine, voice)
    click.echo(f"Đã ghi {output} ({vn_number(result.duration_s, 1)} giây, giọng {result.engine}, {vn_number(result.lufs, 1)} LUFS).")


@contextmanager
def render_progress(total: int | None = None) -> Iterator[Callable[[int, int], None]]:
    """The bar shown while scripts are rendered; yields the callback render_scripts reports (done, total) to."""
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("Đang tạo âm thanh", total=total)
        yield lambda done, total: progress.update(task, completed=done, total=total)


@click.command("render")
@click.option("--all", "render_all", is_flag=True, help="Tạo lại (hoặc lấy lại từ bộ nhớ đệm) âm thanh cho mọi bài đã duyệt.")
@click.option("--changed", is_flag=True, help="Chỉ những bài chưa có âm thanh cho phiên bản hiện tại (mặc định).")
@pass_runtime
def render(rt: Runtime, render_all: bool, changed: bool) -> None:
    """Tạo âm thanh cho các bài đã duyệt, song song trên các lõi CPU (dùng lại bộ nhớ đệm khi bài không đổi)."""
    require_tools(rt.settings.tools, "ffmpeg", "ffprobe")
    from audio.atomic import sweep_stale
    from broadcast.content.rendering import render_scripts, scripts_to_render

    sweep_stale(rt.settings.audio_dir)  # leftovers of a render killed mid-way

    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        scripts, todo = scripts_to_render(session, station, everything=render_all)
        with render_progress(len(todo)) as progress:
            report = render_scripts(session, rt.settings, station, todo, progress)
    click.echo(f"{report.rendered} bài tạo mới, {report.reused} bài dùng lại từ bộ nhớ đệm, {len(scripts) - len(todo)} bài đã sẵn sàng, {len(report.failed)} bài lỗi.")
    for script, reason in report.failed:
        click.echo(f"Lỗi: {script.title}: {reason}", err=True)
    if report.failed:
        sys.exit(1)


@click.command("check-speech")
@click.option("--threshold", default=None, type=click.FloatRange(0, 1),
              help="Tỷ lệ lỗi ký tự (CER) trên mức này thì báo bài khó nghe (mặc định 0,6).")
@pass_runtime
def check_speech(rt: Runtime, threshold: float | None) -> None:
    """Nghe thử tự động (viet-asr): chấm các bản đọc máy chưa chấm, báo bài khó nghe, từ nghe nhầm và cách sửa."""
    from audio import speech_check
    from broadcast.content.listening import DEFAULT_THRESHOLD, score_station, verdicts

    if not speech_check.available():
        raise click.ClickException("Chưa cài bộ nhận dạng giọng nói viet-asr: hãy chạy `.venv/bin/pip install 'loaxa[speech-check]'`.")
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    with transaction(rt.factory()) as session:
        station = get_station(session, rt.settings.station)
        scored = score_station(session, rt.settings, station)
        found = verdicts(session, station, limit)
        for v in found:
            click.echo(f"[{'KHÓ NGHE' if v.flagged else 'ổn'}] CER {v.render.speech_cer:.2f}  {v.script.title}")
            if v.flagged:
                click.echo("    từ dễ nghe nhầm: " + ", ".join(v.render.misheard or []))
                for fix in v.fixes:
                    click.echo(f"    - {fix}")
    click.echo(f"Đã chấm {scored} bản đọc mới; {sum(v.flagged for v in found)} bài vượt ngưỡng {limit:.2f}.")


COMMANDS = [normalize_cmd, scripts, tts, render, check_speech]
