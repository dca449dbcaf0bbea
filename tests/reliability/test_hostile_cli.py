"""Every CLI command against hostile input: one clear sentence, no traceback, no change to the database."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import MetaData, func, select

from broadcast.db import make_engine
from broadcast.models import Script
from loaxa.cli import main
from tests.reliability.hostile import DATES, LEGACY_BYTES, TEXTS, hostile_documents


def snapshot(settings) -> str:
    """A fingerprint of every table's row count (what 'nothing changed' means here)."""
    engine = make_engine(settings.db_url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        counts = {name: conn.execute(select(func.count()).select_from(table)).scalar() for name, table in sorted(meta.tables.items())}
    engine.dispose()
    return hashlib.sha256(repr(counts).encode()).hexdigest()


LEGACY_READABLE = ("tcvn3", "vni", "cp1258", "utf16")


def _one_sentence(output: str) -> bool:
    """A refusal the way the CLI gives it: one line, `Error: ` and the sentence."""
    lines = output.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("Error: ") and len(lines[0]) > len("Error: ") + 10


def _scripts(settings) -> int:
    engine = make_engine(settings.db_url)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Script)).scalar()
    engine.dispose()
    return count


def invoke(settings, args: list[str], input: bytes | str | None = None):
    result = CliRunner().invoke(main, ["--data-dir", str(settings.data_dir), *args], input=input)
    assert "Traceback" not in result.output, result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: uncaught {type(result.exception).__name__}: {result.exception}")
    return result


def _hostile_files(folder: Path) -> list[Path]:
    folder.mkdir()
    files = []
    for name, text in TEXTS.items():
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    for name, data in LEGACY_BYTES.items():
        path = folder / f"{name}.txt"
        path.write_bytes(data)
        files.append(path)
    (folder / "renamed.docx").write_bytes(b"%PDF-1.7 " * 100)
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"\0" * (200 * 1024 * 1024))
    (folder / "huge.txt").write_bytes(b"a" * (10 * 1024 * 1024))
    documents = list(hostile_documents(folder / "documents").values())
    return files + [folder / "renamed.docx", bomb, folder / "huge.txt"] + documents


def test_normalize_survives_every_hostile_text(settings, record):
    tried = 0
    for name, text in TEXTS.items():
        result = invoke(settings, ["normalize"], input=text.encode("utf-8", "surrogatepass"))
        assert result.exit_code == 0, (name, result.output)
        assert not any(ch.isdigit() for ch in result.stdout), name
        tried += 1
    refused = 0
    for name, data in LEGACY_BYTES.items():
        result = invoke(settings, ["normalize"], input=data)
        if name in LEGACY_READABLE:  # the old Vietnamese encodings are read, not refused
            assert result.exit_code == 0 and "Kính thưa bà con" in result.stdout, (name, result.output)
        else:
            assert result.exit_code == 1 and _one_sentence(result.output), (name, result.output)
            refused += 1
        tried += 1
    record("cli_normalize_hostile_inputs", tried, "texts and byte strings piped to `loaxa normalize` (NUL, RTL marks, HTML, SQL, legacy encodings, 200 kB lines): "
           f"all read (TCVN3, VNI, Windows-1258 and UTF-16 as the Vietnamese they encode) or refused in one sentence ({refused} refused)")


def test_import_takes_the_good_refuses_the_bad_in_one_run(demo_settings, tmp_path: Path, record):
    files = _hostile_files(tmp_path / "in")
    before = _scripts(demo_settings)
    result = invoke(demo_settings, ["scripts", "import", *map(str, files)])
    lines = result.output.splitlines()
    refused = [line for line in lines if line.startswith("Không nhập được")]
    imported = [line for line in lines if line.startswith("Đã nhập: ")]
    for name in ("renamed.docx", "bomb.docx", "huge.txt", "empty.txt", "spaces.txt", "binary.txt", "html-that-says-doc.doc",
                 "truncated-word97.doc", "image-only.pdf", "huge-page-count.pdf", "not-a-pdf.pdf", "truncated.docx",
                 "encrypted.pdf", "truncated.pdf"):
        assert any(name in line for line in refused), name
    for name in ("tcvn3.txt", "vni.txt", "cp1258.txt", "utf16.txt"):
        assert not any(name in line for line in refused), name
    # Every file is accounted for, once: imported (and really stored) or refused by name.
    assert len(imported) + len(refused) == len(files) and f"{len(imported)} bài đã nhập, {len(refused)} tệp lỗi." in lines
    assert _scripts(demo_settings) == before + len(imported) and len(imported) >= 4
    record("cli_import_hostile_files", len(files), "files in one `loaxa scripts import` run (legacy encodings, zip bomb, renamed PDF, 10 MB, empty, "
           ".doc that is HTML, truncated .doc/.docx/.pdf, encrypted, image-only and 5000-page PDFs): "
           f"{len(refused)} bad ones refused by name, {len(imported)} good ones imported (the legacy encodings among them) and found in the database")


@pytest.mark.parametrize("command", [["plan", "--date"], ["plan", "--from"], ["log", "--from"], ["report", "--campaign", "bdg-2024", "--format", "json", "--from"]])
def test_bad_dates_change_nothing(demo_settings, command, record):
    before = snapshot(demo_settings)
    for value in DATES:
        result = invoke(demo_settings, [*command, value])
        if value in ("1900-01-01", "9999-12-31") and command[0] in ("plan", "log"):
            continue  # legal dates: an empty plan or log is the right answer
        assert result.exit_code != 0, (command, value, result.output)
        assert len(result.output.strip().splitlines()) <= 2, result.output
    if command[0] != "plan":
        assert snapshot(demo_settings) == before
    record(f"cli_bad_dates_{command[0]}_{command[-1].lstrip('-')}", len(DATES), f"hostile dates given to `loaxa {' '.join(command)}`")


def test_hostile_names_and_texts_elsewhere(demo_settings, tmp_path: Path, record):
    before = snapshot(demo_settings)
    cases = [
        ["user", "add", TEXTS["sql"], "--role", "editor", "--password", "matkhau123"],
        ["user", "add", TEXTS["path_traversal"], "--role", "editor", "--password", "matkhau123"],
        ["user", "add", "canbo", "--role", TEXTS["html_script"], "--password", "matkhau123"],
        ["user", "add", "canbo", "--role", "editor", "--password", "ngan"],
        ["user", "passwd", TEXTS["sql"], "--password", "matkhau123"],
        ["tts", "-o", str(tmp_path / "a.wav"), TEXTS["spaces"]],
        ["tts", "-o", str(tmp_path / TEXTS["path_traversal"]), "xin chào"],
        ["tts", "--engine", TEXTS["sql"], "-o", str(tmp_path / "b.wav"), "xin chào"],
        ["report", "--campaign", TEXTS["path_traversal"], "--format", "json"],
        ["report", "--campaign", "bdg-2024", "--format", "json", "-o", "/proc/forbidden/x.json"],
        ["scripts", "import", str(tmp_path / "khong-co")],
        ["restore", str(tmp_path / "khong-co.tar.gz")],
    ]
    for args in cases:
        result = invoke(demo_settings, args)
        assert result.exit_code != 0, (args, result.output)
        refusals = [line for line in result.output.splitlines() if line.startswith(("Error: ", "Không nhập được"))]
        assert len(refusals) == 1, (args, result.output)
    assert snapshot(demo_settings) == before
    assert not (tmp_path / "a.wav").exists() and not (tmp_path / "b.wav").exists()
    record("cli_hostile_arguments", len(cases), "hostile names, roles, engines, paths and campaigns: each refused in one sentence, database unchanged")


def test_unwritable_paths_are_one_sentence(tmp_path: Path, record):
    cases = [
        (["--data-dir", "/proc/khong-co", "plan"], {}),
        (["--data-dir", str(tmp_path), "db", "upgrade"], {"LOAXA_DATABASE_URL": "sqlite:////proc/khong-co/x.db"}),
        (["--data-dir", str(tmp_path), "tts", "-o", "/proc/khong-co/a.wav", "xin chào"], {}),
    ]
    for args, env in cases:
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 1, (args, result.output)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1, result.output
        assert "/proc/khong-co" in result.output
    record("cli_unwritable_paths", len(cases), "data dir, database file and output file under a path that cannot exist: one sentence naming it")
