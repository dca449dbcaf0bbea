"""Consistent backups of the station (database and audio) that can be taken on air, and their restore."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect, select, text, update

from broadcast.config import Settings
from broadcast.errors import Conflict, InvalidInput, ToolMissing

FORMAT = 1
# Assembled broadcasts are rebuilt from the plan; air-checks are large and optional.
AUDIO_FOLDERS = ("audio",)
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore covered."""

    path: Path
    files: int
    database: str
    created_at: str


def backup_name(now: datetime, settings: Settings) -> Path:
    """The default backup file, named by the station's local date and time."""
    return Path(f"loaxa-backup-{now.astimezone(settings.tz):%Y%m%d-%H%M%S}.tar.gz")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _snapshot_database(settings: Settings, engine: Engine, folder: Path) -> str:
    """Copy the database as of one instant into folder; returns its kind."""
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(engine.url.database)
        target = sqlite3.connect(folder / "loaxa.db")
        try:
            source.execute("PRAGMA busy_timeout=30000")
            source.backup(target)  # SQLite's online backup: consistent even while playout writes
        finally:
            target.close()
            source.close()
        return "sqlite"
    if engine.dialect.name == "postgresql":
        if shutil.which("pg_dump") is None:
            raise ToolMissing("Chưa cài pg_dump: hãy chạy `apt-get install postgresql-client`.")
        url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / 'loaxa.pgdump'}", url], check=True, capture_output=True)
        return "postgresql"
    raise InvalidInput(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại {engine.dialect.name}.")


def backup(settings: Settings, engine: Engine, out: Path, now: datetime, with_aircheck: bool = False) -> BackupReport:
    """Write a .tar.gz with the database snapshot, the audio files and a manifest of their hashes."""
    out = out.resolve()
    folders = AUDIO_FOLDERS + (("aircheck",) if with_aircheck else ())
    with tempfile.TemporaryDirectory(prefix="loaxa-backup-", dir=out.parent) as tmp:
        staging = Path(tmp)
        kind = _snapshot_database(settings, engine, staging)
        files = {}
        for folder in folders:
            root = settings.data_dir / folder
            for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")) if root.exists() else []:
                rel = path.relative_to(settings.data_dir).as_posix()
                files[rel] = _sha256(path)
        manifest = {"format": FORMAT, "created_at": now.isoformat(), "database": kind,
                    "data_dir": str(settings.data_dir), "files": files}
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial = staging / "archive.tar.gz"
        # Level 1, not tarfile's 9: the audio (most of the bytes) shrinks by a quarter at any level, and 9 takes 40 % longer.
        with tarfile.open(partial, "w:gz", compresslevel=1) as tar:
            tar.add(staging / MANIFEST, MANIFEST)
            tar.add(staging / ("loaxa.db" if kind == "sqlite" else "loaxa.pgdump"), "database/" + ("loaxa.db" if kind == "sqlite" else "loaxa.pgdump"))
            for rel in files:
                tar.add(settings.data_dir / rel, "data/" + rel)
        os.replace(partial, out)
    return BackupReport(out, len(files), kind, manifest["created_at"])


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Archive members that stay inside the extraction folder (no absolute paths, links or '..')."""
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise InvalidInput(f"Tệp sao lưu chứa đường dẫn không an toàn ({member.name}): không khôi phục từ tệp này.")
        members.append(member)
    return members


def restore(settings: Settings, engine: Engine, archive: Path, force: bool = False) -> BackupReport:
    """Bring back a backup into this data dir and database; refuses to overwrite data unless forced."""
    if not archive.is_file():
        raise InvalidInput(f"Không tìm thấy tệp sao lưu {archive}.")
    if not force and inspect(engine).has_table("stations") and _has_rows(engine):
        raise Conflict("Cơ sở dữ liệu đang có dữ liệu: thêm --force nếu chắc chắn muốn ghi đè bằng bản sao lưu.")
    try:
        tar = tarfile.open(archive, "r:gz")
    except (tarfile.TarError, OSError):
        raise InvalidInput(f"{archive.name} không phải tệp sao lưu của loaxa (tar.gz).") from None
    with tar, tempfile.TemporaryDirectory(prefix="loaxa-restore-") as tmp:
        staging = Path(tmp)
        tar.extractall(staging, members=_safe_members(tar), filter="data")
        manifest_path = staging / MANIFEST
        if not manifest_path.exists():
            raise InvalidInput(f"{archive.name} thiếu manifest.json: không phải tệp sao lưu của loaxa.")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        for rel, digest in manifest["files"].items():
            if _sha256(staging / "data" / rel) != digest:
                raise InvalidInput(f"Tệp {rel} trong bản sao lưu bị hỏng (sai mã băm): không khôi phục.")
        _restore_database(engine, staging / "database", manifest["database"])
        for rel in manifest["files"]:
            target = settings.data_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp_target = target.with_name(f".{target.name}.restore")
            shutil.copy2(staging / "data" / rel, tmp_target)
            os.replace(tmp_target, target)
        _rebase_paths(engine, manifest["data_dir"], str(settings.data_dir))
    return BackupReport(archive, len(manifest["files"]), manifest["database"], manifest["created_at"])


def _has_rows(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1 FROM stations LIMIT 1")).first() is not None


def _restore_database(engine: Engine, folder: Path, kind: str) -> None:
    if kind != engine.dialect.name:
        raise InvalidInput(f"Bản sao lưu là cơ sở dữ liệu {kind}, còn máy này dùng {engine.dialect.name}: hãy dùng cùng loại.")
    engine.dispose()
    if kind == "sqlite":
        source = sqlite3.connect(folder / "loaxa.db")
        target = sqlite3.connect(engine.url.database)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return
    if shutil.which("pg_restore") is None:
        raise ToolMissing("Chưa cài pg_restore: hãy chạy `apt-get install postgresql-client`.")
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={url}", str(folder / "loaxa.pgdump")], check=True, capture_output=True)


def _rebase_paths(engine: Engine, old: str, new: str) -> None:
    """Stored file paths name the data dir they were made in: point them at this one."""
    from broadcast.models import Asset, Broadcast, BroadcastItem, Recording, Render
    from broadcast.models.edge import EdgeAudio

    if old == new:
        return
    columns = ([(m, m.path) for m in (Asset, Recording, Render, EdgeAudio)] + [(m, m.audio_path) for m in (Broadcast, BroadcastItem)]
               + [(Recording, Recording.original_path)])  # a media item's kept upload
    with engine.begin() as conn:
        for model, column in columns:
            for row_id, path in conn.execute(select(model.id, column).where(column.startswith(old))).all():
                conn.execute(update(model).where(model.id == row_id).values({column.key: new + path[len(old):]}))
