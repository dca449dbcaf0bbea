"""CLI commands of the foundation, run through click's CliRunner on real files and a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from audio.ffmpeg import probe
from audio.tools import Tools
from broadcast.db import make_engine, make_session_factory
from broadcast.models import Script, User
from loaxa.cli import main

TOOLS = Tools()  # the programs on PATH, as a station with default settings runs them


def run(args: list[str], data_dir: Path, input: str | None = None, env: dict | None = None):
    return CliRunner().invoke(main, ["--data-dir", str(data_dir), *args], input=input, env=env, catch_exceptions=False)


def count(settings, model) -> int:
    engine = make_engine(settings.db_url)
    with make_session_factory(engine)() as session:
        n = session.scalar(select(func.count()).select_from(model))
    engine.dispose()
    return n


def test_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    for name in ("demo", "serve", "play", "web", "db", "normalize", "scripts", "tts", "render", "plan", "log", "user"):
        assert name in result.output


def test_normalize_keeps_lines(tmp_path: Path):
    result = run(["normalize"], tmp_path, input="Ngày 15/11/2024\n\nUBND xã 08 thôn\n")
    lines = result.output.split("\n")
    assert lines[0] == "Ngày mười lăm tháng mười một năm hai nghìn không trăm hai mươi tư"
    assert lines[1] == ""
    assert "ủy ban nhân dân" in lines[2].lower() and "tám thôn" in lines[2]
    assert result.exit_code == 0


def test_db_upgrade_creates_schema(settings):
    result = run(["db", "upgrade"], settings.data_dir)
    assert result.exit_code == 0
    assert count(settings, User) == 0


def test_demo_twice_changes_nothing(demo_settings):
    before = (count(demo_settings, Script), count(demo_settings, User))
    result = run(["demo"], demo_settings.data_dir)
    assert result.exit_code == 0, result.output
    assert "không thay đổi gì" in result.output and "0 bài mới tạo, 14 bài dùng lại" in result.output
    assert (count(demo_settings, Script), count(demo_settings, User)) == before == (14, 4)


def test_render_reuses_cache(demo_settings):
    result = run(["render", "--all"], demo_settings.data_dir)
    assert result.exit_code == 0, result.output
    assert "0 bài tạo mới, 14 bài dùng lại" in result.output


def test_tts_writes_wav_and_mp3(tmp_path: Path):
    for name in ("a.wav", "a.mp3"):
        out = tmp_path / name
        result = run(["tts", "-o", str(out), "Kính thưa bà con, ngày 15/11/2024."], tmp_path / "var")
        assert result.exit_code == 0, result.output
        assert probe(out, tools=TOOLS).duration_s > 1.0


@pytest.mark.parametrize("args, message", [
    (["tts", "-o", "x.ogg", "xin chào"], ".wav hoặc .mp3"),
    (["tts", "--engine", "khong-co", "-o", "x.wav", "xin chào"], "khong-co"),
    (["tts", "-o", "x.wav", "   "], "trống"),
    (["plan", "--date", "31/02/2024"], "không đúng dạng"),
    (["user", "add", "ab", "--role", "editor", "--password", "12345678"], "Tên đăng nhập"),
])
def test_bad_arguments_give_one_sentence(demo_settings, args, message):
    result = CliRunner().invoke(main, ["--data-dir", str(demo_settings.data_dir), *args], catch_exceptions=False)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_tool_is_named(tmp_path: Path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "demo"], env={"PATH": str(tmp_path)})
    assert result.exit_code == 1
    assert "Chưa cài ffmpeg" in result.output and "make run" in result.output
    assert not (tmp_path / "loaxa.db").exists()  # stopped before touching the database


def test_bad_setting_stops_with_its_name(tmp_path: Path):
    result = CliRunner().invoke(main, ["--data-dir", str(tmp_path), "db", "upgrade"], env={"LOAXA_PORT": "cao"})
    assert result.exit_code == 1 and "LOAXA_PORT" in result.output


def test_user_add_list_passwd(demo_settings):
    data = demo_settings.data_dir
    result = run(["user", "add", "canbo2", "--role", "biên tập", "--name", "Cán bộ", "--password", "matkhau123"], data)
    assert result.exit_code == 0, result.output
    assert "canbo2" in run(["user", "list"], data).output
    assert run(["user", "passwd", "canbo2", "--password", "matkhau456"], data).exit_code == 0
    dup = run(["user", "add", "canbo2", "--role", "editor", "--password", "matkhau123"], data)
    assert dup.exit_code == 1 and "đã có" in dup.output
    bad_role = run(["user", "add", "canbo3", "--role", "sep", "--password", "matkhau123"], data)
    assert bad_role.exit_code == 1 and "Vai trò" in bad_role.output


def test_scripts_import_good_and_bad(demo_settings, tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tin.txt").write_text("Thông báo lịch tiêm phòng\nNgày 20/11/2024 tại nhà văn hóa thôn.\n", encoding="utf-8")
    (folder / "hong.docx").write_bytes(b"%PDF-1.4 not a word file")
    result = run(["scripts", "import", str(folder)], demo_settings.data_dir)
    assert "Đã nhập: Thông báo lịch tiêm phòng" in result.output and "văn bản .txt, bảng mã UTF-8)" in result.output
    assert "hong.docx" in result.output
    assert count(demo_settings, Script) == 15


@pytest.mark.skipif(not __import__("audio.speech_check").speech_check.available(), reason="viet-asr is an optional extra")
def test_check_speech_flags_a_render_that_says_something_else(demo_settings):
    from sqlalchemy import update

    from broadcast.content.rendering import render_script
    from broadcast.content.scripts import approve_script, create_script
    from broadcast.db import transaction
    from broadcast.models import ContentStatus, Render
    from broadcast.stations.lookup import get_station

    factory = make_session_factory(make_engine(demo_settings.db_url))
    with transaction(factory) as session:
        session.execute(update(Script).values(status=ContentStatus.DRAFT))
        station = get_station(session, "cam-tan")
        approver = session.scalar(select(User).where(User.username == "pheduyet"))
        good = create_script(session, station, "Họp thôn", "Kính thưa bà con nhân dân. Chiều nay thôn tổ chức họp.")
        approve_script(session, good, approver)
        render_script(session, demo_settings, good, station)
        bad = create_script(session, station, "Bài lệch", "Tháng hành động vì bình đẳng giới năm nay.")
        approve_script(session, bad, approver)
        render, _ = render_script(session, demo_settings, bad, station)
        # The audio no longer matches what the script says: the check must notice.
        session.execute(update(Render).where(Render.id == render.id).values(spoken_text=(
            "một câu hoàn toàn khác về tiêm phòng cho gia súc gia cầm ở tất cả các thôn trong xã vào tuần sau, "
            "theo kế hoạch của trạm thú y huyện, bà con nhớ nhốt trâu bò lợn gà ở nhà để cán bộ đến tiêm")))
    # A plain sentence read by espeak-ng scores 0.4-0.65 with this recognizer; a render of other words about 0.9-1.
    result = run(["check-speech", "--threshold", "0.8"], demo_settings.data_dir)
    assert result.exit_code == 0, result.output
    assert "[ổn]" in result.output and "Họp thôn" in result.output
    assert "[KHÓ NGHE]" in result.output and "Bài lệch" in result.output
    assert "1 bài vượt ngưỡng 0.80" in result.output and "Đã chấm 2 bản đọc mới" in result.output
    assert "Ghi âm giọng người đọc cho bài này" in result.output and "Chọn tốc độ đọc «Chậm»" in result.output
    again = run(["check-speech", "--threshold", "0.8"], demo_settings.data_dir)  # scores are kept: nothing is heard twice
    assert "Đã chấm 0 bản đọc mới; 1 bài vượt ngưỡng" in again.output


def test_scripts_import_runs_the_pdf_tool_the_settings_name(demo_settings, tmp_path):
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n")  # a PDF's header: the importer hands it to poppler
    named = run(["scripts", "import", str(pdf)], demo_settings.data_dir, env={"LOAXA_PDFINFO": str(tmp_path / "khong-co-pdfinfo")})
    assert "ke-hoach.pdf" in named.output and "poppler-utils" in named.output, named.output  # the named program was run
    real = run(["scripts", "import", str(pdf)], demo_settings.data_dir)
    assert "ke-hoach.pdf" in real.output and "poppler-utils" not in real.output, real.output  # poppler ran and found it broken
